"""Sign-in throttling (django-axes): repeated failures lock the account and the address out for a cool-off."""

from __future__ import annotations

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from newroles.accounts.lockout import client_address
from newroles.conftest import PASSWORD

LOGIN = reverse("accounts:login")
LOCKED = "Too many failed attempts to sign in"


def _try(client: Client, password: str, email: str = "alice@example.org", path: str = LOGIN, **extra):  # type: ignore[no-untyped-def]
    return client.post(path, {"username": email, "password": password}, **extra)


def _fail(times: int, email: str = "alice@example.org", **extra) -> None:  # type: ignore[no-untyped-def]
    for _ in range(times):
        response = _try(Client(), "wrong-password", email, **extra)
        assert response.status_code in (200, 429)


def test_the_limit_and_cool_off_are_settings(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == ["username", "ip_address"]


def test_four_failures_still_allow_the_right_password(alice):
    _fail(4)
    response = _try(Client(), PASSWORD)
    assert response.status_code == 302


def test_five_failures_lock_the_account_with_a_clear_message(alice):
    _fail(5)
    client = Client()
    response = _try(client, PASSWORD)
    assert response.status_code == 429
    assert response.templates[0].name == "accounts/login.html"
    page = response.content.decode()
    assert "nhsuk-error-summary" in page and LOCKED in page and "15 minutes" in page
    assert "ask an administrator to unlock" in page
    assert client.get("/").status_code == 302  # not signed in


def test_the_account_is_locked_from_any_address_and_any_spelling(alice):
    _fail(5, REMOTE_ADDR="10.0.0.1")
    assert _try(Client(), PASSWORD, "ALICE@example.org", REMOTE_ADDR="10.0.0.2").status_code == 429


def test_an_address_guessing_many_accounts_is_locked(alice, bob):
    for n in range(5):
        _try(Client(), "wrong-password", f"someone{n}@example.org", REMOTE_ADDR="10.0.0.9")
    assert _try(Client(), PASSWORD, "bob@example.org", REMOTE_ADDR="10.0.0.9").status_code == 429
    assert _try(Client(), PASSWORD, "bob@example.org", REMOTE_ADDR="10.0.0.10").status_code == 302


def test_it_works_again_after_the_cool_off(alice):
    _fail(5)
    assert _try(Client(), PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    assert _try(Client(), PASSWORD).status_code == 302


def test_an_administrator_unlocks_from_the_command_line(alice):
    _fail(5)
    call_command("axes_reset_username", "alice@example.org")
    call_command("axes_reset")
    assert _try(Client(), PASSWORD).status_code == 302


def test_an_administrator_unlocks_in_the_admin(alice, admin_user):
    from newroles.conftest import client_for

    _fail(5)
    attempt = AccessAttempt.objects.get(username="alice@example.org")
    admin = client_for(admin_user)
    listing = admin.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "alice@example.org" in listing.content.decode()
    url = reverse("admin:axes_accessattempt_delete", args=[attempt.pk])
    assert admin.post(url, {"post": "yes"}).status_code == 302
    assert _try(Client(), PASSWORD).status_code == 302


def test_the_admin_signs_in_only_through_the_throttled_sign_in(admin_user):
    client = Client()
    response = client.get("/admin/login/?next=/admin/axes/")
    assert response.status_code == 302 and response.url == LOGIN + "?next=%2Fadmin%2Faxes%2F"
    # Passwords posted to the admin's own form are not checked there at all...
    response = _try(client, PASSWORD, "admin@example.org", path="/admin/login/")
    assert response.status_code == 302 and response.url.startswith(LOGIN)
    assert client.get("/admin/").status_code == 302
    # ...and the sign-in page that it leads to locks the administrator's account like any other.
    _fail(5, "admin@example.org")
    response = _try(client, PASSWORD, "admin@example.org")
    assert response.status_code == 429 and LOCKED in response.content.decode()


def test_a_signed_in_non_administrator_is_refused_the_admin_without_a_loop(alice):
    from newroles.conftest import client_for

    client = client_for(alice)
    assert client.get("/admin/").url.startswith("/admin/login/")
    assert client.get("/admin/login/?next=/admin/").status_code == 403


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [(0, "6.6.6.6", "10.1.1.1"), (1, "6.6.6.6, 192.0.2.7", "192.0.2.7"), (2, "192.0.2.7, 10.2.2.2", "192.0.2.7")],
)
def test_the_address_comes_from_trusted_proxies_only(rf, settings, count, forwarded, expected):
    settings.PROXY_COUNT = count
    request = rf.post(LOGIN, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_address(request) == expected
