"""Fixtures for forewarning's tests: events in the register and roles at Sheffield (TAH) and Rotherham (RXE)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from newroles.accounts import policy
from newroles.forewarning import services
from newroles.forewarning.models import Event
from newroles.mapping import services as mapping
from newroles.mapping.models import Deployment
from newroles.organisations.models import Trust
from newroles.roles.leadtime import add_months
from newroles.roles.models import Role


def role(slug: str) -> Role:
    return Role.objects.get(slug=slug)


def today() -> dt.date:
    return timezone.localdate()


def event(title: str, when: dt.date, *slugs: str, **fields: Any) -> Event:
    fields.setdefault("kind", "regulation")
    fields.setdefault("source_url", "https://www.example.org/source")
    return services.create_event(actor=policy.SYSTEM, title=title, date=when, roles=[role(s) for s in slugs], **fields)


def deploy(trust: Trust, title: str, slug: str | None, **fields: Any) -> Deployment:
    fields.setdefault("status", "active")
    return mapping.create_deployment(
        actor=policy.SYSTEM, trust=trust, local_title=title, role=role(slug) if slug else None, **fields
    )


def planned(trust: Trust, title: str, slug: str, months: int, **fields: Any) -> Deployment:
    """A planned deployment whose start is exactly `months` whole months from today."""
    return deploy(trust, title, slug, status="planned", planned_start=add_months(today(), months), **fields)


@pytest.fixture
def register(db) -> dict[str, Event]:  # type: ignore[no-untyped-def]
    """Events of the test's own making: the reference events are removed so counts are the test's."""
    Event.objects.all().delete()
    day = today()
    return {
        "na_soon": event("Nursing associate intake", add_months(day, 7), "nursing_associate", kind="intake"),
        "na_past": event("Nursing associate register opened", add_months(day, -30), "nursing_associate"),
        "pa": event("PA registration compulsory", add_months(day, 2), "physician_associate"),
        "peer_late": event("Peer worker cohort", add_months(day, 14), "peer_support_worker", kind="intake"),
        "psych": event("Psychiatry curriculum", add_months(day, 3), "psychiatrist", kind="law"),
    }
