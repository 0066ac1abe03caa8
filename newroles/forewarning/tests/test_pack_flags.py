"""A recent or coming change of regulation, law or guidance flags the national packs of the roles it affects."""

from __future__ import annotations

import datetime as dt

import pytest

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.forewarning import services
from newroles.forewarning.tests.conftest import event, role, today
from newroles.roles.models import PackReviewFlag


def open_flags(slug: str) -> list[str]:
    return list(PackReviewFlag.objects.filter(role=role(slug), resolved_at=None).values_list("reason", flat=True))


@pytest.fixture
def clean_flags(db):  # type: ignore[no-untyped-def]
    PackReviewFlag.objects.all().delete()  # the reference events may already have flagged some packs


def test_a_coming_regulation_deadline_flags_each_affected_pack_once(clean_flags):
    flag_records = ChangeRecord.objects.filter(content_type__model="packreviewflag", action="create")
    before = flag_records.count()
    when = today() + dt.timedelta(days=90)
    made = event("Registration becomes compulsory", when, "physician_associate", "nursing_associate")
    reason = f"Regulation deadline on {when:%-d %B %Y}: Registration becomes compulsory"
    assert open_flags("physician_associate") == [reason]
    assert open_flags("nursing_associate") == [reason]
    assert flag_records.count() == before + 2
    services.update_event(actor=policy.SYSTEM, event=made, description="Now with more detail.")
    assert open_flags("physician_associate") == [reason]  # not flagged again for an unrelated edit


def test_guidance_a_year_old_flags_and_older_does_not(clean_flags):
    event("New guidance", today() - dt.timedelta(days=365), "peer_support_worker", kind="law")
    assert len(open_flags("peer_support_worker")) == 1
    PackReviewFlag.objects.all().delete()
    event("Old guidance", today() - dt.timedelta(days=366), "peer_support_worker", kind="law")
    assert open_flags("peer_support_worker") == []


def test_other_kinds_and_roles_without_a_national_pack_flag_nothing(clean_flags):
    event("University intake", today() + dt.timedelta(days=30), "nursing_associate", kind="intake")
    assert open_flags("nursing_associate") == []
    event("Deadline", today() + dt.timedelta(days=30), "mental_health_nurse")  # an established role: no pack
    assert not PackReviewFlag.objects.exists()


def test_moving_an_event_into_the_window_flags_the_pack(clean_flags):
    made = event("Old rule", today() - dt.timedelta(days=800), "nursing_associate")
    assert open_flags("nursing_associate") == []
    services.update_event(actor=policy.SYSTEM, event=made, date=today() + dt.timedelta(days=10))
    assert len(open_flags("nursing_associate")) == 1
