"""`newroles restore FILE [--force]`: put a backup back into an empty instance, checking it first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from newroles.ops import services


class Command(BaseCommand):
    help = (
        "Restore a backup made by `newroles backup` into this instance. Every checksum is verified before "
        "anything changes. Refuses an instance with user accounts, change records or private files unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", type=Path, help="the archive written by `newroles backup`")
        parser.add_argument(
            "--force", action="store_true", help="replace the database and private files of an instance in use"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive: Path = options["archive"]
        if not archive.is_file():
            raise CommandError(f"{archive} is not a file.")
        try:
            report = services.restore(archive, force=options["force"])
        except services.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"Restored {services.describe(report)} ({report.engine}) from {report.path}.")
