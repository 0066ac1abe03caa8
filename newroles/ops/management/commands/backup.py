"""`newroles backup -o FILE`: the database and private files in one archive with a manifest and checksums."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newroles.ops import services


class Command(BaseCommand):
    help = (
        "Back up the database (SQLite's online backup, or pg_dump on PostgreSQL) and the private files into one "
        "archive with a manifest and SHA-256 checksums. Safe while the site runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, type=Path, help="the archive to write (.tar.gz)")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        if not output.parent.is_dir():
            raise CommandError(f"{output.parent} is not a folder.")
        try:
            report = services.backup(output)
        except services.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"Backed up {services.describe(report)} ({report.engine}) to {report.path} ({report.bytes:,} bytes)."
        )
