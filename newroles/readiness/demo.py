"""Illustrative readiness checks for the demo: invented, like the rest of the demo, and labelled so on every page.

At Sheffield (TAH, the demo editor's trust): the nursing associate role the forewarning demo plans (its start
too soon for the role's lead time), whose clinical champion is not named yet; the peer worker role, checked
twice (the history), with the national pack adopted and CMHT South, one of its teams, short of supervision;
and two more roles with flags of other kinds. Across
the other engaged trusts, sixty deployments get one check each, drawn from a fixed seed (and some of those
trusts adopt the role's national pack), so the national view has counts large enough to show.

Loaded after the map and skill-mix demos, through the same services as everything else, once.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from django.db import transaction

from newroles.accounts import policy
from newroles.mapping.models import Deployment
from newroles.organisations.models import Team, Trust
from newroles.readiness import services
from newroles.readiness.models import IN_PLACE, NOT_APPLICABLE, NOT_STARTED, PARTLY, Assessment
from newroles.readiness.summary import current_framework
from newroles.roles import services as roles
from newroles.roles.models import Role, RolePack
from newroles.skillmix import services as skillmix
from newroles.skillmix.models import Composition

SEED = 2026
DEMO_TRUST = "TAH"
NOTE = "Illustrative demo check, not a real trust's view."
PLANNED_TITLE = "Nursing Associate"  # planned by the forewarning demo, which loads first
SOUTH_TEAM = "CMHT South"
SOUTH_COMPOSITION = "Establishment May 2026"
OTHER_CHECKS = 60
PACKS_ADOPTED = 12  # of the drawn deployments whose role has a national pack, so adoption shows in the view

# CMHT South's posts (role slug, band, WTE, filled, gives supervision, title): 3.9 hours of supervision a week
# needed against 3.2 available, so the readiness summary shows the team 0.7 h a week short.
SOUTH_POSTS = [
    ("mental_health_nurse", "7", "1.0", True, True, "Team manager"),
    ("clinical_psychologist", "8a", "0.6", True, True, ""),
    ("mental_health_nurse", "6", "1.0", True, False, "Care coordinator"),
    ("mental_health_nurse", "6", "1.0", True, False, "Care coordinator"),
    ("mental_health_nurse", "6", "1.0", True, False, "Care coordinator"),
    ("mental_health_nurse", "6", "1.0", False, False, "Care coordinator (vacant since 2025)"),
    ("mental_health_nurse", "5", "1.0", True, False, "Community mental health nurse"),
    ("social_worker", "6", "1.0", True, False, "Care coordinator (AMHP)"),
    ("occupational_therapist", "6", "1.0", True, False, ""),
    ("healthcare_support_worker", "3", "1.0", True, False, "Support worker"),
]

EVIDENCE = {
    "strategy": (
        "The workforce plan names the role and what it is for; the director of nursing backs it.",
        "A business case is drafted; the executive team has not discussed it yet.",
    ),
    "engagement": (
        "Each team the role joins has had a session on its scope and limits.",
        "Two of the three teams have had a briefing; the third is booked.",
    ),
    "candid_concerns": (
        "A question log is open to all staff and the answers are published monthly.",
        "Concerns were raised at one team meeting; no forum yet for the others.",
    ),
    "clinical_champion": (
        "The champion meets the post-holders fortnightly and speaks for the role in the team.",
        "A clinician has offered to champion the role but has no time set aside.",
    ),
    "structures": (
        "The oversight group meets monthly and signed off the role's governance.",
        "A new roles lead is in post; the governance document is still in draft.",
    ),
    "willingness_to_change": (
        "A long-vacant band 6 post was converted into posts of the new role.",
        "Repurposing a vacancy is being discussed with finance.",
    ),
    "professional_protectionism": (
        "The professional leads agreed the role's boundaries with each discipline.",
        "Nursing leads have raised concerns about overlap; a meeting is planned.",
    ),
    "flexibility_consistency": (
        "A one-page list says what is fixed about the role and where teams may adapt it.",
        "Teams use the role differently and nothing is agreed yet.",
    ),
}
NAMES = {"clinical_champion": "Consultant clinical psychologist, community services",
         "structures": "New Roles Oversight Group"}  # fmt: skip
# How often each factor is in place, partly, not started or not applicable in the drawn checks: the study heard
# most about candid concerns, supervision and professional boundaries, so those are met least often here.
WEIGHTS = {
    "strategy": (60, 25, 10, 5),
    "engagement": (50, 35, 15, 0),
    "candid_concerns": (30, 35, 35, 0),
    "clinical_champion": (55, 20, 25, 0),
    "structures": (45, 35, 20, 0),
    "willingness_to_change": (50, 30, 15, 5),
    "professional_protectionism": (35, 40, 20, 5),
    "flexibility_consistency": (40, 40, 20, 0),
}
STATUSES = (IN_PLACE, PARTLY, NOT_STARTED, NOT_APPLICABLE)


def _rating(key: str, status: str) -> dict[str, Any]:
    met, partly = EVIDENCE.get(key, ("", ""))
    evidence = {IN_PLACE: met, PARTLY: partly}.get(status, "")
    champion = NAMES.get(key, "") if status in (IN_PLACE, PARTLY) else ""
    return {"status": status, "evidence": evidence, "champion": champion}


def _ratings(keys: list[str], statuses: dict[str, str], default: str = IN_PLACE) -> dict[str, dict[str, Any]]:
    return {key: _rating(key, statuses.get(key, default)) for key in keys}


def _south_composition(team: Team, today: dt.date) -> None:
    """CMHT South's staff mix, short of supervision (once)."""
    if Composition.objects.filter(team=team).exists():
        return
    wanted = {slug for slug, *_ in SOUTH_POSTS}
    found = {r.slug: r for r in Role.objects.filter(slug__in=wanted)}
    if len(found) < len(wanted):
        return
    composition = skillmix.create_composition(
        actor=policy.SYSTEM, team=team, name=SOUTH_COMPOSITION, as_of=dt.date(2026, 5, 1), is_shared=False,
        description="Illustrative demo figures, not a real team.",
    )  # fmt: skip
    for slug, band, wte, filled, supervises, title in SOUTH_POSTS:
        skillmix.add_posts(
            actor=policy.SYSTEM, composition=composition, role=found[slug], band=band, wte=wte, filled=filled,
            supervises_others=supervises, title=title,
        )  # fmt: skip


