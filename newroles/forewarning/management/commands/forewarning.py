"""newroles forewarning events [--trust ODS] [--format json|table]: the event register, or one trust's events."""

from __future__ import annotations

import io
import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from newroles.forewarning import services
from newroles.organisations.models import Trust


class Command(BaseCommand):
    help = "Forewarning from the command line. Subcommands: events."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        events = subcommands.add_parser(
            "events", help="Events in date order, with the months to each: all of them, or one trust's."
        )
        events.add_argument("--trust", metavar="ODS", help="Only the events that affect this trust's roles.")
        events.add_argument("--format", choices=["json", "table"], default="table", help="Output format (table).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["subcommand"] == "events":
            self.events(opts.get("trust"), opts["format"])

    def events(self, ods_code: str | None, fmt: str) -> None:
        today = timezone.localdate()
        trust = None
        if ods_code:
            trust = Trust.objects.filter(ods_code=ods_code.upper()).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {ods_code!r}.")
            role_ids = services.trust_role_ids(trust)
            rows = services.dated(services.for_trust(trust), today=today, role_ids=role_ids)
        else:
            rows = services.dated(services.events().order_by("date", "title"), today=today)
        data = [
            {
                "date": row.event.date.isoformat(),
                "when": row.when,
                "months": row.months,
                "title": row.event.title,
                "kind": row.event.kind,
                "kind_label": row.event.get_kind_display(),
                "roles": [r.slug for r in row.roles],
                "region": row.event.region.code if row.event.region else None,
                "source_url": row.event.source_url,
                "source": row.event.source_citation,
                "illustrative": row.event.illustrative,
            }
            for row in rows
        ]
        if fmt == "json":
            out = {"as_of": today.isoformat(), "trust": trust.ods_code if trust else None, "events": data}
            self.stdout.write(json.dumps(out, indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        title = f"Events for {trust.name}'s roles" if trust else "Events in the register"
        table = Table(title=f"{title} (as of {today:%d %B %Y})")
        table.add_column("Date")
        table.add_column("When")
        table.add_column("Event")
        table.add_column("Kind")
        table.add_column("Roles")
        for row in data:
            table.add_row(row["date"], row["when"], row["title"], row["kind_label"], ", ".join(row["roles"]))
        console = Console(file=io.StringIO(), width=160, color_system=None)
        console.print(table)
        self.stdout.write(console.file.getvalue().rstrip("\n"))  # type: ignore[attr-defined]
