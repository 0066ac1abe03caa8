"""newroles funding warnings [--trust ODS] [--format json|table] [--today YYYY-MM-DD]: the sustainability
warnings of trusts' funding, computed from the register, for scripts and for a look on the server."""

from __future__ import annotations

import datetime as dt
import io
import json
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from newroles.funding import warnings
from newroles.mapping.models import Deployment
from newroles.organisations.models import Trust


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"'{text}' is not a date: write it as YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Funding from the command line. Subcommands: warnings."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        warn = subcommands.add_parser(
            "warnings", help="Every funding warning of every trust (or one), with the counts by kind."
        )
        warn.add_argument("--trust", metavar="ODS", help="Only this trust's deployments (its ODS code).")
        warn.add_argument("--format", choices=["json", "table"], default="table", help="Output format (table).")
        warn.add_argument("--today", type=_date, help="Judge the funding as on this day (YYYY-MM-DD); default today.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["subcommand"] == "warnings":
            self.warnings(opts["trust"], opts["format"], opts["today"] or timezone.localdate())

    def warnings(self, ods_code: str | None, fmt: str, today: dt.date) -> None:
        deployments = Deployment.objects.select_related("trust").filter(funding_lines__isnull=False).distinct()
        if ods_code:
            trust = Trust.objects.filter(ods_code=ods_code.upper()).first()
            if trust is None:
                raise CommandError(f"No trust has the ODS code {ods_code}.")
            deployments = deployments.filter(trust=trust)
        deployments = deployments.order_by("trust__name", "local_title")
        found = warnings.for_deployments(deployments, today=today)
        rows = [
            {
                "trust": d.trust.ods_code,
                "trust_name": d.trust.name,
                "deployment_id": d.pk,
                "deployment": d.local_title,
                "kind": w.kind,
                "label": w.label,
                "line_id": w.line_id,
                "message": w.message,
                "url": w.url,
            }
            for d in deployments
            for w in found[d.pk]
        ]
        counts = Counter(row["kind"] for row in rows)
        by_kind = {kind: counts[kind] for kind in warnings.WARNING_KINDS}
        if fmt == "json":
            data = {"today": today.isoformat(), "warnings": rows, "counts": by_kind, "total": len(rows)}
            self.stdout.write(json.dumps(data, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        console = Console(file=io.StringIO(), width=160, color_system=None)
        table = Table(title=f"Funding warnings on {today:%d %B %Y}")
        for column in ("Trust", "Role", "Warning", "Why"):
            table.add_column(column, overflow="fold")
        for row in rows:
            table.add_row(row["trust"], row["deployment"], row["label"], row["message"])
        console.print(table)
        summary = Table(title="Warnings by kind")
        summary.add_column("Kind")
        summary.add_column("Warnings", justify="right")
        for kind, n in by_kind.items():
            summary.add_row(f"{warnings.WARNING_KINDS[kind]} ({kind})", str(n))
        summary.add_section()
        summary.add_row("TOTAL", str(len(rows)), style="bold")
        console.print(summary)
        self.stdout.write(console.file.getvalue().rstrip("\n"))  # type: ignore[attr-defined]
