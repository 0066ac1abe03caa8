"""newroles evidence SUBCOMMAND: the research evidence from the command line, for the research team's scripts.

Every subcommand acts as a named researcher or administrator (`--as EMAIL`, or the NEWROLES_EVIDENCE_AS
variable) and refuses anyone else, as the pages give them "not found":

    newroles evidence seed-codebook --as rita@example.org
    newroles evidence matrix --by participant -o matrix.xlsx
    newroles evidence agreement CODER_A_EMAIL CODER_B_EMAIL
    newroles evidence withdraw PARTICIPANT_CODE [--on YYYY-MM-DD]
    newroles evidence export --format qdpx -o FILE      (REFI-QDA: .qdpx project or .qdc codebook)
    newroles evidence import FILE
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from newroles.accounts import policy
from newroles.accounts.models import User
from newroles.evidence import analysis, exchange, services
from newroles.evidence.models import Participant
from newroles.evidence.refi import RefiError
from newroles.lib import exports


class Command(BaseCommand):
    help = "The research evidence. Subcommands: seed-codebook, matrix, agreement, withdraw, export, import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as", dest="acting", default=os.environ.get("NEWROLES_EVIDENCE_AS", ""),
                            help="The researcher (or administrator) acting, by email.")  # fmt: skip
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        sub.add_parser("seed-codebook", help="Start codebook version 1 from the briefing's structure.")
        matrix = sub.add_parser("matrix", help="Write the framework matrix as XLSX.")
        matrix.add_argument("--by", choices=list(analysis.CASE_KINDS), default="participant")
        matrix.add_argument("-o", "--output", required=True, type=Path)
        agreement = sub.add_parser("agreement", help="Agreement per code between two coders.")
        agreement.add_argument("coder_a")
        agreement.add_argument("coder_b")
        withdraw = sub.add_parser("withdraw", help="A participant withdrew consent: delete their material.")
        withdraw.add_argument("code")
        withdraw.add_argument("--on", type=dt.date.fromisoformat, default=None)
        export = sub.add_parser("export", help="Export as REFI-QDA (.qdpx project or .qdc codebook).")
        export.add_argument("--format", choices=["qdpx", "qdc"], default="qdpx")
        export.add_argument("-o", "--output", required=True, type=Path)
        imported = sub.add_parser("import", help="Import a REFI-QDA .qdpx or .qdc file.")
        imported.add_argument("file", type=Path)

    def handle(self, *args: Any, **opts: Any) -> None:
        actor = self._actor(opts["acting"])
        name = opts["subcommand"].replace("-", "_")
        getattr(self, f"do_{name}")(actor, opts)

    def _actor(self, email: str) -> User:
        if not email:
            raise CommandError("Say who is acting: --as EMAIL of a researcher (or set NEWROLES_EVIDENCE_AS).")
        user = User.objects.filter(email__iexact=email, is_active=True).first()
        if user is None or not policy.reads_evidence(user):
            raise CommandError(f"{email}: no researcher or administrator has this address.")
        return user

    def do_seed_codebook(self, actor: User, opts: dict[str, Any]) -> None:
        book = services.seed_codebook(actor=actor)
        self.stdout.write(f"Codebook version {book.version}: {book.codes.count()} codes.")

    def do_matrix(self, actor: User, opts: dict[str, Any]) -> None:
        headers, rows = analysis.matrix_table(analysis.framework_matrix(opts["by"]))
        opts["output"].write_bytes(exports.table_bytes(headers, rows, "xlsx"))
        self.stdout.write(f"Wrote {len(rows)} cases by {len(headers) - 1} themes to {opts['output']}.")

    def do_agreement(self, actor: User, opts: dict[str, Any]) -> None:
        coders = [User.objects.filter(email__iexact=e).first() for e in (opts["coder_a"], opts["coder_b"])]
        if None in coders:
            raise CommandError("Name two coders by email.")
        for row in analysis.agreement_by_code(*coders):
            r = row.result
            kappa = "not defined" if r.kappa is None else f"{float(r.kappa):.3f}"
            alpha = "not defined" if r.alpha is None else f"{r.alpha:.3f}"
            self.stdout.write(f"{row.code.key}\t{r.units} paragraphs\t{r.percent:.1f}%\tkappa {kappa}\talpha {alpha}")

    def do_withdraw(self, actor: User, opts: dict[str, Any]) -> None:
        participant = Participant.objects.filter(code=opts["code"]).first()
        if participant is None:
            raise CommandError(f"No participant has the code {opts['code']}.")
        ids = services.withdraw_consent(actor=actor, participant=participant, on=opts["on"])
        self.stdout.write(f"Participant {participant.code}'s material was deleted; {len(ids)} quotes withdrawn.")

    def do_export(self, actor: User, opts: dict[str, Any]) -> None:
        data = exchange.export_bytes(actor, opts["format"])
        opts["output"].write_bytes(data)
        self.stdout.write(f"Wrote {opts['output']} ({len(data)} bytes).")

    def do_import(self, actor: User, opts: dict[str, Any]) -> None:
        path: Path = opts["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file.")
        try:
            report = exchange.import_project(actor, path.read_bytes(), path.name)
        except RefiError as exc:
            raise CommandError(f"{path.name} was refused and nothing was imported: {exc}") from exc
        except ValidationError as exc:
            raise CommandError(f"{path.name}: nothing was imported: {'; '.join(exc.messages)}") from exc
        self.stdout.write(str(report))
