"""create_deployment decides when a title needs resolving: with no role given it matches the title to a
catalogue role; a role of None given on purpose keeps the title unmapped. The import's create-or-update
resolves a still unmapped deployment's title and leaves a mapped one alone."""

from __future__ import annotations

import pytest

from newroles.accounts import policy
from newroles.mapping import services
from newroles.roles.models import Role

pytestmark = pytest.mark.django_db


def test_a_title_given_no_role_is_resolved(sheffield) -> None:
    d = services.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Snr PSW (Band 4) - Maple Ward")
    assert d.role.slug == "peer_support_worker"
    unknown = services.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Recovery Navigator")
    assert unknown.role is None


def test_a_role_of_none_keeps_the_title_unmapped(sheffield) -> None:
    d = services.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Peer Support Worker", role=None)
    assert d.role is None


def test_save_by_title_resolves_only_an_unmapped_deployment(sheffield) -> None:
    unmapped = services.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="PSW", role=None)
    nurse = Role.objects.get(slug="mental_health_nurse")
    mapped = services.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Nursing Associate", role=nurse
    )
    again, created = services.save_by_title(actor=policy.SYSTEM, trust=sheffield, local_title="psw", status="active")
    assert (again, created) == (unmapped, False)
    again.refresh_from_db()
    assert again.role.slug == "peer_support_worker" and again.status == "active"
    kept, _ = services.save_by_title(actor=policy.SYSTEM, trust=sheffield, local_title="Nursing Associate", notes="x")
    kept.refresh_from_db()
    assert kept == mapped and kept.role == nurse
    new, created = services.save_by_title(actor=policy.SYSTEM, trust=sheffield, local_title="Trainee Nursing Assoc")
    assert created and new.role.slug == "nursing_associate"
