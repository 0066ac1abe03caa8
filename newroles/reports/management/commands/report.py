"""newroles report briefing|trust ODS|role SLUG [--format html|pdf|json] [-o FILE]: a report from the live data.

Run on the server by its operators. The briefing and role profiles are written for the public reader (small
staff counts starred), as on the pages; a trust's profile is written for the public too unless
`--for members` asks for the version its members read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from newroles.organisations.models import Trust
from newroles.reports import briefing, profiles
from newroles.reports.pdf import render_pdf, standalone_html
from newroles.reports.readers import MEMBERS, PUBLIC, reader_for
from newroles.roles.models import Role


class Command(BaseCommand):
    help = "Write a report from the live data. Subcommands: briefing, trust ODS, role SLUG."

    def add_arguments(self, parser: CommandParser) -> None:
        subcommands = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")
        commands = [
            subcommands.add_parser("briefing", help="The findings briefing."),
            subcommands.add_parser("trust", help="A trust's profile."),
            subcommands.add_parser("role", help="A role's profile."),
        ]
        commands[1].add_argument("key", metavar="ODS", help="The trust's ODS code.")
        commands[1].add_argument(
            "--for",
            dest="audience",
            choices=[PUBLIC, MEMBERS],
            default=PUBLIC,
            help="Whom it is for: the public (small counts starred; default) or the trust's members.",
        )
        commands[2].add_argument("key", metavar="SLUG", help="The role's slug.")
        for command in commands:
            command.add_argument(
                "--format", choices=["html", "pdf", "json"], default="json", help="Output format (json)."
            )
            command.add_argument(
                "-o",
                "--output",
                type=Path,
                default=None,
                help="Write to this file (default: standard output; PDF needs a file).",
            )

    def handle(self, *args: Any, **opts: Any) -> None:
        data = self.data(opts["subcommand"], opts.get("key", ""), opts.get("audience", PUBLIC))
        fmt, output = opts["format"], opts["output"]
        if fmt == "pdf":
            if output is None:
                raise CommandError("A PDF needs a file: add -o FILE.")
            body: bytes | str = render_pdf(data)
        elif fmt == "html":
            body = standalone_html(data)
        else:
            body = json.dumps(data, indent=2, ensure_ascii=False)
        if output is None:
            self.stdout.write(body if isinstance(body, str) else body.decode())
            return
        output.write_bytes(body if isinstance(body, bytes) else body.encode("utf-8"))
        self.stderr.write(f"Wrote {output} ({output.stat().st_size:,} bytes).")

    def data(self, kind: str, key: str, audience: str) -> dict[str, Any]:
        today = timezone.localdate()
        if kind == "briefing":
            return briefing.briefing_data(today=today)
        if kind == "trust":
            trust = Trust.objects.select_related("region").filter(ods_code=key.upper()).first()
            if trust is None:
                raise CommandError(f"No trust has the ODS code {key!r}.")
            return profiles.trust_data(trust, reader_for(audience, trust.pk), today=today)
        role = Role.objects.filter(slug=key).first()
        if role is None:
            raise CommandError(f"No role has the slug {key!r}: the catalogue page lists every role's slug.")
        return profiles.role_data(role, today=today)
