"""`newroles checkport PORT`: stop at once, with the reason, when the development server could not listen."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from newroles.ops.ports import port_problem


class Command(BaseCommand):
    help = (
        "Check that the development server can listen on a port (make run asks before it starts the server "
        "and the worker). Exits with status 1 and says why when the port is busy or not a port."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("port", help="the port, e.g. 8000")
        parser.add_argument("--host", default="127.0.0.1", help="the address to listen on (default 127.0.0.1)")

    def handle(self, *args: Any, **options: Any) -> None:
        problem = port_problem(options["host"], options["port"])
        if problem:
            self.stderr.write(problem)
            raise SystemExit(1)
