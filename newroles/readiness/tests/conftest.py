"""Fixtures for readiness: Sheffield's planned and active roles, and checks recorded through the service."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from newroles.accounts import policy
from newroles.mapping.models import Deployment
from newroles.mapping.tests.helpers import deploy
from newroles.readiness import services
from newroles.readiness.models import Assessment
from newroles.readiness.summary import current_framework

TODAY = dt.date(2026, 6, 15)


def asked_keys() -> list[str]:
    framework = current_framework()
    assert framework is not None
    return list(framework.items.filter(mode="asked").order_by("order").values_list("key", flat=True))


def all_ratings(status: str = "in_place", **overrides: str) -> dict[str, dict[str, Any]]:
    """A rating for every asked factor: `status`, except the keys given."""
    return {key: {"status": overrides.get(key, status), "evidence": f"Evidence for {key}."} for key in asked_keys()}


def check(deployment: Deployment, *, on: dt.date = TODAY, actor: Any = policy.SYSTEM, status: str = "in_place",
          **overrides: str) -> Assessment:  # fmt: skip
    return services.record_assessment(
        actor=actor, deployment=deployment, assessed_on=on, ratings=all_ratings(status, **overrides),
        assessed_by_name="Test lead",
    )  # fmt: skip


@pytest.fixture
def planned(sheffield) -> Deployment:  # type: ignore[no-untyped-def]
    """A planned nursing associate role at Sheffield, starting three months after TODAY."""
    return deploy(sheffield, "Trainee Nursing Associate", "nursing_associate", status="planned",
                  planned_start=dt.date(2026, 9, 15))  # fmt: skip


@pytest.fixture
def active(sheffield) -> Deployment:  # type: ignore[no-untyped-def]
    return deploy(sheffield, "Peer Worker", "peer_support_worker", status="active")
