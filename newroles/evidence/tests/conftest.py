"""Evidence fixtures: a second researcher, the seeded codebook, a participant and a coded source."""

from __future__ import annotations

import datetime as dt

import pytest

from newroles.accounts import policy
from newroles.conftest import _user
from newroles.evidence import services
from newroles.evidence.models import Code, Codebook, Participant, Source
from newroles.evidence.transcripts import Turn


@pytest.fixture
def ray(db):  # type: ignore[no-untyped-def]
    """A second researcher, the other coder."""
    return _user("ray@example.org", is_researcher=True)


@pytest.fixture
def codebook(db) -> Codebook:  # type: ignore[no-untyped-def]
    return services.seed_codebook(actor=policy.SYSTEM)


def code(key: str) -> Code:
    return Code.objects.get(key=key)


@pytest.fixture
def j1(rita, sheffield) -> Participant:  # type: ignore[no-untyped-def]
    return services.create_participant(
        actor=rita, code="J1", post_category="hr_lead", organisation_kind="trust", trust=sheffield,
        consent_status=Participant.GIVEN, consent_date=dt.date(2023, 6, 1),
    )  # fmt: skip


@pytest.fixture
def interview(rita, j1) -> Source:  # type: ignore[no-untyped-def]
    return services.create_source(
        actor=rita, title="Interview, Trust J1", kind="interview", phase="phase1_interview", participants=[j1],
        turns=[
            Turn("Researcher", "Why did the trust bring the role in?"),
            Turn("J1", "Staff shortages, mostly. We could not fill the nursing posts."),
            Turn("J1", "People are so busy, we have to think about how to pitch the roles to them."),
            Turn("Researcher", "And the funding?"),
            Turn("J1", "It only covered the training period, not the supervision."),
        ],
    )  # fmt: skip
