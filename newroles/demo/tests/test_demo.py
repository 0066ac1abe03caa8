"""`newroles demo`: the six personas and their teams, the banner while they exist, and removing them."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from newroles.accounts.checks import demo_accounts_in_production
from newroles.accounts.models import User
from newroles.conftest import client_for
from newroles.demo import services
from newroles.demo.models import DemoLoad

BANNER = "illustrative data"
EMAILS = [p.email for p in services.PERSONAS]


def _demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, stdout=out)
    return out.getvalue()


def test_it_creates_the_six_personas(sheffield, rotherham):
    output = _demo()
    assert f"Password for all demo accounts: {services.DEMO_PASSWORD}" in output
    users = {u.email: u for u in User.objects.filter(is_demo=True)}
    assert sorted(users) == sorted(EMAILS) and len(users) == 6
    assert users["editor@demo.test"].role_in(sheffield) == "manager"
    assert users["viewer@demo.test"].role_in(sheffield) == "viewer"
    assert users["other@demo.test"].role_in(rotherham) == "editor"
    assert users["national@demo.test"].is_national_reader
    assert users["researcher@demo.test"].is_researcher
    assert users["admin@demo.test"].is_staff
    for user in users.values():
        assert user.check_password(services.DEMO_PASSWORD) and not user.must_change_password
    assert sheffield.teams.count() == 6 and rotherham.teams.count() == 3


def test_loading_twice_adds_nothing(db):
    _demo()
    users, loads = User.objects.count(), DemoLoad.objects.count()
    _demo()
    assert "already loaded" in _demo("--if-empty")
    assert (User.objects.count(), DemoLoad.objects.count()) == (users, loads)


def test_a_persona_signs_in_with_the_published_password(db):
    _demo()
    client = Client()
    response = client.post("/accounts/login/", {"username": "viewer@demo.test", "password": services.DEMO_PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


def test_the_banner_shows_only_while_the_demo_is_loaded(alice):
    client = client_for(alice)
    for path in ["/", "/trusts/", "/trusts/TAH/"]:
        assert BANNER not in client.get(path).content.decode()
    _demo()
    for path in ["/", "/trusts/", "/trusts/TAH/"]:
        assert BANNER in client.get(path).content.decode()
    _demo("--remove")
    assert BANNER not in client.get("/").content.decode()


def test_remove_deletes_the_demo_accounts_and_their_access(alice, sheffield):
    _demo()
    assert "Removed 6 demo account(s)." in _demo("--remove")
    assert not User.objects.filter(is_demo=True).exists()
    assert not DemoLoad.objects.exists()
    assert list(sheffield.memberships.values_list("user__email", flat=True)) == ["alice@example.org"]
    assert User.objects.filter(email="alice@example.org").exists()
    assert sheffield.teams.count() == 6  # the illustrative teams stay as ordinary data


def test_the_deploy_check_warns_while_demo_accounts_exist(db):
    assert demo_accounts_in_production() == []
    _demo()
    [warning] = demo_accounts_in_production()
    assert warning.id == "newroles.W001"
    assert "6 demo account(s)" in warning.msg
    User.objects.filter(is_demo=True).update(is_active=False)
    assert demo_accounts_in_production() == []


def test_the_demo_researcher_and_admin_sign_in_with_the_printed_code(db):
    _demo()
    for email, target in (("researcher@demo.test", "/"), ("admin@demo.test", "/admin/")):
        client = Client()
        client.post("/accounts/login/", {"username": email, "password": services.DEMO_PASSWORD})
        response = client.get(target)
        assert response.status_code == 302 and response.url.startswith("/accounts/second-factor/?")
        err = StringIO()
        out = StringIO()
        call_command("demo", "totp", email, stdout=out, stderr=err)
        code = out.getvalue().strip()
        assert len(code) == 6 and code.isdigit() and "30 seconds" in err.getvalue()
        response = client.post("/accounts/second-factor/", {"code": code, "next": target})
        assert response.status_code == 302 and response.url == target
        assert client.get(target).status_code == 200


def test_only_demo_accounts_have_a_printable_code(rita):
    _demo()
    with pytest.raises(CommandError):
        call_command("demo", "totp", "rita@example.org", stdout=StringIO())
    with pytest.raises(CommandError):
        call_command("demo", "totp", "editor@demo.test", stdout=StringIO())
    assert not TOTPDevice.objects.filter(user__email="editor@demo.test").exists()
