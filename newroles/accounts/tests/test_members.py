"""A trust's members: managers add people, change roles and remove them; a trust always keeps a manager."""

from __future__ import annotations

import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newroles.accounts import policy, services
from newroles.accounts.models import Invitation, Membership, User
from newroles.audit.services import history
from newroles.conftest import PASSWORD, client_for
from newroles.organisations.models import Trust

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
    assert response.status_code == (302 if can_manage else denied)
    assert Invitation.objects.filter(email="new@example.org").exists() is can_manage


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


def _invite(client, email: str, role: str = "viewer"):  # type: ignore[no-untyped-def]
    return client.post(ADD, {"email": email, "role": role})


def _link(mail) -> str:  # type: ignore[no-untyped-def]
    """The invitation link in an email, as a path."""
    match = re.search(r"http://[^/\s]+(/accounts/invitations/[^/\s]+/)", mail.body)
    assert match, mail.body
    return match.group(1)


def test_adding_never_reveals_whether_an_address_has_an_account(alice, charlie, admin_user, mailoutbox):
    """Behaviour changed: a manager used to see a one-time password for a new address and an immediate
    membership for an existing one. Now every address gets the same invitation and the same answer."""
    client = client_for(alice)
    pages = []
    for email in ("new.person@example.org", "charlie@example.org", "admin@example.org"):
        response = _invite(client, email.upper())
        assert response.status_code == 302 and response.url == MEMBERS
        (message,) = _messages(response)
        pages.append((message.replace(email, "EMAIL"), client.get(MEMBERS).content.decode().count(email)))
    assert len(set(pages)) == 1, pages
    assert "We have emailed an invitation to EMAIL to join as viewer." in pages[0][0]
    assert [m.to for m in mailoutbox] == [["new.person@example.org"], ["charlie@example.org"], ["admin@example.org"]]
    assert len({m.body.replace(m.to[0], "EMAIL").split("/accounts/invitations/")[0] for m in mailoutbox}) == 1
    # Nobody joined and no account was made: the existing ones only got an email.
    assert not User.objects.filter(email="new.person@example.org").exists()
    assert charlie.role_in(Trust.objects.get(ods_code="TAH")) is None
    assert not admin_user.memberships.exists()


def test_a_manager_cannot_add_an_existing_account_directly(alice, admin_user, sheffield):
    with pytest.raises(PermissionDenied):
        services.add_member(actor=alice, trust=sheffield, email="admin@example.org", role="manager")
    assert not admin_user.memberships.exists()


def test_a_newcomer_joins_with_their_own_password(alice, sheffield, mailoutbox):
    _invite(client_for(alice), "New.Person@Example.org", role="editor")
    link = _link(mailoutbox[0])
    assert Invitation.objects.get().token_digest not in mailoutbox[0].body  # only the digest is stored
    client = Client()
    page = client.get(link)
    assert page.status_code == 200 and "Create your account for new.person@example.org" in page.content.decode()
    short = client.post(link, {"display_name": "New Person", "password1": "short", "password2": "short"})
    assert "too short" in " ".join(short.context["form"].errors["password1"])
    response = client.post(link, {"display_name": "New Person", "password1": PASSWORD, "password2": PASSWORD})
    assert response.status_code == 302 and response.url == sheffield.get_absolute_url()
    user = User.objects.get(email="new.person@example.org")
    assert (user.display_name, user.must_change_password, user.check_password(PASSWORD)) == ("New Person", False, True)
    assert user.role_in(sheffield) == "editor"
    assert client.get("/").status_code == 200  # signed in
    assert Client().get(link).status_code == 404  # used once


def test_an_existing_account_joins_only_by_accepting(alice, charlie, sheffield, mailoutbox):
    password = charlie.password
    _invite(client_for(alice), "CHARLIE@example.org")
    link = _link(mailoutbox[0])
    response = Client().get(link)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))
    assert client_for(alice).get(link).status_code == 403  # signed in as someone else: not theirs to accept
    client = client_for(charlie)
    assert "Accept the invitation" in client.get(link).content.decode()
    assert charlie.role_in(sheffield) is None
    response = client.post(link)
    assert response.status_code == 302
    charlie = User.objects.get(pk=charlie.pk)
    assert charlie.password == password and not charlie.must_change_password
    assert sorted(charlie.memberships.values_list("trust__ods_code", "role")) == [("RXE", "editor"), ("TAH", "viewer")]
    assert client.post(link).status_code == 404


def test_an_expired_or_replaced_invitation_does_not_work(alice, charlie, mailoutbox):
    client = client_for(alice)
    _invite(client, "charlie@example.org")
    _invite(client, "charlie@example.org", role="editor")
    first, second = _link(mailoutbox[0]), _link(mailoutbox[1])
    assert client_for(charlie).get(first).status_code == 404
    Invitation.objects.update(expires_at=timezone.now())
    assert client_for(charlie).get(second).status_code == 404


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
        services.invite_member(actor=eve, trust=sheffield, email="x@example.org", role="viewer")
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
        services.create_user(actor=policy.SYSTEM, email="ALICE@example.org")


def test_membership_history_is_private_to_the_trust(alice, bob, charlie):
    url = reverse("audit:history", args=["accounts.membership", _membership(bob).pk])
    assert client_for(alice).get(url).status_code == 200
    assert client_for(bob).get(url).status_code == 200
    assert client_for(charlie).get(url).status_code == 404
