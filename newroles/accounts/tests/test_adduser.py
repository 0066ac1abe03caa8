"""`newroles adduser`: create a user (or add one to a trust) and print a one-time password."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from newroles.accounts.models import User
from newroles.audit.models import ChangeRecord


def _adduser(*args: str) -> str:
    out = StringIO()
    call_command("adduser", *args, stdout=out)
    return out.getvalue()


def _secret(output: str) -> str:
    found = re.search(r"One-time password: (\S+)", output)
    assert found, output
    return found.group(1)


def test_it_creates_an_editor_with_a_one_time_password(sheffield):
    output = _adduser("Lead@Example.org", "--trust", "tah", "--role", "editor", "--name", "Lea Lead")
    assert f"User lead@example.org (editor at {sheffield.name}) is ready." in output
    assert "must choose a new password" in output
    user = User.objects.get(email="lead@example.org")
    assert user.check_password(_secret(output))
    assert (user.must_change_password, user.display_name, user.role_in(sheffield)) == (True, "Lea Lead", "editor")
    assert not (user.is_staff or user.is_national_reader or user.is_researcher)


def test_one_cli_run_shares_one_request_id(sheffield):
    _adduser("lead@example.org", "--trust", "TAH", "--role", "manager")
    user = User.objects.get(email="lead@example.org")
    records = ChangeRecord.objects.filter(user=None, content_type__model__in=["user", "membership"]).filter(
        object_repr__contains="lead@example.org"
    )
    assert records.count() == 2
    ids = {r.request_id for r in records}
    assert len(ids) == 1 and "" not in ids
    assert user.role_in(sheffield) == "manager"


@pytest.mark.parametrize(
    ("flag", "attribute"),
    [("--national", "is_national_reader"), ("--researcher", "is_researcher"), ("--admin", "is_staff")],
)
def test_flags_give_access_beyond_a_trust(db, flag, attribute):
    output = _adduser("someone@example.org", flag)
    user = User.objects.get(email="someone@example.org")
    assert getattr(user, attribute)
    assert user.check_password(_secret(output))
    assert not user.memberships.exists()
    if flag == "--admin":
        assert user.is_superuser


def test_an_existing_user_is_added_to_a_trust_without_a_new_password(charlie, sheffield):
    password = charlie.password
    output = _adduser("charlie@example.org", "--trust", "TAH")
    assert "One-time password" not in output
    charlie.refresh_from_db()
    assert charlie.password == password
    assert charlie.role_in(sheffield) == "viewer"


def test_an_unknown_trust_is_an_error(db):
    with pytest.raises(CommandError, match="No trust with ODS code 'NOPE'"):
        _adduser("someone@example.org", "--trust", "NOPE")
    assert not User.objects.filter(email="someone@example.org").exists()


def test_an_existing_membership_is_an_error_and_changes_nothing(bob):
    with pytest.raises(CommandError, match="already a member"):
        _adduser("bob@example.org", "--trust", "TAH", "--role", "manager")
    assert bob.memberships.get().role == "viewer"


def test_an_invalid_email_is_an_error(db):
    with pytest.raises(CommandError):
        _adduser("not-an-email")
    assert not User.objects.filter(email="not-an-email").exists()
