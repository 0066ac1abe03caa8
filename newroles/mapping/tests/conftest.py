"""Fixtures for the national map: catalogue roles, deployments at Sheffield (TAH) and Rotherham (RXE)."""

from __future__ import annotations

import pytest

from newroles.mapping.models import Deployment
from newroles.mapping.tests.helpers import deploy, role
from newroles.roles.models import Role


@pytest.fixture
def psw(db) -> Role:  # type: ignore[no-untyped-def]
    return role("peer_support_worker")


@pytest.fixture
def mhp(db) -> Role:  # type: ignore[no-untyped-def]
    return role("mental_health_practitioner", newness="new_title")


@pytest.fixture
def sheffield_psw(sheffield, psw) -> Deployment:  # type: ignore[no-untyped-def]
    return deploy(
        sheffield, "Peer Worker", "peer_support_worker", reasons=["staff_shortages", "new_skills"],
        intended_kinds=["innovation"], actual_kinds=["delegation"], trust_newness="new_role",
    )  # fmt: skip


@pytest.fixture
def rotherham_mhp(rotherham, mhp) -> Deployment:  # type: ignore[no-untyped-def]
    return deploy(
        rotherham, "Community Mental Health Practitioner", "mental_health_practitioner",
        reasons=["waiting_lists"], intended_kinds=["horizontal_substitution"], trust_newness="new_title",
    )  # fmt: skip
