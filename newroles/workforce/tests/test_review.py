"""Titles to resolve: grouped with suggestions; decisions become the trust's aliases, recount, and are audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db.models import Sum
from django.urls import reverse

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.roles import aliases
from newroles.roles.models import Role, RoleAlias
from newroles.workforce import services
from newroles.workforce.models import ExtractImport, ExtractTitle, Recount, StaffCount, TitleDecision
from newroles.workforce.normalisers import normaliser_for
from newroles.workforce.tests.conftest import APRIL, post, rows_of

pytestmark = pytest.mark.django_db

REVIEW_ROWS = [
    (4, post("Recovery Navigator", grade="Band 4")),
    (2, post("Recovery Navigator - CMHT North", grade="Band 4", org="350 CMHT North")),
    (3, post("Practitioner", grade="Band 4", code="NGD")),  # only the code speaks: a low-confidence match
    (5, post("Ward Clerk", grade="Band 3")),
    (6, post("Team Administrator", grade="Band 3")),
    (8, post("Staff Nurse", job_role="Staff Nurse", code="N6D")),
]


@pytest.fixture
def review_import(sheffield, run_import) -> ExtractImport:  # type: ignore[no-untyped-def]
    return run_import(sheffield, rows_of(*REVIEW_ROWS))


def staff(trust, role_slug: str | None) -> int:  # type: ignore[no-untyped-def]
    qs = StaffCount.objects.filter(trust=trust)
    qs = qs.filter(role__isnull=True) if role_slug is None else qs.filter(role__slug=role_slug)
    return qs.aggregate(n=Sum("headcount"))["n"] or 0


def test_titles_are_grouped_most_staff_first_with_suggestions(sheffield, review_import) -> None:
    groups = services.titles_to_resolve(sheffield)
    keys = [g.key for g in groups]
    assert keys[0] == "recovery navigator"  # 6 staff across two written forms
    navigator = groups[0]
    assert navigator.headcount == 6 and navigator.unresolved
    assert navigator.titles == [("Recovery Navigator", 4), ("Recovery Navigator - CMHT North", 2)]
    # Titles that name a post outside the catalogue come after those that may be new roles.
    assert [g.not_a_role for g in groups][-2:] == [True, True]
    assert {"ward clerk", "team administrator"} <= set(keys)
    assert "staff nurse" not in keys  # matched with confidence


def test_a_low_confidence_match_is_listed_with_its_answer_as_the_suggestion(sheffield, review_import) -> None:
    title = ExtractTitle.objects.get(trust=sheffield, title="Practitioner")
    assert title.role.slug == "nursing_associate" and title.method == "code"
    assert title.confidence < services.REVIEW_CONFIDENCE and title.review
    group = next(g for g in services.titles_to_resolve(sheffield) if g.key == "practitioner")
    assert group.resolved_to == title.role and group.suggestion == title.role and not group.unresolved
    # Accepting the suggestion keeps the role, now with the trust's confidence.
    services.decide_title(actor=policy.SYSTEM, trust=sheffield, key="practitioner", outcome=TitleDecision.ACCEPTED,
                          role=title.role)  # fmt: skip
    title.refresh_from_db()
    assert title.role.slug == "nursing_associate" and title.confidence >= 0.99
    assert "practitioner" not in [g.key for g in services.titles_to_resolve(sheffield)]


def test_choosing_a_role_makes_an_alias_and_recounts(sheffield, eve, review_import) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    before_unmatched = staff(sheffield, None)
    decision = services.decide_title(
        actor=eve, trust=sheffield, key="recovery navigator", outcome=TitleDecision.OTHER_ROLE, role=psw
    )
    alias = RoleAlias.objects.get(trust=sheffield, normalised="recovery navigator")
    assert decision.alias == alias and alias.role == psw and alias.status == RoleAlias.APPROVED
    assert alias.source == "titles to resolve"
    # Both written forms moved, with their organisation units kept.
    assert staff(sheffield, None) == before_unmatched - 6
    moved = StaffCount.objects.filter(trust=sheffield, title__cleaned="recovery navigator")
    assert {(c.org_unit, c.role_id, c.headcount) for c in moved} == {
        ("349 Maple Ward", psw.pk, 4), ("350 CMHT North", psw.pk, 2),
    }  # fmt: skip
    assert all(t.role == psw for t in ExtractTitle.objects.filter(trust=sheffield, cleaned="recovery navigator"))
    assert "recovery navigator" not in [g.key for g in services.titles_to_resolve(sheffield)]
    # The normaliser now matches the title for this trust only, first.
    assert normaliser_for(sheffield).normalise("Recovery Navigator - Crisis Team").slug == "peer_support_worker"
    assert normaliser_for(None).normalise("Recovery Navigator").slug is None
    # Audited: the alias, the decision, and the recount of the month.
    messages = set(ChangeRecord.objects.filter(user=eve).values_list("message", flat=True))
    assert "title decided" in messages
    assert any(m.startswith("recounted March 2025: 2 title(s) changed") for m in messages)


def test_a_decision_applies_to_later_imports(sheffield, eve, run_import, review_import) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    services.decide_title(actor=eve, trust=sheffield, key="recovery navigator", outcome="other_role", role=psw)
    april = run_import(sheffield, rows_of((3, post("Recovery Navigator - Home Treatment"))), month=APRIL)
    title = ExtractTitle.objects.get(extract=april)
    assert title.role == psw and title.method == "exact_alias" and not title.review


def test_not_a_new_role_stops_the_asking(sheffield, eve, review_import) -> None:
    services.decide_title(actor=eve, trust=sheffield, key="ward clerk", outcome=TitleDecision.NOT_NEW)
    assert "ward clerk" not in [g.key for g in services.titles_to_resolve(sheffield)]
    assert TitleDecision.objects.get(trust=sheffield, key="ward clerk").role is None
    assert not RoleAlias.objects.filter(trust=sheffield).exists()


def test_not_new_removes_an_earlier_alias(sheffield, eve, review_import) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    services.decide_title(actor=eve, trust=sheffield, key="recovery navigator", outcome="other_role", role=psw)
    services.decide_title(actor=eve, trust=sheffield, key="recovery navigator", outcome=TitleDecision.NOT_NEW)
    assert not RoleAlias.objects.filter(trust=sheffield, normalised="recovery navigator").exists()
    assert staff(sheffield, "peer_support_worker") == 0  # moved back to unmatched
    assert "recovery navigator" not in [g.key for g in services.titles_to_resolve(sheffield)]


def test_marking_all_non_roles_at_once(sheffield, alice, review_import) -> None:
    response = client_for(alice).post(reverse("workforce:titles", args=["TAH"]), {"action": "not_new_all"})
    assert response.status_code == 302
    assert set(TitleDecision.objects.filter(trust=sheffield).values_list("key", flat=True)) == {
        "ward clerk", "team administrator"
    }  # fmt: skip


def test_deciding_through_the_page(sheffield, alice, review_import) -> None:
    client = client_for(alice)
    page = client.get(reverse("workforce:titles", args=["TAH"])).content.decode()
    assert "What do titles like ‘recovery navigator’ mean?" in page
    group = next(g for g in services.titles_to_resolve(sheffield) if g.key == "recovery navigator")
    prefix = group.form_id
    response = client.post(
        reverse("workforce:titles", args=["TAH"]),
        {"group": "recovery navigator", f"{prefix}-key": "recovery navigator", f"{prefix}-outcome": "other_role"},
    )
    assert response.status_code == 400
    assert "Choose the role these titles mean." in response.content.decode()
    response = client.post(
        reverse("workforce:titles", args=["TAH"]),
        {"group": "recovery navigator", f"{prefix}-key": "recovery navigator", f"{prefix}-outcome": "other_role",
         f"{prefix}-role": "support_time_recovery_worker", f"{prefix}-propose": "on"},
    )  # fmt: skip
    assert response.status_code == 302
    assert TitleDecision.objects.get(trust=sheffield, key="recovery navigator").proposed
    proposal = RoleAlias.objects.get(trust__isnull=True, normalised="recovery navigator")
    assert proposal.status == RoleAlias.PROPOSED and proposal.source == "proposed by TAH"


def test_a_proposal_matches_nothing_until_a_curator_approves_it(
    sheffield, rotherham, eve, rita, run_import, django_capture_on_commit_callbacks
) -> None:
    run_import(sheffield, rows_of(*REVIEW_ROWS))
    theirs = run_import(rotherham, rows_of((3, post("Recovery Navigator"))))
    stv = Role.objects.get(slug="support_time_recovery_worker")
    services.decide_title(
        actor=eve, trust=sheffield, key="recovery navigator", outcome="other_role", role=stv, propose=True
    )
    assert ExtractTitle.objects.get(extract=theirs).role is None  # still unresolved at Rotherham
    assert normaliser_for(None).normalise("Recovery Navigator").slug is None
    proposal = RoleAlias.objects.get(trust__isnull=True, normalised="recovery navigator")
    page = client_for(rita).get(reverse("workforce:aliases")).content.decode()
    assert "‘Recovery navigator’" in page and "proposed by TAH" in page
    with django_capture_on_commit_callbacks(execute=True):
        client_for(rita).post(reverse("workforce:aliases"), {"alias": proposal.pk, "action": "approve"})
    proposal.refresh_from_db()
    assert proposal.status == RoleAlias.APPROVED
    # Approval queues a recount of every trust, once it commits (the background task runs at once in tests).
    assert ExtractTitle.objects.get(extract=theirs).role == stv
    job = Recount.objects.get()
    assert job.status == Recount.DONE and job.reason == "national alias 'Recovery navigator' approved"


def test_a_curator_rejects_a_proposal(eve, rita, sheffield, review_import) -> None:
    stv = Role.objects.get(slug="support_time_recovery_worker")
    proposal = aliases.propose_alias(actor=eve, trust=sheffield, role=stv, title="Recovery navigator")
    assert proposal is not None
    assert aliases.propose_alias(actor=eve, trust=sheffield, role=stv, title="Recovery Navigator") is None
    with pytest.raises(PermissionDenied):
        aliases.reject_alias(actor=eve, alias=proposal)
    client_for(rita).post(reverse("workforce:aliases"), {"alias": proposal.pk, "action": "reject"})
    assert not RoleAlias.objects.filter(pk=proposal.pk).exists()


def test_only_the_trusts_editors_decide(sheffield, bob, charlie, review_import) -> None:
    for actor in (bob, charlie):
        with pytest.raises(PermissionDenied):
            services.decide_title(actor=actor, trust=sheffield, key="ward clerk", outcome=TitleDecision.NOT_NEW)
    assert not TitleDecision.objects.exists()
