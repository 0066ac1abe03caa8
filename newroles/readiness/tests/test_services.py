"""Recording checks: the trust's editors only, every rating audited, history kept, bad input refused."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.readiness import services
from newroles.readiness.models import Assessment, Rating
from newroles.readiness.summary import summary_for
from newroles.readiness.tests.conftest import TODAY, all_ratings, asked_keys, check
from newroles.roles.models import SharedDocument


def test_an_editor_records_a_check_with_a_rating_for_every_asked_factor(planned, alice):
    assessment = check(planned, actor=alice, clinical_champion="not_started")
    assert assessment.assessed_by == alice and assessment.assessed_by_name == "Test lead"
    assert assessment.ratings.count() == len(asked_keys())
    records = ChangeRecord.objects.filter(content_type__app_label="readiness",
                                          content_type__model__in=["assessment", "rating"])  # fmt: skip
    assert records.filter(content_type__model="assessment").count() == 1
    assert records.filter(content_type__model="rating").count() == len(asked_keys())
    assert all(r.user_id == alice.pk for r in records)


@pytest.mark.parametrize("who", ["bob", "charlie", "nadia"])
def test_only_the_trusts_editors_record_checks(planned, who, request):
    with pytest.raises(PermissionDenied):
        check(planned, actor=request.getfixturevalue(who))
    assert not Assessment.objects.exists()


def test_a_new_check_keeps_the_last_and_the_summary_reads_the_latest(planned):
    first = check(planned, on=dt.date(2026, 1, 10), clinical_champion="not_started")
    second = check(planned, on=dt.date(2026, 5, 1))
    assert set(Assessment.objects.values_list("pk", flat=True)) == {first.pk, second.pk}
    summary = summary_for(planned, today=TODAY)
    assert summary.assessment == second
    assert "clinical_champion" not in [i.key for i in summary.flags]
    older = summary_for(planned, today=TODAY, assessment=first)
    flags = {i.key: i for i in older.flags}
    assert flags["clinical_champion"].headline == (
        "No clinical champion named — the study found champions matter most at the start"
    )


def test_every_asked_factor_must_be_rated_and_only_those(planned):
    ratings = all_ratings()
    del ratings["strategy"]
    ratings["supervision"] = {"status": "in_place"}
    with pytest.raises(ValidationError) as exc:
        services.record_assessment(actor=policy.SYSTEM, deployment=planned, assessed_on=TODAY, ratings=ratings)
    assert set(exc.value.message_dict) == {"strategy", "supervision"}
    assert not Assessment.objects.exists() and not Rating.objects.exists()


def test_a_check_cannot_be_dated_in_the_future(planned):
    with pytest.raises(ValidationError):
        check(planned, on=dt.date.today() + dt.timedelta(days=1))


def test_a_linked_document_must_be_the_trusts_or_shared(planned, rotherham):
    private = SharedDocument.objects.create(trust=rotherham, title="Rotherham's SOP", doc_type="sop")
    ratings = all_ratings()
    ratings["structures"]["document"] = private
    with pytest.raises(ValidationError, match="Link a document of the trust's own"):
        services.record_assessment(actor=policy.SYSTEM, deployment=planned, assessed_on=TODAY, ratings=ratings)
    assert not Assessment.objects.exists()


def test_a_named_champion_shows_on_the_summary(planned):
    ratings = all_ratings()
    ratings["clinical_champion"]["champion"] = "Consultant nurse, CMHT South"
    services.record_assessment(actor=policy.SYSTEM, deployment=planned, assessed_on=TODAY, ratings=ratings)
    item = next(i for i in summary_for(planned, today=TODAY).items if i.key == "clinical_champion")
    assert item.reason.startswith("Who is the champion: Consultant nurse, CMHT South.")
