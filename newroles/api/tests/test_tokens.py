"""Personal API tokens: made on the account page, shown once, stored as a digest, revoked for good."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.utils import timezone

from newroles.accounts import policy
from newroles.api import services
from newroles.api.models import ApiToken
from newroles.api.tests.conftest import api_client, make_token
from newroles.audit.models import ChangeRecord
from newroles.audit.writes import update_row
from newroles.conftest import client_for


def test_a_token_is_shown_once_and_kept_only_as_its_digest(bob):
    page = client_for(bob).post("/accounts/api-tokens/new/", {"name": "Power BI refresh", "read_only": "on"})
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"] or "no-cache" in page["Cache-Control"]
    secret = page.context["secret"]
    assert secret.startswith("nr_") and len(secret) > 40 and secret in page.content.decode()
    token = ApiToken.objects.get(user=bob)
    assert token.token_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=token.pk).values().get())
    assert token.read_only and token.prefix == secret[:10]
    account = client_for(bob).get("/accounts/profile/").content.decode()
    assert "Power BI refresh" in account and token.prefix in account and secret not in account
    record = ChangeRecord.objects.get(content_type=ContentType.objects.get_for_model(ApiToken), object_id=token.pk)
    assert secret not in str(record.after) and token.token_hash not in str(record.after)


def test_the_token_acts_as_its_user_until_revoked(bob):
    secret = make_token(bob, "Script")
    assert api_client(secret).get("/api/v1/tokens").json()[0]["name"] == "Script"
    token = ApiToken.objects.get(user=bob)
    assert token.last_used is not None
    page = client_for(bob).post(f"/accounts/api-tokens/{token.pk}/revoke/")
    assert page.status_code == 302
    assert api_client(secret).get("/api/v1/regions").status_code == 401


def test_someone_else_cannot_revoke_a_token(bob, charlie):
    make_token(bob, "Script")
    token = ApiToken.objects.get(user=bob)
    assert client_for(charlie).post(f"/accounts/api-tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_an_expired_token_and_a_deactivated_user_are_refused(bob):
    secret = make_token(bob, "Until tomorrow", expires_at=timezone.now() + dt.timedelta(days=1))
    assert api_client(secret).get("/api/v1/regions").status_code == 200
    ApiToken.objects.update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert api_client(secret).get("/api/v1/regions").status_code == 401
    ApiToken.objects.update(expires_at=None)
    assert api_client(secret).get("/api/v1/regions").status_code == 200
    update_row(policy.SYSTEM, bob, {"is_active": False})
    assert api_client(secret).get("/api/v1/regions").status_code == 401


def test_a_researcher_makes_a_token_only_after_the_second_factor(rita):
    request = RequestFactory().get("/")
    request.user = rita
    with pytest.raises(PermissionDenied):
        services.create_token(actor=rita, user=rita, name="Study", request=request)
    request.user.is_verified = lambda: True
    _, secret = services.create_token(actor=rita, user=rita, name="Study", request=request)
    assert secret


def test_a_session_that_has_not_passed_the_second_factor_is_not_signed_in_to_the_api(rita):
    from django.test import Client

    client = Client()
    client.force_login(rita)  # password only
    assert client.get("/api/v1/regions").status_code == 401
    assert client_for(rita).get("/api/v1/regions").status_code == 200


def test_the_token_form_names_what_is_wrong(bob):
    make_token(bob, "Script")
    page = client_for(bob).post("/accounts/api-tokens/new/", {"name": "script", "expires_on": "2001-01-01"})
    assert page.status_code == 400
    text = page.content.decode()
    assert "already have a token with this name" in text or "expiry date must be after today" in text
    assert "nhsuk-error-summary" in text
