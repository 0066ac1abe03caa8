"""The API's test world: Sheffield (TAH) with private rows and small staff counts, Rotherham (RXE) with
staff counts all of 5 or more, and a token for each persona.

Personas (the shared fixtures in newroles/conftest.py): eve edits Sheffield, bob reads it, charlie edits
Rotherham, nadia reads nationally, rita is a researcher, admin an administrator; plus no one at all, and
eve's revoked and expired tokens.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.utils import timezone

from newroles.accounts import mfa, policy
from newroles.api import services as tokens
from newroles.api.models import ApiToken
from newroles.conftest import pass_second_factor
from newroles.funding import services as funding
from newroles.mapping import services as mapping
from newroles.organisations import services as organisations
from newroles.roles.models import Role, RolePack
from newroles.skillmix import services as skillmix
from newroles.workforce import services as workforce
from newroles.workforce.tests.conftest import MAPPING, post, rows_of, write_csv

MONTH = dt.date(2025, 3, 1)

# What only Sheffield's members may read: none of these strings may reach anyone outside it.
PRIVATE_MARKERS = ("Quillon Ward", "Zephyrine grant", "Larkspur establishment", "Tamsin scenario", "Ottervale Ward")

# Sheffield's extract: two roles with fewer than 5 staff (2 clinical associates in psychology, 3 pharmacists).
SHEFFIELD_ROWS = [
    (12, post("Staff Nurse - Ottervale Ward", job_role="Staff Nurse", code="N6D")),
    (6, post("Peer Support Worker", grade="Band 4", job_role="Support Worker", code="H1D",
             group="Additional Clinical Services")),
    (2, post("Clinical Associate Psychologist", grade="Band 6", group="Add Prof Scientific and Technic")),
    (3, post("Pharmacist", grade="Band 7", job_role="Pharmacist", code="S0D", group="Add Prof Scientific and Technic")),
]  # fmt: skip
# Rotherham's: every cell of 5 or more, so any small count an outsider could see would be Sheffield's.
ROTHERHAM_ROWS = [
    (20, post("Staff Nurse", job_role="Staff Nurse", code="N6D", org="100 Oak Ward")),
    (7, post("Peer Support Worker", grade="Band 4", job_role="Support Worker", code="H1D", org="100 Oak Ward",
             group="Additional Clinical Services")),
]  # fmt: skip


@dataclass
class World:
    team: Any
    deployment: Any
    public_deployment: Any
    line: Any
    composition: Any
    scenario: Any
    pack: Any
    tokens: dict[str, str]


def make_token(user: Any, name: str, **fields: Any) -> str:
    request = RequestFactory().get("/")
    request.user = user
    if mfa.requires_second_factor(user):
        request.user.is_verified = lambda: True  # the session passed its second factor
    _, secret = tokens.create_token(actor=user, user=user, name=name, request=request, **fields)
    return secret


@pytest.fixture
def world(tmp_path, sheffield, rotherham, eve, bob, charlie, nadia, rita, admin_user) -> World:  # type: ignore[no-untyped-def]
    cache.clear()  # rate-limit counters from earlier tests
    system = policy.SYSTEM
    team = organisations.create_team(actor=system, trust=sheffield, name="Quillon Ward", service_type="inpatient")
    psw = Role.objects.get(slug="peer_support_worker")
    # Its figures come from the staff record below: 2 people, a small count.
    deployment = mapping.create_deployment(
        actor=system, trust=sheffield, local_title="Clinical Associate Psychologist", teams=[team],
        role=Role.objects.get(slug="clinical_associate_in_psychology"), reasons=["staff_shortages"],
    )  # fmt: skip
    public_deployment = mapping.create_deployment(
        actor=system, trust=rotherham, local_title="Peer Support Worker", role=psw, headcount=7,
        figures_source="staff_record", figures_as_of=MONTH,
    )  # fmt: skip
    line = funding.create_line(
        actor=system, trust=sheffield, deployment=deployment, name="Zephyrine grant", funder_kind="icb",
        funding_type="time_limited", amount_per_year=Decimal("90000"), start_date=dt.date(2025, 4, 1),
        end_date=dt.date(2027, 3, 31), covers_salary=True,
    )  # fmt: skip
    composition = skillmix.create_composition(actor=system, team=team, name="Larkspur establishment")
    skillmix.add_posts(actor=system, composition=composition, role=psw, wte="1.0", band="4", count=2)
    scenario = skillmix.create_scenario(actor=system, composition=composition, name="Tamsin scenario")
    for trust, rows in ((sheffield, SHEFFIELD_ROWS), (rotherham, ROTHERHAM_ROWS)):
        path = write_csv(tmp_path / f"{trust.ods_code}.csv", rows_of(*rows))
        workforce.import_file(actor=system, trust=trust, path=path, month=MONTH, mapping=MAPPING, processes=1)
    pack = RolePack.objects.filter(trust__isnull=True).order_by("pk").first()
    secrets = {
        "editor": make_token(eve, "Editor's script"),
        "viewer": make_token(bob, "Viewer's dashboard"),
        "other_editor": make_token(charlie, "Rotherham sync"),
        "national": make_token(nadia, "National pipeline"),
        "researcher": make_token(rita, "Study scripts"),
        "admin": make_token(admin_user, "Admin checks"),
        "revoked": make_token(eve, "Old script"),
        "expired": make_token(eve, "Last year's script", expires_at=timezone.now() + dt.timedelta(days=1)),
    }
    tokens.revoke_token(actor=eve, token=ApiToken.objects.get(name="Old script"))
    ApiToken.objects.filter(name="Last year's script").update(expires_at=timezone.now() - dt.timedelta(days=1))
    deployment.refresh_from_db()
    assert (deployment.headcount, deployment.figures_source) == (2, "staff_record")
    return World(team, deployment, public_deployment, line, composition, scenario, pack, secrets)


def api_client(secret: str | None) -> Client:
    """A client that sends the token with every request (no session)."""
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client(headers=headers)


def session_client(user: Any) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    if mfa.requires_second_factor(user):
        pass_second_factor(client, user)
    return client
