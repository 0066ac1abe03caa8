"""newroles skillmix classify FILE | newroles skillmix metrics TEAM.json: the skill-mix engine as JSON in, JSON out.

A malformed file or field is an error naming the item and the field, with exit status 2.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from newroles.skillmix import teamfile
from newroles.skillmix.metrics import compute, load_pay_table
from newroles.skillmix.roles_facts import classify_json
from newroles.skillmix.typology import ShiftError

EXIT_BAD_INPUT = 2

CLASSIFY_HELP = """\
Classify task shifts into the five kinds of skill-mix change.

FILE holds one shift object or a JSON array of them ("-" reads standard input). A role may be named by its
catalogue slug, taking its facts (level of training and expertise, band when it has one, registration,
new titles) from the role catalogue; facts stated beside it override the catalogue's:

  {"recipient": {"role": "nursing_associate", "band": "4"},
   "adopted_from": [{"role": "mental_health_nurse", "band": "5"},
                    {"role": "pharmacy_technician", "band": "4"}],
   "own_discipline_change": ["narrower"]}

or by its facts alone (the older form, still read):

  {"recipient": {"occupation": "peer support", "band": "3", "registered": false, "medical": false},
   "adopted_from": [{"occupation": "mental health nursing", "band": "6", "registered": true,
                     "medical": false}],
   "own_discipline_change": "none",
   "novel_practice": false}

level is support, associate, registered_professional, advanced or medical; without one it is derived from
registered and medical. own_discipline_change is none, narrower or broader, or an array holding narrower and
broader; novel_practice is true when the role takes the service into something new (left out, a catalogue
recipient takes the catalogue's answer). Bands are Agenda for Change "1"-"9" and "8a"-"8d"; a doctor is
"medical": true with no band. Prints a JSON array, one item per shift in order:

  {"kinds": ["delegation"], "reasons": {"delegation": "..."}, "missing": [], "notes": []}

with kinds spelled delegation, horizontal_substitution, specialisation, diversification, innovation; notes
say why a role the tasks come from gave no kind (its own occupation, a new title, tasks moving up a level).
"""


def _team_help() -> str:
    doc = teamfile.__doc__ or ""
    body = doc.split("\n", 1)[1] if "\n" in doc else doc
    return (
        "Compute a team's skill-mix metrics and print them as JSON.\n\n"
        "Role facts (staff group, medical, supervision need, usual registration) come from the role catalogue in "
        "the database, so load it first (newroles load_reference).\n" + body.replace("``", '"')
    )


def _rounded(value: Any) -> Any:
    """Round floats to 6 places so the JSON reads 0.3, not 0.30000000000000004."""
    if isinstance(value, float):
        return round(value, 6)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_rounded(v) for v in value]
    return value


class Command(BaseCommand):
    help = "The skill-mix engine: `skillmix classify FILE` (change kinds) and `skillmix metrics TEAM.json`."

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> Any:
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: Any) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{classify,metrics}")
        classify = actions.add_parser(
            "classify",
            help="classify task shifts into kinds of skill-mix change",
            description=CLASSIFY_HELP,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        classify.add_argument("file", help="JSON file with one shift or an array of shifts; - for standard input")
        metrics = actions.add_parser(
            "metrics",
            help="compute a team's skill-mix metrics from TEAM.json",
            description=_team_help(),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        metrics.add_argument("file", metavar="TEAM.json", help="the team file; - for standard input")

    def handle(self, *args: Any, **opts: Any) -> None:
        path = opts["file"]
        data = self._read_json(path)
        if opts["action"] == "classify":
            try:
                result: Any = classify_json(data)
            except ShiftError as error:
                raise CommandError(f"{path}: {error}", returncode=EXIT_BAD_INPUT) from None
        else:
            result = self._metrics(path, data)
        self.stdout.write(json.dumps(_rounded(result), indent=2, ensure_ascii=False))

    def _read_json(self, path: str) -> Any:
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"{path}: no such file", returncode=EXIT_BAD_INPUT) from None
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: cannot read the file ({error})", returncode=EXIT_BAD_INPUT) from None
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{path}: not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                returncode=EXIT_BAD_INPUT,
            ) from None

    def _metrics(self, path: str, data: Any) -> dict[str, Any]:
        from newroles.skillmix.services import role_facts

        roles = role_facts()
        if not roles:
            raise CommandError("The role catalogue is empty: run `newroles load_reference` first.")
        try:
            team = teamfile.parse_team(data, roles)
        except teamfile.TeamFileError as error:
            raise CommandError(f"{path}: {error}", returncode=EXIT_BAD_INPUT) from None
        metrics = compute(
            team.posts,
            required_competencies=team.required_competencies,
            pay_table=load_pay_table(team.pay_year),
            on_cost=team.on_cost,
            supervisor_hours_per_wte=team.supervisor_hours_per_wte,
            medical_salary=team.medical_salary,
            point=team.pay_point,  # type: ignore[arg-type]  # checked by the parser
        )
        out: dict[str, Any] = {"team": team.name} if team.name else {}
        out.update(metrics.as_dict())
        return out
