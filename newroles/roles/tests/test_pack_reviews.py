"""Review dates of national packs: every pack has one, curators see which are due, a change of regulation or
guidance flags a pack, and a recorded review sets the next date and closes the flags."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.roles import services
from newroles.roles.models import PackReviewFlag, Role, RolePack, default_review_by

PAST = date(2020, 1, 31)


def _records(obj) -> list[ChangeRecord]:  # type: ignore[no-untyped-def]
    kind = ContentType.objects.get_for_model(type(obj))
    return list(ChangeRecord.objects.filter(content_type=kind, object_id=str(obj.pk)).order_by("id"))


@pytest.fixture
def overdue_pack(role) -> RolePack:  # type: ignore[no-untyped-def]
    """A current national version whose file gave a review date that has passed."""
    return services.create_national_pack(
        actor=policy.SYSTEM,
        role=role,
        data={"title": "National role pack: Nursing associate", "review_by": PAST.isoformat(), "components": {}},
    )


def test_every_national_pack_loaded_from_the_files_has_a_review_date(db):  # type: ignore[no-untyped-def]
    packs = RolePack.objects.filter(trust=None)
    assert packs.exists()
    assert not packs.filter(review_by__isnull=True).exists()


def test_a_pack_file_sets_its_review_date(overdue_pack):  # type: ignore[no-untyped-def]
    assert overdue_pack.review_by == PAST


def test_a_pack_without_a_date_is_due_a_year_after_it_is_made(role):  # type: ignore[no-untyped-def]
    RolePack.objects.filter(role=role, trust=None).delete()  # a first version: nothing to inherit from
    pack = services.create_national_pack(actor=policy.SYSTEM, role=role, data={"components": {}})
    today = timezone.localdate()
    assert pack.review_by == default_review_by(today)
    assert default_review_by(date(2027, 2, 28)) == date(2028, 2, 28)
    assert default_review_by(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_pack_file_with_a_bad_date_is_refused(role):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="not a date"):
        services.create_national_pack(actor=policy.SYSTEM, role=role, data={"review_by": "next spring"})


def test_changing_a_component_keeps_the_review_date(overdue_pack, rita):  # type: ignore[no-untyped-def]
    component = overdue_pack.components.get(key="sops")
    newer = services.edit_component(actor=rita, component=component, text="How we work.")
    assert newer.version == overdue_pack.version + 1
    assert newer.review_by == PAST, "changing one part is not a review of the whole pack"


def test_an_adopted_copy_keeps_the_national_review_date(overdue_pack, eve, sheffield):  # type: ignore[no-untyped-def]
    copy = services.adopt_pack(actor=eve, pack=overdue_pack, trust=sheffield)
    assert copy.review_by == PAST


def test_curators_see_overdue_packs_on_the_packs_page(overdue_pack, rita):  # type: ignore[no-untyped-def]
    page = client_for(rita).get("/packs/").content.decode()
    assert "Packs due for review" in page
    due = page.split("Packs due for review")[1].split("Current national packs")[0]
    assert "Nursing associate" in due and "Review overdue" in due and "31 January 2020" in due
    assert "Peer support worker" not in due, "packs in date are not listed as due"


def test_others_do_not_get_the_curator_list(overdue_pack, eve, bob, nadia):  # type: ignore[no-untyped-def]
    for user in (eve, bob, nadia):
        response = client_for(user).get("/packs/")
        page = response.content.decode()
        assert response.status_code == 200
        assert "Nursing associate" in page, "everyone sees the packs and their review dates"
        assert "Packs due for review" not in page and "Review overdue" not in page


def test_the_packs_page_queries_do_not_grow_with_packs(rita, django_assert_max_num_queries):  # type: ignore[no-untyped-def]
    client = client_for(rita)
    client.get("/packs/")  # warm the session
    for role in Role.objects.filter(packs__trust=None).distinct()[:4]:
        services.flag_pack_for_review(actor=rita, role=role, reason=f"Guidance for {role.name} changed.")
    with django_assert_max_num_queries(10):
        assert client.get("/packs/").status_code == 200


def test_flagging_shows_the_reason_on_the_pack_and_is_audited(overdue_pack, rita, bob):  # type: ignore[no-untyped-def]
    reason = "NMC consultation on nursing associate medicines standards (2026): check the medicines SOP."
    flag = services.flag_pack_for_review(actor=rita, role=overdue_pack.role, reason=reason)
    assert flag is not None and flag.is_open
    [record] = _records(flag)
    assert record.action == ChangeRecord.CREATE and record.user == rita
    assert record.after["reason"] == reason and record.message == "national pack flagged for review"
    page = client_for(bob).get(f"/packs/{overdue_pack.pk}/").content.decode()
    assert "Flagged for review" in page and reason in page
    curator_page = client_for(rita).get("/packs/").content.decode()
    assert reason in curator_page.split("Current national packs")[0]


def test_the_system_can_flag_and_a_flag_stays_on_the_next_version(overdue_pack, rita):  # type: ignore[no-untyped-def]
    services.flag_pack_for_review(actor=policy.SYSTEM, role=overdue_pack.role, reason="Guidance changed.")
    newer = services.edit_component(actor=rita, component=overdue_pack.components.get(key="sops"), text="New.")
    page = client_for(rita).get(f"/packs/{newer.pk}/").content.decode()
    assert "Guidance changed." in page


def test_the_same_open_reason_is_flagged_once(overdue_pack, rita):  # type: ignore[no-untyped-def]
    first = services.flag_pack_for_review(actor=rita, role=overdue_pack.role, reason="Regulation  changed. ")
    again = services.flag_pack_for_review(actor=rita, role=overdue_pack.role, reason="Regulation changed.")
    assert first == again
    assert PackReviewFlag.objects.filter(role=overdue_pack.role, resolved_at=None).count() == 1


def test_a_role_without_a_national_pack_has_nothing_to_flag(rita):  # type: ignore[no-untyped-def]
    role = Role.objects.get(slug="psychiatrist")
    assert not role.packs.exists()
    assert services.flag_pack_for_review(actor=rita, role=role, reason="Guidance changed.") is None
    assert not PackReviewFlag.objects.filter(role=role).exists()


def test_only_curators_flag_packs_and_a_reason_is_required(overdue_pack, alice, rita):  # type: ignore[no-untyped-def]
    with pytest.raises(PermissionDenied):
        services.flag_pack_for_review(actor=alice, role=overdue_pack.role, reason="I think it is out of date.")
    with pytest.raises(ValidationError, match="Say what changed"):
        services.flag_pack_for_review(actor=rita, role=overdue_pack.role, reason="   ")
    assert not PackReviewFlag.objects.filter(role=overdue_pack.role).exists()


def test_recording_a_review_sets_the_next_date_and_closes_the_flags(overdue_pack, rita):  # type: ignore[no-untyped-def]
    flag = services.flag_pack_for_review(actor=rita, role=overdue_pack.role, reason="Guidance changed.")
    next_review = timezone.localdate() + timedelta(days=365)
    response = client_for(rita).post(f"/packs/{overdue_pack.pk}/review/", {"review_by": next_review.isoformat()})
    assert response.status_code == 302
    overdue_pack.refresh_from_db()
    flag.refresh_from_db()
    assert overdue_pack.review_by == next_review and not flag.is_open
    assert _records(overdue_pack)[-1].after["review_by"] == next_review.isoformat()
    assert _records(flag)[-1].message == "national pack reviewed"
    page = client_for(rita).get("/packs/").content.decode().split("Current national packs")[0]
    assert "Nursing associate" not in page


def test_the_next_review_must_be_after_today(overdue_pack, rita):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="after today"):
        services.record_pack_review(actor=rita, pack=overdue_pack, review_by=timezone.localdate())
    client_for(rita).post(f"/packs/{overdue_pack.pk}/review/", {"review_by": "2001-01-01"})
    overdue_pack.refresh_from_db()
    assert overdue_pack.review_by == PAST


def test_trust_editors_cannot_record_a_review(overdue_pack, eve):  # type: ignore[no-untyped-def]
    response = client_for(eve).post(f"/packs/{overdue_pack.pk}/review/", {"review_by": "2099-01-01"})
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.record_pack_review(actor=eve, pack=overdue_pack, review_by=date(2099, 1, 1))
    assert "Record a review" not in client_for(eve).get(f"/packs/{overdue_pack.pk}/").content.decode()


def test_only_the_current_national_version_is_reviewed(overdue_pack, rita, eve, sheffield):  # type: ignore[no-untyped-def]
    copy = services.adopt_pack(actor=eve, pack=overdue_pack, trust=sheffield)
    older = RolePack.objects.filter(role=overdue_pack.role, trust=None, is_current=False).first()
    for pack in (copy, older):
        with pytest.raises(ValidationError, match="current version"):
            services.record_pack_review(actor=rita, pack=pack, review_by=date(2099, 1, 1))
