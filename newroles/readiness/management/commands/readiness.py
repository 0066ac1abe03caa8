"""newroles readiness summary DEPLOYMENT_ID [--format json|table]: a deployment's readiness, for scripts.

Run on the server by its operators, the command reads every trust's data (as the reference loaders do);
the pages are where the trust-by-trust rules apply.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newroles.mapping.models import Deployment
from newroles.readiness.summary import summary_for


class Command(BaseCommand):
    help = "Readiness checks from the command line. Subcommands: summary."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        summary = subcommands.add_parser(
            "summary", help="A deployment's readiness: every factor with its status, red flags and next steps."
        )
        summary.add_argument("deployment_id", type=int, metavar="DEPLOYMENT_ID", help="The deployment's id.")
        summary.add_argument("--format", choices=["json", "table"], default="table", help="Output format (table).")
        summary.add_argument("--today", type=dt.date.fromisoformat, default=None,
                             help="Work computed factors out as of this date (YYYY-MM-DD; default today).")  # fmt: skip

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["subcommand"] == "summary":
            self.summary(opts["deployment_id"], opts["format"], opts["today"] or dt.date.today())

    def summary(self, deployment_id: int, fmt: str, today: dt.date) -> None:
        deployment = Deployment.objects.select_related("trust__region", "role").filter(pk=deployment_id).first()
        if deployment is None:
            raise CommandError(f"No deployment has the id {deployment_id}.")
        summary = summary_for(deployment, today=today)
        if fmt == "json":
            self.stdout.write(json.dumps(summary.as_json(), indent=2, ensure_ascii=False))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=f"Readiness: {deployment.local_title} at {deployment.trust.name}")
        table.add_column("Factor")
        table.add_column("Status")
        table.add_column("Why")
        table.add_column("Next step")
        for item in summary.items:
            flag = "RED FLAG: " if item.flagged else ""
            table.add_row(item.item.title, flag + item.status_label, item.reason, item.next_step)
        console = Console(file=io.StringIO(), width=160, color_system=None)
        console.print(table)
        checked = summary.assessment.assessed_on.isoformat() if summary.assessment else "none"
        console.print(f"Red flags: {len(summary.flags)}. Latest check: {checked}.")
        self.stdout.write(console.file.getvalue().rstrip("\n"))  # type: ignore[attr-defined]
