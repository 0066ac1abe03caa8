"""Changing a password, and the forced change after signing in with a one-time password."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from newroles.accounts import services
from newroles.accounts.models import User
from newroles.audit.services import history
from newroles.conftest import PASSWORD, client_for

URL = reverse("accounts:password_change")
NEW = "a-brand-new-long-passphrase"


def _change(client: Client, old: str = PASSWORD, new1: str = NEW, new2: str | None = None):  # type: ignore[no-untyped-def]
    return client.post(URL, {"old_password": old, "new_password1": new1, "new_password2": new2 or new1})


@pytest.fixture
def newcomer(alice, admin_user, sheffield) -> tuple[User, str]:  # type: ignore[no-untyped-def]
    """Someone an administrator has just added: an account with a one-time password."""
    membership, secret = services.add_member(actor=admin_user, trust=sheffield, email="new@example.org", role="viewer")
    return membership.user, secret


def _signed_in(email: str, password: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": email, "password": password})
    assert response.status_code == 302
    return client


def test_a_one_time_password_forces_a_change_first(newcomer):
    user, secret = newcomer
    assert user.must_change_password
    client = _signed_in(user.email, secret)
    for path in ["/", "/trusts/", reverse("accounts:members", args=["TAH"]), "/imports/"]:
        response = client.get(path)
        assert response.status_code == 302 and response.url == URL
    page = client.get(URL)
    assert page.status_code == 200 and page.context["forced"]

    response = _change(client, old=secret)
    assert response.status_code == 302 and response.url == reverse("home")
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(NEW)
    assert client.get("/trusts/").status_code == 200  # still signed in, free to go on


def test_a_forced_user_may_still_sign_out(newcomer):
    user, secret = newcomer
    client = _signed_in(user.email, secret)
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get("/").url.startswith(reverse("accounts:login"))


def test_the_one_time_password_works_only_until_changed(newcomer):
    user, secret = newcomer
    _change(_signed_in(user.email, secret), old=secret)
    response = Client().post(reverse("accounts:login"), {"username": user.email, "password": secret})
    assert response.status_code == 200
    _signed_in(user.email, NEW)


@pytest.mark.parametrize(
    ("old", "new1", "new2", "field", "message"),
    [
        ("wrong", NEW, NEW, "old_password", "Your current password is not right."),
        (PASSWORD, NEW, NEW + "x", "new_password2", "The two new passwords do not match."),
        (PASSWORD, "short1", "short1", "new_password1", "too short"),
        (PASSWORD, "password1234", "password1234", "new_password1", "too common"),
        (PASSWORD, "8463920175639", "8463920175639", "new_password1", "entirely numeric"),
        (PASSWORD, "alice@example.org", "alice@example.org", "new_password1", "too similar"),
    ],
)
def test_a_new_password_is_validated(alice, old, new1, new2, field, message):
    response = _change(client_for(alice), old, new1, new2)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors[field])
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_a_voluntary_change_keeps_the_session(alice):
    client = _signed_in(alice.email, PASSWORD)
    assert client.get(URL).context["forced"] is False
    assert _change(client).status_code == 302
    assert client.get("/").status_code == 200
    record = history(alice).first()
    assert (record.message, record.user) == ("password changed", alice)
    assert record.before["password"] != record.after["password"]


def test_a_password_change_is_audited_without_the_password(newcomer):
    user, secret = newcomer
    _change(_signed_in(user.email, secret), old=secret)
    user.refresh_from_db()
    record = history(user).first()
    assert record.message == "password changed"
    assert (record.before["must_change_password"], record.after["must_change_password"]) == (True, False)
    for snapshot in (record.before, record.after):
        assert user.password not in str(snapshot)
        assert snapshot["password"].startswith("digest ")
    assert record.before["password"] != record.after["password"]


def test_no_user_record_ever_holds_a_password_hash(alice, newcomer):
    user, _ = newcomer
    for someone in (alice, user):
        for record in history(someone):
            assert someone.password not in str(record.before) + str(record.after)
            assert "md5$" not in str(record.before) + str(record.after)


def test_only_admins_change_someone_elses_password(alice, bob, admin_user):
    with pytest.raises(PermissionDenied):
        services.change_password(actor=alice, user=bob, new_password=NEW)
    services.change_password(actor=admin_user, user=bob, new_password=NEW)
    bob.refresh_from_db()
    assert bob.check_password(NEW)


def test_the_service_validates_the_password(alice):
    with pytest.raises(ValidationError):
        services.change_password(actor=alice, user=alice, new_password="123")


def test_the_one_time_password_cannot_be_kept(newcomer):
    """Whoever issued the one-time password knows it: it must not become the permanent one."""
    user, secret = newcomer
    client = _signed_in(user.email, secret)
    response = _change(client, old=secret, new1=secret)
    assert response.status_code == 200
    assert "must not be the same as your current password" in " ".join(response.context["form"].errors["new_password1"])
    user.refresh_from_db()
    assert user.must_change_password and user.check_password(secret)
    assert client.get("/").url == URL  # still made to choose a new one
    with pytest.raises(ValidationError):
        services.change_password(actor=user, user=user, new_password=secret)
