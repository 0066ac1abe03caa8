"""The demo: one account per persona and a few teams, loaded through the same service functions.

Personas (password DEMO_PASSWORD for all, documented in the README):
- editor@demo.test    editor and manager at Sheffield Health Partnership (TAH)
- viewer@demo.test    viewer at TAH
- other@demo.test     editor at Rotherham Doncaster and South Humber (RXE)
- national@demo.test  national reader
- researcher@demo.test researcher
- admin@demo.test     administrator

The researcher and the administrator also need a second factor. In the demo only, each has an authenticator
app whose secret is published here (DEMO_TOTP_KEY), so anyone trying the demo can get the current code with
`newroles demo totp EMAIL` instead of scanning a QR code.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from newroles.accounts import mfa, policy
from newroles.accounts import services as accounts
from newroles.accounts.models import Membership, User
from newroles.audit.writes import create_row, delete_row
from newroles.demo.models import DemoLoad
from newroles.organisations import services as organisations
from newroles.organisations.demo import DEMO_TEAMS
from newroles.organisations.models import Trust

DEMO_PASSWORD = "demo-newroles-2026"
# A published secret, like the password: demo accounts are for trying the app, never for real data.
DEMO_TOTP_KEY = hashlib.sha1(b"newroles demo authenticator").hexdigest()
DEMO_DEVICE_NAME = "Demo authenticator (published secret)"


@dataclass(frozen=True)
class Persona:
    email: str
    name: str
    what: str
    trust: str | None = None
    role: str | None = None
    national: bool = False
    researcher: bool = False
    admin: bool = False


PERSONAS = [
    Persona("editor@demo.test", "Esther Editor", "edits and manages Sheffield's data", "TAH", Membership.MANAGER),
    Persona("viewer@demo.test", "Victor Viewer", "reads Sheffield's data", "TAH", Membership.VIEWER),
    Persona("other@demo.test", "Omar Other", "edits Rotherham Doncaster and South Humber's data", "RXE",
            Membership.EDITOR),
    Persona("national@demo.test", "Nadia National", "national reader", national=True),
    Persona("researcher@demo.test", "Rita Researcher", "research team", researcher=True),
    Persona("admin@demo.test", "Adam Admin", "administrator", admin=True),
]  # fmt: skip


def is_loaded() -> bool:
    return DemoLoad.objects.exists()


@transaction.atomic
def load_demo() -> list[Persona]:
    """Create the personas and demo teams (once). Requires the reference data."""
    trusts = {t.ods_code: t for t in Trust.objects.filter(ods_code__in=DEMO_TEAMS)}
    missing = set(DEMO_TEAMS) - set(trusts)
    if missing:
        raise RuntimeError("Load the reference data first (newroles load_reference).")
    for p in PERSONAS:
        user = User.objects.filter(email=p.email).first()
        if user is None:
            user, _ = accounts.create_user(
                actor=policy.SYSTEM, email=p.email, display_name=p.name, password=DEMO_PASSWORD,
                is_national_reader=p.national, is_researcher=p.researcher, is_admin=p.admin, is_demo=True,
            )  # fmt: skip
        if p.trust and not Membership.objects.filter(user=user, trust=trusts[p.trust]).exists():
            accounts.add_member(actor=policy.SYSTEM, trust=trusts[p.trust], email=p.email, role=p.role or "viewer")
        if mfa.requires_second_factor(user) and not mfa.has_app(user):
            device = TOTPDevice(user=user, name=DEMO_DEVICE_NAME, key=DEMO_TOTP_KEY, confirmed=True)
            create_row(policy.SYSTEM, device, message="demo authenticator")
    for code, teams in DEMO_TEAMS.items():
        existing = set(trusts[code].teams.values_list("name", flat=True))
        for name, service_type, description, shared in teams:
            if name not in existing:
                organisations.create_team(
                    actor=policy.SYSTEM, trust=trusts[code], name=name, service_type=service_type,
                    description=description, is_shared=shared,
                )  # fmt: skip
    from newroles.organisations.demo import load_demo_organisations

    load_demo_organisations()  # funding partners: an illustrative local authority and charity, and an ICB
    from newroles.mapping.demo import load_mapping_demo

    load_mapping_demo()  # the national map: engagements and deployments reproducing the briefing's figures
    from newroles.forewarning.demo import load_forewarning_demo

    load_forewarning_demo()  # forewarning: TAH's planned roles, one started too soon; illustrative events
    from newroles.funding.demo import load_funding_demo

    load_funding_demo()  # funding lines whose dates follow today, so every kind of warning shows
    from newroles.skillmix.demo import load_demo_compositions

    load_demo_compositions()  # skill-mix: CMHT North's posts, with a band 6 nurse vacancy to repurpose
    from newroles.readiness.demo import load_readiness_demo

    load_readiness_demo()  # readiness: checks at Sheffield (one with history) and sixty drawn elsewhere
    from newroles.workforce.demo import load_workforce_demo

    load_workforce_demo()  # staff record: two months of synthetic extracts for TAH and RXE, imported for real
    if settings.DEMO_STAFF_RECORD_BREADTH:
        from newroles.workforce.demo_breadth import load_breadth_demo

        load_breadth_demo()  # and six months for them and twelve more trusts, so national and trend pages have figures
    from newroles.mapping.notices_demo import load_notices_demo

    researcher, other = (User.objects.get(email=e) for e in ("researcher@demo.test", "other@demo.test"))
    load_notices_demo(author=researcher, early_reader=other)  # one national and one regional notice
    from newroles.evidence.demo import load_evidence_demo

    admin = User.objects.get(email="admin@demo.test")
    load_evidence_demo(researcher=researcher, second_coder=admin)  # the briefing's quotes, coded by two coders
    if not DemoLoad.objects.exists():
        create_row(policy.SYSTEM, DemoLoad(description="personas and teams"))
    return PERSONAS


@transaction.atomic
def remove_demo() -> int:
    """Delete the demo accounts and the marker (demo teams stay as ordinary data unless removed by hand)."""
    from newroles.evidence.demo import remove_evidence_demo

    remove_evidence_demo()  # the demo coders' segments go first: a coder is kept while their codings are
    users = list(User.objects.filter(is_demo=True))
    for user in users:
        for membership in user.memberships.all():
            delete_row(policy.SYSTEM, membership)
        for device in TOTPDevice.objects.filter(user=user):
            delete_row(policy.SYSTEM, device)
        delete_row(policy.SYSTEM, user)
    for marker in DemoLoad.objects.all():
        delete_row(policy.SYSTEM, marker)
    return len(users)


def current_code(email: str) -> str:
    """The code the demo authenticator of a demo account shows now."""
    device = TOTPDevice.objects.filter(
        user__email__iexact=email, user__is_demo=True, name=DEMO_DEVICE_NAME, confirmed=True
    ).first()
    if device is None:
        raise LookupError(f"{email} is not a demo account with the demo authenticator.")
    return mfa.current_code(device)
