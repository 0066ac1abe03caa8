"""The second factor: researchers and administrators enrol an authenticator app and enter its code to sign in."""

from __future__ import annotations

import re
import time
from binascii import unhexlify

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from newroles.accounts import mfa, policy
from newroles.accounts.mfa_views import ENROL_KEY
from newroles.audit.models import ChangeRecord
from newroles.conftest import PASSWORD, client_for

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:mfa_verify")
ENROL = reverse("accounts:mfa_enrol")


def _signed_in(email: str) -> Client:
    client = Client()
    assert client.post(LOGIN, {"username": email, "password": PASSWORD}).status_code == 302
    return client


def _code(key: str, steps_ahead: int = 0) -> str:
    totp = TOTP(unhexlify(key), drift=steps_ahead)
    totp.time = time.time()
    return f"{totp.token():06d}"


def _app(user) -> TOTPDevice:  # type: ignore[no-untyped-def]
    device = TOTPDevice(user=user, name="phone", confirmed=True)
    device.save()
    return device


@pytest.mark.parametrize("who", ["rita", "admin_user"])
def test_a_privileged_account_without_an_app_must_set_one_up_first(request, who):
    user = request.getfixturevalue(who)
    client = _signed_in(user.email)
    for path in ["/", "/trusts/", "/admin/", reverse("accounts:password_change"), LOGIN]:
        response = client.get(path)
        assert response.status_code == 302 and response.url.startswith(ENROL + "?next="), path
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg role="img" aria-labelledby="qr-title"' in html and "<path" in html
    assert re.search(r'autocomplete="one-time-code"[^>]*inputmode="numeric"', html)
    assert '<label class="nhsuk-label nhsuk-label--s" for="id_code">Code from your authenticator app' in html
    assert client.post(reverse("accounts:logout")).status_code == 302  # may still sign out


def test_enrolling_confirms_the_app_and_shows_recovery_codes_once(rita):
    client = _signed_in(rita.email)
    client.get(ENROL + "?next=/trusts/")
    key = client.session[ENROL_KEY]
    wrong = client.post(ENROL, {"code": "000000" if _code(key) != "000000" else "111111", "next": "/trusts/"})
    assert wrong.status_code == 200 and "nhsuk-error-summary" in wrong.content.decode()
    assert not mfa.has_app(rita)
    response = client.post(ENROL, {"code": _code(key), "next": "/trusts/"})
    assert response.templates[0].name == "accounts/mfa_recovery_codes.html"
    codes = response.context["codes"]
    assert len(codes) == 10 and all(code in response.content.decode() for code in codes)
    assert TOTPDevice.objects.get(user=rita).key == key
    assert client.get("/trusts/").status_code == 200  # this session passed
    # The secrets are audited as changed, never written down.
    records = str(list(ChangeRecord.objects.values_list("before", "after")))
    assert key not in records and not any(code in records for code in codes)


def test_the_enrolment_code_cannot_be_replayed_to_sign_in(rita):
    client = _signed_in(rita.email)
    client.get(ENROL)
    key = client.session[ENROL_KEY]
    code = _code(key)
    client.post(ENROL, {"code": code})
    again = _signed_in(rita.email)
    response = again.post(VERIFY, {"code": code})
    assert response.status_code == 200 and again.get("/").url.startswith(VERIFY)


@pytest.mark.parametrize("who", ["rita", "admin_user"])
def test_with_an_app_the_code_is_asked_for_after_the_password(request, who, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # a wrong code then the right one, without waiting
    user = request.getfixturevalue(who)
    device = _app(user)
    client = _signed_in(user.email)
    target = "/admin/" if user.is_staff else "/trusts/"
    response = client.get(target)
    assert response.status_code == 302 and response.url == f"{VERIFY}?next={target.replace('/', '%2F')}"
    page = client.get(response.url)
    html = page.content.decode()
    assert 'autocomplete="one-time-code"' in html and 'inputmode="numeric"' in html
    wrong = client.post(VERIFY, {"code": "12345", "next": target})
    assert "Enter the 6-digit code" in wrong.content.decode() and "nhsuk-error-summary" in wrong.content.decode()
    response = client.post(VERIFY, {"code": mfa.current_code(device), "next": target})
    assert response.status_code == 302 and response.url == target
    assert client.get(target).status_code == 200


def test_wrong_codes_are_throttled(rita):
    device = _app(rita)
    client = _signed_in(rita.email)
    right = mfa.current_code(device)
    client.post(VERIFY, {"code": "000000" if right != "000000" else "111111"})
    response = client.post(VERIFY, {"code": right})
    assert "Too many wrong codes" in response.content.decode()
    assert client.get("/").url.startswith(VERIFY)


def test_a_recovery_code_works_once(rita):
    _app(rita)
    codes = mfa.make_recovery_codes(actor=rita, user=rita)
    client = _signed_in(rita.email)
    page = client.get(VERIFY + "?recovery=1")
    assert "Recovery code" in page.content.decode()
    assert client.post(VERIFY, {"code": codes[0].upper(), "recovery": "1"}).status_code == 302
    assert client.get("/").status_code == 200
    again = _signed_in(rita.email)
    assert again.post(VERIFY, {"code": codes[0], "recovery": "1"}).status_code == 200
    assert StaticToken.objects.filter(device__user=rita).count() == 9


def test_new_recovery_codes_replace_the_old_ones(rita):
    old = mfa.make_recovery_codes(actor=rita, user=rita)
    client = client_for(rita)
    assert "10 unused recovery codes" in client.get(reverse("accounts:mfa_recovery_codes")).content.decode()
    new = client.post(reverse("accounts:mfa_recovery_codes")).context["codes"]
    assert set(StaticToken.objects.filter(device__user=rita).values_list("token", flat=True)) == set(new)
    assert not set(old) & set(new)


def test_other_people_need_no_second_factor(alice, nadia):
    for user in (alice, nadia):
        assert not mfa.requires_second_factor(user)
        assert _signed_in(user.email).get("/").status_code == 200
    assert client_for(alice).get(ENROL).status_code == 403


def test_a_password_alone_never_reaches_a_page_even_with_force_login(rita):
    client = Client()
    client.force_login(rita)
    assert client.get("/").url.startswith(ENROL)


def test_only_a_session_that_passed_the_second_factor_may_create_api_tokens(rita, alice):
    request = RequestFactory().get("/")
    request.user = rita
    rita.is_verified = lambda: False
    assert not policy.may_create_api_token(rita, request)
    rita.is_verified = lambda: True
    assert policy.may_create_api_token(rita, request)
    request.user = alice
    alice.is_verified = lambda: False
    assert policy.may_create_api_token(alice, request)
    assert not policy.may_create_api_token(rita, request)  # not the session's own user


def test_an_empty_code_says_what_to_enter(rita):
    _app(rita)
    client = _signed_in(rita.email)
    page = client.post(VERIFY, {"code": ""}).content.decode()
    assert "Enter the 6-digit code from your authenticator app." in page and "This field is required" not in page
    page = client.post(VERIFY, {"code": "", "recovery": "1"}).content.decode()
    assert "Enter one of your recovery codes." in page
