"""Fixtures for funding: a peer support deployment at Sheffield (TAH) and one at Rotherham (RXE), and
`fund(...)`, a funding line arranged by the system (no policy check) with plain defaults."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from newroles.accounts import policy
from newroles.funding import services
from newroles.funding.models import FundingLine
from newroles.funding.shares import Share
from newroles.mapping.models import Deployment
from newroles.mapping.tests.helpers import deploy
from newroles.roles.models import Role
from newroles.roles.services import save_role

TODAY = dt.date(2026, 6, 15)


def fund(deployment: Deployment, shares: list[Share] | None = None, **fields: Any) -> FundingLine:
    """A recurrent salary line from 1 April 2025 unless `fields` say otherwise."""
    values: dict[str, Any] = {
        "funder_kind": "icb",
        "funder_name": "ICB North",
        "funding_type": "recurrent",
        "amount_per_year": Decimal("40000.00"),
        "start_date": dt.date(2025, 4, 1),
        "covers_salary": True,
    }
    values.update(fields)
    if values["funding_type"] == "time_limited":
        values.setdefault("end_date", dt.date(2027, 3, 31))
    return services.create_line(
        actor=policy.SYSTEM, trust=deployment.trust, deployment=deployment, shares=shares, **values
    )


def shares(*pairs: tuple[str, str]) -> list[Share]:
    return [Share(name, Decimal(percent)) for name, percent in pairs]


def without_lead_times(*slugs: str) -> None:
    """Forget the roles' lead times (all roles' when none are named), so a test does not depend on the
    catalogue's figures; a test that needs them sets its own."""
    roles = Role.objects.filter(slug__in=slugs) if slugs else Role.objects.all()
    for role in roles.exclude(recruit_months=None, qualify_months=None):
        save_role(actor=policy.SYSTEM, slug=role.slug, recruit_months=None, qualify_months=None)


@pytest.fixture
def peer(sheffield) -> Deployment:  # type: ignore[no-untyped-def]
    deployment = deploy(sheffield, "Peer Worker", "peer_support_worker")
    without_lead_times("peer_support_worker")
    deployment.role.refresh_from_db()
    return deployment


@pytest.fixture
def rotherham_peer(rotherham) -> Deployment:  # type: ignore[no-untyped-def]
    deployment = deploy(rotherham, "Peer Support Worker", "peer_support_worker")
    without_lead_times("peer_support_worker")
    deployment.role.refresh_from_db()
    return deployment
