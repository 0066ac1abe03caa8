"""newroles normalise-titles IN.csv -o OUT.csv [--trust ODS]: add each title's catalogue role to a CSV.

The input needs a `title` column, and may have `job_role` and `occupation_code`; the output adds
role_slug (empty when the normaliser abstains), confidence (0-1), method and in_training. The
catalogue comes from the database, so curators' aliases count; with --trust, so do the trust's own.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newroles.organisations.models import Trust
from newroles.roles.normaliser import normalise_csv
from newroles.workforce.normalisers import normaliser_for


class Command(BaseCommand):
    help = "Match each title of a CSV to a catalogue role: adds role_slug, confidence, method and in_training."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "input", metavar="IN.csv", help="A CSV with a title column (job_role, occupation_code optional)."
        )
        parser.add_argument("-o", "--output", required=True, metavar="OUT.csv", help="Where to write the result.")
        parser.add_argument("--trust", metavar="ODS", help="Also use this trust's own titles (its aliases).")

    def handle(self, *args: Any, **opts: Any) -> None:
        source, target = Path(opts["input"]), Path(opts["output"])
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        if source.resolve() == target.resolve():
            raise CommandError("Write the output to another file than the input.")
        trust = None
        if opts.get("trust"):
            trust = Trust.objects.filter(ods_code=opts["trust"].upper()).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {opts['trust']!r}.")
        try:
            rows = normalise_csv(source, target, normaliser_for(trust))
        except (ValueError, UnicodeDecodeError) as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Wrote {rows:,} row(s) to {target}.")
