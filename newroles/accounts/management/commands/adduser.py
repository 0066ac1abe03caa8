"""newroles adduser EMAIL [--trust ODS --role editor] [--national] [--researcher] [--admin]"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from newroles.accounts import policy, services
from newroles.accounts.models import Membership, User, trust_model
from newroles.audit.context import request_scope


class Command(BaseCommand):
    help = "Create a user (or add an existing one to a trust) and print a one-time password."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("email")
        parser.add_argument("--name", default="", help="Display name.")
        parser.add_argument("--trust", help="ODS code of the trust to join.")
        parser.add_argument("--role", choices=[c for c, _ in Membership.ROLE_CHOICES], default=Membership.VIEWER)
        parser.add_argument("--national", action="store_true", help="National or regional reader.")
        parser.add_argument("--researcher", action="store_true", help="Member of the research team.")
        parser.add_argument("--admin", action="store_true", help="Administrator (staff and superuser).")

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["role"] != Membership.VIEWER and not opts["trust"]:
            raise CommandError("--role needs --trust: a role is held in a trust.")
        trust = None
        if opts["trust"]:
            trust = trust_model().objects.filter(ods_code=opts["trust"].upper()).first()
            if trust is None:
                raise CommandError(f"No trust with ODS code {opts['trust']!r}. Run `newroles load_reference`?")
        email = opts["email"].lower()
        secret = ""
        try:
            with request_scope(), transaction.atomic():
                user = User.objects.filter(email__iexact=email).first()
                if user is None:
                    user, secret = services.create_user(
                        actor=policy.SYSTEM,
                        email=email,
                        display_name=opts["name"],
                        is_national_reader=opts["national"],
                        is_researcher=opts["researcher"],
                        is_admin=opts["admin"],
                    )
                if trust is not None:
                    services.add_member(actor=policy.SYSTEM, trust=trust, email=email, role=opts["role"])
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        where = f" ({opts['role']} at {trust.name})" if trust else ""
        self.stdout.write(f"User {user.email}{where} is ready.")
        if secret:
            self.stdout.write(f"One-time password: {secret}")
            self.stdout.write("They must choose a new password when they first sign in.")
