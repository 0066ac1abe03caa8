"""Notices: they reach exactly the trusts their region and role pick out, show on those trusts' members'
home pages until each marks them read, and never reach anyone else; curators alone write and send them.

Sheffield (TAH) deploys peer support workers, Rotherham (RXE) mental health practitioners; both are in
North East and Yorkshire.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.mapping import notices, notices_demo
from newroles.mapping.models import Notice
from newroles.mapping.tests.helpers import deploy
from newroles.organisations.models import Region, Trust

pytestmark = pytest.mark.django_db

HOME_MAX_QUERIES = 12
LIST_MAX_QUERIES = 8


def _sent(title: str = "A notice", **target) -> Notice:  # type: ignore[no-untyped-def]
    notice = notices.create_notice(actor=policy.SYSTEM, title=title, body="Body of " + title, **target)
    return notices.send_notice(actor=policy.SYSTEM, notice=notice)


def _home(user):  # type: ignore[no-untyped-def]
    return client_for(user).get(reverse("home"))


def _home_titles(user) -> list[str]:  # type: ignore[no-untyped-def]
    return [n.title for n in _home(user).context["notices"]]


# Who a notice reaches -----------------------------------------------------------------------------


def test_a_role_notice_reaches_the_trusts_that_deploy_or_plan_it(sheffield, rotherham, psw, sheffield_psw):
    north_west = Trust.objects.get(ods_code="RXV")
    deploy(north_west, "Peer Support Worker (planned)", "peer_support_worker", status="planned")
    stopped = Trust.objects.get(ods_code="RT2")
    deploy(stopped, "Peer Mentor", "peer_support_worker", status="discontinued")
    assert list(notices.target_trusts(region=None, role=psw)) == [north_west, sheffield]
    notice = _sent(role=psw)
    assert set(notice.trusts.all()) == {sheffield, north_west}


def test_a_region_notice_reaches_its_active_trusts_and_both_together_narrow_it(sheffield, psw, sheffield_psw):
    region = Region.objects.get(code="Y63")
    in_region = set(Trust.objects.filter(region=region, status=Trust.ACTIVE))
    assert set(notices.target_trusts(region=region, role=None)) == in_region and len(in_region) == 8
    assert list(notices.target_trusts(region=region, role=psw)) == [sheffield]
    assert list(notices.target_trusts(region=Region.objects.get(code="Y56"), role=psw)) == []
    assert notices.target_trusts(region=None, role=None).count() == 48  # every active trust


def test_sending_fixes_the_trusts_a_notice_reached(rotherham, psw, sheffield_psw):
    notice = _sent(role=psw)
    deploy(rotherham, "Peer Worker", "peer_support_worker")  # starts deploying after the notice went
    assert [t.ods_code for t in notices.addressees(notice)] == ["TAH"]
    with pytest.raises(ValidationError):
        notices.send_notice(actor=policy.SYSTEM, notice=notice)


def test_a_notice_that_would_reach_no_trust_is_not_sent(psw):
    draft = notices.create_notice(actor=policy.SYSTEM, title="Nobody", body="x", role=psw)
    with pytest.raises(ValidationError, match="reach no one"):
        notices.send_notice(actor=policy.SYSTEM, notice=draft)
    assert Notice.objects.get(pk=draft.pk).sent_at is None


# Who sees it --------------------------------------------------------------------------------------


def test_it_shows_on_the_home_page_of_exactly_the_targeted_trusts_members(
    alice, bob, eve, charlie, nadia, rita, olive, admin_user, psw, sheffield_psw
):
    _sent("To peer support employers", role=psw)
    for member in (alice, bob, eve):
        assert _home_titles(member) == ["To peer support employers"]
    for outsider in (charlie, nadia, rita, olive, admin_user):
        assert _home_titles(outsider) == []
        assert "To peer support employers" not in _home(outsider).content.decode()


def test_a_regional_notice_reaches_both_trusts_of_the_region_but_not_a_third(alice, charlie):
    _sent("North East and Yorkshire", region=Region.objects.get(code="Y63"))
    _sent("London only", region=Region.objects.get(code="Y56"))
    assert _home_titles(alice) == ["North East and Yorkshire"]
    assert _home_titles(charlie) == ["North East and Yorkshire"]


def test_a_notice_page_is_404_to_everyone_it_was_not_sent_to(alice, charlie, nadia, olive, rita, psw, sheffield_psw):
    notice = _sent(role=psw)
    draft = notices.create_notice(actor=policy.SYSTEM, title="Draft", body="Not yet", role=psw)
    assert client_for(alice).get(notice.get_absolute_url()).status_code == 200
    for outsider in (charlie, nadia, olive):
        assert client_for(outsider).get(notice.get_absolute_url()).status_code == 404
        assert client_for(outsider).post(reverse("mapping:notice_read", args=[notice.pk])).status_code == 404
        listed = client_for(outsider).get(reverse("mapping:notices")).context["page"].object_list
        assert list(listed) == []
    assert client_for(alice).get(draft.get_absolute_url()).status_code == 404  # drafts are the curators'
    assert client_for(rita).get(draft.get_absolute_url()).status_code == 200
    with pytest.raises(PermissionDenied):
        notices.mark_read(actor=charlie, notice=notice)


def test_the_notice_page_names_the_addressees_new_roles_leads(alice, sheffield, psw, sheffield_psw):
    from newroles.organisations import services as organisations

    organisations.update_trust_contact(
        actor=alice, trust=sheffield, new_roles_lead_name="Nia Lead", new_roles_lead_email="nia.lead@example.org"
    )
    notice = _sent(role=psw)
    page = client_for(alice).get(notice.get_absolute_url()).content.decode()
    assert "Nia Lead" in page and "mailto:nia.lead@example.org" in page
    assert "Addressed to the new roles leads of 1 trust" in page


def test_the_body_is_sanitised_markdown(alice, psw, sheffield_psw):
    draft = notices.create_notice(
        actor=policy.SYSTEM, title="Markdown", body="## Dates\n\n- **31 March**\n\n<script>alert(1)</script>", role=psw
    )
    notice = notices.send_notice(actor=policy.SYSTEM, notice=draft)
    page = client_for(alice).get(notice.get_absolute_url()).content.decode()
    assert "<h2>Dates</h2>" in page and "<strong>31 March</strong>" in page
    assert "<script>alert(1)</script>" not in page
    home = _home(alice)
    assert "<script>alert(1)</script>" not in home.content.decode()
    assert home.context["notices"][0].summary == "Dates 31 March"  # the home page's plain-text opening


# Marking read -------------------------------------------------------------------------------------


def test_marking_read_takes_it_off_that_readers_home_page_only(alice, bob, psw, sheffield_psw):
    notice = _sent(role=psw)
    response = client_for(alice).post(reverse("mapping:notice_read", args=[notice.pk]), {"next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert _home_titles(alice) == []
    assert _home_titles(bob) == [notice.title]  # another member has not read it
    client_for(alice).post(reverse("mapping:notice_read", args=[notice.pk]))  # again: nothing more
    assert notice.reads.count() == 1
    record = ChangeRecord.objects.get(content_type__model="noticeread")
    assert (record.user, record.action, record.message) == (alice, "create", "read")
    listed = client_for(alice).get(reverse("mapping:notices")).context["page"].object_list
    assert [(n.title, n.read_by_user) for n in listed] == [(notice.title, True)]


def test_it_goes_back_only_to_this_site(alice, psw, sheffield_psw):
    notice = _sent(role=psw)
    response = client_for(alice).post(
        reverse("mapping:notice_read", args=[notice.pk]), {"next": "https://elsewhere.example/"}
    )
    assert response["Location"] == notice.get_absolute_url()


def test_a_new_member_of_a_reached_trust_sees_it(psw, sheffield_psw):
    from newroles.conftest import _user

    notice = _sent(role=psw)
    newcomer = _user("newcomer@example.org", trust="TAH", role="viewer")
    assert _home_titles(newcomer) == [notice.title]


# Curators write; everyone else is refused ---------------------------------------------------------


def test_a_researcher_writes_a_draft_sees_its_reach_and_sends_it(rita, alice, psw, sheffield_psw):
    client = client_for(rita)
    response = client.post(
        reverse("mapping:notice_create"),
        {"title": "Supervision capacity", "body": "Check your supervisors.", "role": psw.pk, "region": ""},
    )
    draft = Notice.objects.get(title="Supervision capacity")
    assert response["Location"] == draft.get_absolute_url()
    assert (draft.author, draft.sent_at) == (rita, None)
    assert _home_titles(alice) == []  # not sent yet
    page = client.get(draft.get_absolute_url()).content.decode()
    assert "Sent now, it would reach 1 trust" in page
    client.post(reverse("mapping:notice_edit", args=[draft.pk]), {"title": "Supervision", "body": "Check.",
                                                                  "role": psw.pk, "region": ""})  # fmt: skip
    client.post(reverse("mapping:notice_send", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.sent_at is not None and draft.title == "Supervision"
    assert _home_titles(alice) == ["Supervision"]
    actions = ChangeRecord.objects.filter(content_type__model="notice", object_id=str(draft.pk))
    assert [(r.action, r.message) for r in actions.order_by("time")] == [
        ("create", ""), ("update", ""), ("update", "sent"),
    ]  # fmt: skip
    assert all(r.user == rita for r in actions)
    # Sent: it stays as its readers saw it.
    assert client.get(reverse("mapping:notice_edit", args=[draft.pk])).status_code == 403
    with pytest.raises(ValidationError):
        notices.update_notice(actor=rita, notice=draft, title="Rewritten")


@pytest.mark.parametrize("who", ["alice", "eve", "bob", "nadia", "olive"])
def test_no_one_else_writes_or_sends_a_notice(request, who, psw, sheffield_psw):
    user = request.getfixturevalue(who)
    draft = notices.create_notice(actor=policy.SYSTEM, title="Draft", body="x", role=psw)
    client = client_for(user)
    assert client.get(reverse("mapping:notice_create")).status_code == 403
    assert client.post(reverse("mapping:notice_create"), {"title": "Mine", "body": "x"}).status_code == 403
    assert client.post(reverse("mapping:notice_send", args=[draft.pk])).status_code == 403
    assert client.post(reverse("mapping:notice_delete", args=[draft.pk])).status_code == 403
    with pytest.raises(PermissionDenied):
        notices.create_notice(actor=user, title="Forged", body="x")
    with pytest.raises(PermissionDenied):
        notices.send_notice(actor=user, notice=draft)
    assert not Notice.objects.filter(title__in=["Mine", "Forged"]).exists()
    assert Notice.objects.get(pk=draft.pk).sent_at is None


def test_the_curators_list_counts_reach_and_reads(rita, alice, bob, eve, charlie, psw, sheffield_psw):
    region_notice = _sent("Regional", region=Region.objects.get(code="Y63"))
    role_notice = _sent("Peer support", role=psw)
    notices.create_notice(actor=policy.SYSTEM, title="Draft", body="x")
    notices.mark_read(actor=alice, notice=role_notice)
    notices.mark_read(actor=bob, notice=role_notice)
    notices.mark_read(actor=charlie, notice=region_notice)
    response = client_for(rita).get(reverse("mapping:notices"))
    rows = {n.title: (n.trust_count, n.member_count, n.read_count) for n in response.context["page"].object_list}
    assert rows == {"Draft": (0, 0, 0), "Regional": (8, 4, 1), "Peer support": (1, 3, 2)}
    assert [n.title for n in response.context["page"].object_list] == ["Draft", "Peer support", "Regional"]


def test_pages_stay_within_their_query_budgets(rita, alice, psw, sheffield_psw, django_assert_max_num_queries):
    for i in range(6):
        _sent(f"Notice {i}", role=psw)
    home = client_for(alice)
    home.get(reverse("home"))
    with django_assert_max_num_queries(HOME_MAX_QUERIES):
        assert home.get(reverse("home")).status_code == 200
    curator = client_for(rita)
    curator.get(reverse("mapping:notices"))
    with django_assert_max_num_queries(LIST_MAX_QUERIES):
        assert curator.get(reverse("mapping:notices")).status_code == 200


def test_the_demo_sends_a_national_and_a_regional_notice(db):
    from newroles.accounts.models import User
    from newroles.demo.services import load_demo

    load_demo()
    editor, viewer, other, national = (
        User.objects.get(email=f"{name}@demo.test") for name in ("editor", "viewer", "other", "national")
    )
    national_notice, regional = Notice.objects.order_by("sent_at")
    assert national_notice.role.slug == "peer_support_worker" and national_notice.region is None
    assert regional.region.code == "Y63" and regional.role is None
    assert all(n.body.startswith(notices_demo.ILLUSTRATIVE) for n in (national_notice, regional))
    assert national_notice.author.email == "researcher@demo.test"
    assert _home_titles(editor) == _home_titles(viewer) == [regional.title, national_notice.title]
    assert regional.title not in _home_titles(other)  # read already, in the demo
    assert _home_titles(national) == []
    load_demo()  # again: nothing more
    assert Notice.objects.count() == 2
