"""A trust's members: managers add people, change roles and remove them; a trust always keeps a manager."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from newroles.accounts import services
from newroles.accounts.models import Membership, User
from newroles.audit.models import ChangeRecord
from newroles.audit.services import history
from newroles.conftest import client_for

MEMBERS = reverse("accounts:members", args=["TAH"])
ADD = reverse("accounts:member_add", args=["TAH"])

# who, may see the member list, may manage it
PERSONAS = [
    ("alice", True, True),
    ("admin_user", True, True),
    ("eve", True, False),
    ("bob", True, False),
    ("charlie", False, False),
    ("nadia", False, False),
    ("rita", False, False),
    ("olive", False, False),
]


def _role_url(membership: Membership) -> str:
    return reverse("accounts:member_role", args=[membership.trust.ods_code, membership.pk])


def _remove_url(membership: Membership) -> str:
    return reverse("accounts:member_remove", args=[membership.trust.ods_code, membership.pk])


def _membership(user: User) -> Membership:
    return Membership.objects.get(user=user)


def _messages(response) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(("who", "can_see", "can_manage"), PERSONAS)
def test_the_member_list_is_private_to_the_trust(request, who, can_see, can_manage, alice, bob):
    response = client_for(request.getfixturevalue(who)).get(MEMBERS)
    assert response.status_code == (200 if can_see else 404)
    if can_see:
        emails = [m.user.email for m in response.context["memberships"]]
        assert {"alice@example.org", "bob@example.org"} <= set(emails)
        assert "charlie@example.org" not in emails
        assert response.context["can_manage"] is can_manage
        assert ("Add a member" in response.content.decode()) is can_manage


@pytest.mark.parametrize(("who", "can_see", "can_manage"), PERSONAS)
def test_it_requires_manager_access_to_add_a_member(request, who, can_see, can_manage, alice):
    client = client_for(request.getfixturevalue(who))
    denied = 403 if can_see else 404
    assert client.get(ADD).status_code == (200 if can_manage else denied)
    response = client.post(ADD, {"email": "new@example.org", "role": "viewer"})
    assert response.status_code == (200 if can_manage else denied)
    assert User.objects.filter(email="new@example.org").exists() is can_manage


@pytest.mark.parametrize(("who", "can_see", "can_manage"), PERSONAS)
def test_it_requires_manager_access_to_change_a_role(request, who, can_see, can_manage, alice, bob):
    response = client_for(request.getfixturevalue(who)).post(_role_url(_membership(bob)), {"role": "editor"})
    assert response.status_code == (302 if can_manage else 403 if can_see else 404)
    assert _membership(bob).role == ("editor" if can_manage else "viewer")


@pytest.mark.parametrize(("who", "can_see", "can_manage"), PERSONAS)
def test_it_requires_manager_access_to_remove_a_member(request, who, can_see, can_manage, alice, bob):
    response = client_for(request.getfixturevalue(who)).post(_remove_url(_membership(bob)))
    assert response.status_code == (302 if can_manage else 403 if can_see else 404)
    assert Membership.objects.filter(user=bob).exists() is not can_manage


def test_member_actions_are_post_only(alice, bob):
    client = client_for(alice)
    assert client.get(_role_url(_membership(bob))).status_code == 405
    assert client.get(_remove_url(_membership(bob))).status_code == 405


def test_a_manager_cannot_reach_another_trusts_members_through_their_own(alice, charlie):
    other = _membership(charlie)
    client = client_for(alice)
    assert client.post(reverse("accounts:member_role", args=["TAH", other.pk]), {"role": "viewer"}).status_code == 404
    assert client.post(reverse("accounts:member_remove", args=["TAH", other.pk])).status_code == 404
    assert client.post(_role_url(other), {"role": "viewer"}).status_code == 404
    assert _membership(charlie).role == "editor"


def test_adding_a_new_person_shows_a_one_time_password_once(alice, sheffield):
    client = client_for(alice)
    response = client.post(ADD, {"email": "New.Person@Example.org", "display_name": "New Person", "role": "editor"})
    assert response.status_code == 200
    assert response.templates[0].name == "accounts/member_added.html"
    secret = response.context["secret"]
    assert len(secret) >= 12 and secret in response.content.decode()

    user = User.objects.get(email="new.person@example.org")
    assert (user.display_name, user.must_change_password, user.check_password(secret)) == ("New Person", True, True)
    assert user.role_in(sheffield) == "editor"
    assert secret not in client.get(MEMBERS).content.decode()
    assert secret not in str(list(history(user).values_list("before", "after")))


def test_adding_an_existing_person_adds_only_the_membership(alice, charlie, sheffield):
    password = charlie.password
    records = ChangeRecord.objects.count()
    response = client_for(alice).post(ADD, {"email": "CHARLIE@example.org", "role": "viewer"})
    assert response.status_code == 302 and response.url == MEMBERS
    assert "charlie@example.org added as Viewer." in _messages(response)
    charlie.refresh_from_db()
    assert charlie.password == password and not charlie.must_change_password
    assert sorted(charlie.memberships.values_list("trust__ods_code", "role")) == [("RXE", "editor"), ("TAH", "viewer")]
    assert ChangeRecord.objects.count() == records + 1


def test_adding_a_member_twice_is_a_form_error(alice, bob):
    response = client_for(alice).post(ADD, {"email": "bob@example.org", "role": "editor"})
    assert response.status_code == 200
    assert "already a member" in " ".join(response.context["form"].errors["email"])
    assert _membership(bob).role == "viewer"


def test_a_manager_changes_a_role(alice, bob):
    response = client_for(alice).post(_role_url(_membership(bob)), {"role": "manager"})
    assert "bob@example.org is now Manager." in _messages(response)
    assert _membership(bob).role == "manager"
    record = history(_membership(bob)).first()
    assert (record.action, record.before["role"], record.after["role"]) == ("update", "viewer", "manager")
    assert record.request_id == response["X-Request-ID"]


def test_a_manager_removes_a_member(alice, bob):
    membership = _membership(bob)
    response = client_for(alice).post(_remove_url(membership))
    assert f"bob@example.org removed from {membership.trust.name}." in _messages(response)
    assert not Membership.objects.filter(user=bob).exists()
    assert User.objects.filter(pk=bob.pk).exists()  # the account stays; only the membership goes
    record = history(membership).first()
    assert (record.action, record.before["role"], record.after) == ("delete", "viewer", None)


def test_the_last_manager_cannot_be_demoted_or_removed(alice):
    client = client_for(alice)
    membership = _membership(alice)
    response = client.post(_role_url(membership), {"role": "editor"})
    assert "A trust needs at least one manager" in " ".join(_messages(response))
    response = client.post(_remove_url(membership))
    assert "A trust needs at least one manager" in " ".join(_messages(response))
    assert _membership(alice).role == "manager"


def test_a_manager_may_step_down_once_there_is_another(alice, bob):
    client = client_for(alice)
    client.post(_role_url(_membership(bob)), {"role": "manager"})
    client.post(_role_url(_membership(alice)), {"role": "editor"})
    assert _membership(alice).role == "editor"
    assert client.post(_remove_url(_membership(bob))).status_code == 403  # alice is no longer a manager


def test_an_invalid_role_changes_nothing(alice, bob):
    client_for(alice).post(_role_url(_membership(bob)), {"role": "emperor"})
    assert _membership(bob).role == "viewer"


def test_the_services_check_who_manages(eve, bob, sheffield):
    with pytest.raises(PermissionDenied):
        services.add_member(actor=eve, trust=sheffield, email="x@example.org", role="viewer")
    with pytest.raises(PermissionDenied):
        services.change_member_role(actor=eve, membership=_membership(bob), role="manager")
    with pytest.raises(PermissionDenied):
        services.remove_member(actor=eve, membership=_membership(bob))
    assert not User.objects.filter(email="x@example.org").exists()


def test_a_manager_cannot_grant_national_or_admin_access(alice):
    for flag in ("is_admin", "is_national_reader", "is_researcher"):
        with pytest.raises(PermissionDenied):
            services.create_user(actor=alice, email="x@example.org", **{flag: True})


def test_an_email_is_used_once_whatever_its_case(alice):
    with pytest.raises(ValidationError):
        services.create_user(actor=None, email="ALICE@example.org")


def test_membership_history_is_private_to_the_trust(alice, bob, charlie):
    url = reverse("audit:history", args=["accounts.membership", _membership(bob).pk])
    assert client_for(alice).get(url).status_code == 200
    assert client_for(bob).get(url).status_code == 200
    assert client_for(charlie).get(url).status_code == 404
