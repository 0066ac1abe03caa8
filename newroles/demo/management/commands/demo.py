"""newroles demo [--if-empty] [--remove]: load (or remove) the illustrative demo data."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from newroles.audit.context import request_scope
from newroles.demo import services


class Command(BaseCommand):
    help = "Load the demo personas and illustrative data (or remove them with --remove)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the demo is already loaded.")
        parser.add_argument("--remove", action="store_true", help="Delete the demo accounts and the banner.")

    def handle(self, *args: Any, **opts: Any) -> None:
        with request_scope():
            if opts["remove"]:
                count = services.remove_demo()
                self.stdout.write(f"Removed {count} demo account(s).")
                return
            if opts["if_empty"] and services.is_loaded():
                self.stdout.write("Demo data already loaded.")
                return
            personas = services.load_demo()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Sign in with any of these accounts:"))
        for p in personas:
            self.stdout.write(f"  {p.email:<24} {p.what}")
        self.stdout.write(f"Password for all demo accounts: {services.DEMO_PASSWORD}")
