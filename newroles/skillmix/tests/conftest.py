"""Fixtures for the skill-mix app: catalogue roles with pinned facts, and the demo composition of CMHT North.

The roles are saved with the facts the tests' arithmetic assumes (the same as the national catalogue at the
time of writing), so a later edit to the catalogue changes the demo, not these tests' expected numbers.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from newroles.accounts import policy
from newroles.organisations.models import Team
from newroles.roles.models import Role
from newroles.roles.services import save_role
from newroles.skillmix import services
from newroles.skillmix.demo import load_demo_compositions
from newroles.skillmix.models import Composition, CompositionPost, Scenario

NURSES = "Nurses & health visitors"
SUPPORT = "Support to doctors, nurses & midwives"
STT = "Scientific, therapeutic & technical staff"

# slug: (name, staff group, newness, bands, medical, registration, supervises others, supervision hours per WTE)
ROLE_FACTS: dict[str, tuple[str, str, str, tuple[str, str], bool, str, bool, str]] = {
    "mental_health_nurse": ("Mental health nurse", NURSES, "established", ("5", "8a"), False, "statutory", True, "0.5"),
    "nursing_associate": ("Nursing associate", SUPPORT, "new_role", ("3", "4"), False, "statutory", False, "0.5"),
    "psychiatrist": ("Psychiatrist", "HCHS doctors", "established", ("", ""), True, "statutory", True, "0.25"),
    "clinical_psychologist": ("Clinical psychologist", STT, "established", ("6", "9"), False, "statutory", True, "0.5"),
    "occupational_therapist": ("Occupational therapist", STT, "established", ("5", "8b"), False, "statutory", True,
                               "0.35"),
    "social_worker": ("Social worker", STT, "established", ("5", "7"), False, "statutory", True, "0.5"),
    "peer_support_worker": ("Peer support worker", SUPPORT, "new_role", ("3", "6"), False, "none", False, "1.5"),
    "support_time_recovery_worker": ("Support, time and recovery worker", SUPPORT, "established", ("3", "4"), False,
                                     "none", False, "0.5"),
}  # fmt: skip


@pytest.fixture
def roles(db: Any) -> dict[str, Role]:
    saved = {}
    for slug, (name, group, newness, (low, high), medical, registration, supervises, hours) in ROLE_FACTS.items():
        saved[slug], _ = save_role(
            actor=policy.SYSTEM,
            slug=slug,
            name=name,
            staff_group=group,
            newness=newness,
            band_min=low,
            band_max=high,
            medical=medical,
            registration=registration,
            supervises_others=supervises,
            supervision_hours_per_wte=Decimal(hours),
        )
    return saved


@pytest.fixture
def demo(roles: dict[str, Role], shared_team: Team) -> Composition:
    """The demo composition of CMHT North (a shared team) at TAH; the composition itself is private."""
    assert load_demo_compositions() == 1
    return Composition.objects.get(team=shared_team)


@pytest.fixture
def vacancy(demo: Composition) -> CompositionPost:
    """The 1.0 WTE band 6 mental health nurse vacancy."""
    return demo.posts.get(filled=False, role__slug="mental_health_nurse", band="6")


@pytest.fixture
def na_scenario(demo: Composition, vacancy: CompositionPost, roles: dict[str, Role]) -> Scenario:
    """The study's example: the band 6 nurse vacancy converted into two 1.0 WTE nursing associates."""
    scenario = services.create_scenario(actor=policy.SYSTEM, composition=demo, name="Nursing associates")
    services.add_change(
        actor=policy.SYSTEM,
        scenario=scenario,
        kind="convert",
        post=vacancy,
        role=roles["nursing_associate"],
        band="4",
        count=2,
        wte=Decimal("1.0"),
        competencies=["Physical health checks"],
    )
    return scenario
