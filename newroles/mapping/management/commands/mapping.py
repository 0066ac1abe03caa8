"""newroles mapping coverage [--format json|table]: the phase 1 coverage by region, computed from the data."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newroles.mapping import services


class Command(BaseCommand):
    help = "The national map from the command line. Subcommands: coverage."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        cov = subcommands.add_parser(
            "coverage", help="Study-set trusts engaged in phase 1 (a completed interview or questionnaire), by region."
        )
        cov.add_argument("--format", choices=["json", "table"], default="table", help="Output format (table).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["subcommand"] == "coverage":
            self.coverage(opts["format"])

    def coverage(self, fmt: str) -> None:
        cov = services.coverage()
        regions = [{"region": r.region.name, "engaged": r.engaged, "total": r.total} for r in cov]
        if fmt == "json":
            data = {"regions": regions, "total": {"engaged": cov.engaged, "total": cov.total}}
            self.stdout.write(json.dumps(data, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title="Phase 1 coverage by region")
        table.add_column("Region")
        table.add_column("Engaged", justify="right")
        table.add_column("Total", justify="right")
        for row in regions:
            table.add_row(row["region"], str(row["engaged"]), str(row["total"]))
        table.add_section()
        table.add_row("TOTAL", str(cov.engaged), str(cov.total), style="bold")
        console = Console(file=io.StringIO(), width=80, color_system=None)
        console.print(table)
        self.stdout.write(console.file.getvalue().rstrip("\n"))  # type: ignore[attr-defined]
