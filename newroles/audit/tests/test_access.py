"""audit is handed the access policy by accounts (it sits below accounts), and refuses to write without one."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from newroles.accounts import policy
from newroles.audit import access
from newroles.audit.writes import create_row
from newroles.organisations.models import Team


def test_accounts_hands_audit_its_policy() -> None:
    assert access.policy() is policy


def test_without_a_policy_no_audited_write_happens(monkeypatch, alice, sheffield) -> None:
    monkeypatch.setattr(access, "_installed", None)
    with pytest.raises(ImproperlyConfigured):
        create_row(alice, Team(trust=sheffield, name="Birch Ward", service_type="inpatient"))
    assert not Team.objects.filter(name="Birch Ward").exists()
