"""newroles demo [--if-empty] [--remove]: load (or remove) the illustrative demo data.

newroles demo totp EMAIL: the current second-factor code of the demo researcher or administrator.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from newroles.audit.context import request_scope
from newroles.demo import services


class Command(BaseCommand):
    help = "Load the demo personas and illustrative data (or remove them with --remove)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("action", nargs="?", choices=["totp"], help="totp: print a demo account's current code.")
        parser.add_argument("email", nargs="?", help="With totp: researcher@demo.test or admin@demo.test.")
        parser.add_argument("--if-empty", action="store_true", help="Do nothing if the demo is already loaded.")
        parser.add_argument("--remove", action="store_true", help="Delete the demo accounts and the banner.")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["action"] == "totp":
            if not opts["email"]:
                raise CommandError("Usage: newroles demo totp EMAIL")
            try:
                self.stdout.write(services.current_code(opts["email"]))
            except LookupError as exc:
                raise CommandError(str(exc)) from exc
            self.stderr.write("(a new code every 30 seconds; each code signs in once)")
            return
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
        self.stdout.write("researcher@ and admin@ also enter a code: `newroles demo totp EMAIL` prints it.")