def _adopt_peer_pack(trust: Trust) -> None:
    pack = RolePack.objects.filter(role__slug="peer_support_worker", trust=None, is_current=True).first()
    if pack is not None and not RolePack.objects.filter(trust=trust, role=pack.role).exists():
        roles.adopt_pack(actor=policy.SYSTEM, pack=pack, trust=trust)


def _check(deployment: Deployment, when: dt.date, by: str, ratings: dict[str, dict[str, Any]]) -> Assessment:
    return services.record_assessment(
        actor=policy.SYSTEM, deployment=deployment, assessed_on=when, ratings=ratings, notes=NOTE, assessed_by_name=by
    )


@transaction.atomic
def load_readiness_demo(today: dt.date | None = None) -> dict[str, int]:
    """Create the illustrative checks (once: nothing happens when any check exists). Returns what was created."""
    today = today or dt.date.today()
    framework = current_framework()
    trust = Trust.objects.filter(ods_code=DEMO_TRUST).first()
    south = Team.objects.filter(trust=trust, name=SOUTH_TEAM).first() if trust else None
    if framework is None or trust is None or south is None or Assessment.objects.exists():
        return {"assessments": 0}
    keys = list(framework.items.filter(mode="asked").order_by("order").values_list("key", flat=True))
    _south_composition(south, today)
    planned = Deployment.objects.filter(trust=trust, status="planned", local_title=PLANNED_TITLE).first()
    _adopt_peer_pack(trust)
    editor = "Esther Editor, new roles lead (demo)"
    own = {d.local_title: d for d in Deployment.objects.filter(trust=trust)}
    made = 0
    if planned is not None:
        _check(planned, today - dt.timedelta(days=12), editor, _ratings(keys, {
            "engagement": PARTLY, "candid_concerns": NOT_STARTED, "clinical_champion": NOT_STARTED,
            "professional_protectionism": PARTLY,
        }))  # fmt: skip
        made += 1
    if "Peer Worker" in own:
        _check(own["Peer Worker"], today - dt.timedelta(days=230), editor, _ratings(keys, {
            "strategy": PARTLY, "engagement": NOT_STARTED, "candid_concerns": NOT_STARTED,
            "clinical_champion": PARTLY, "structures": NOT_STARTED, "flexibility_consistency": NOT_STARTED,
        }, default=PARTLY))  # fmt: skip
        _check(own["Peer Worker"], today - dt.timedelta(days=40), editor, _ratings(keys, {
            "candid_concerns": PARTLY, "flexibility_consistency": PARTLY,
        }))  # fmt: skip
        made += 2
    if "Physician Associate" in own:
        _check(own["Physician Associate"], today - dt.timedelta(days=75), editor, _ratings(keys, {
            "professional_protectionism": NOT_STARTED, "engagement": PARTLY, "willingness_to_change": NOT_APPLICABLE,
        }))  # fmt: skip
        made += 1
    if "Clinical Associate Psychologist" in own:
        _check(own["Clinical Associate Psychologist"], today - dt.timedelta(days=150), editor, _ratings(keys, {
            "structures": PARTLY, "clinical_champion": PARTLY,
        }))  # fmt: skip
        made += 1
    made += _other_trusts(keys, trust, today)
    return {"assessments": made}


def _other_trusts(keys: list[str], own_trust: Trust, today: dt.date) -> int:
    """One drawn check for each of sixty deployments at other trusts (a fixed seed: the same every time)."""
    rng = random.Random(SEED)
    candidates = list(
        Deployment.objects.exclude(trust=own_trust).filter(role__isnull=False, status__in=("active", "pilot"))
        .select_related("trust", "role").order_by("trust__ods_code", "local_title")
    )  # fmt: skip
    chosen = rng.sample(candidates, min(OTHER_CHECKS, len(candidates)))
    national = {p.role_id: p for p in RolePack.objects.filter(trust=None, is_current=True)}
    adopters = [d for d in chosen if d.role_id in national][:PACKS_ADOPTED]
    for deployment in adopters:
        if not RolePack.objects.filter(trust=deployment.trust, role_id=deployment.role_id).exists():
            roles.adopt_pack(actor=policy.SYSTEM, pack=national[deployment.role_id], trust=deployment.trust)
    for deployment in chosen:
        statuses = {key: rng.choices(STATUSES, weights=WEIGHTS.get(key, (60, 25, 15, 0)))[0] for key in keys}
        when = today - dt.timedelta(days=rng.randint(10, 300))
        _check(deployment, when, "New roles lead (demo)", _ratings(keys, statuses))
    return len(chosen)
