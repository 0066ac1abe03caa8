"""Demo data for the skill-mix pages: an illustrative composition of CMHT North at Sheffield (TAH).

Illustrative figures, not a real team. It is built so the study's central example can be tried: a 1.0 WTE
band 6 mental health nurse vacancy that could be repurposed, for instance into two nursing associate posts.
The team manager, the consultant, the psychologist and one senior nurse give supervision. One scenario comes
ready-made: that vacancy converted into two band 4 nursing associates, the change the README's picture shows.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from newroles.accounts import policy
from newroles.organisations.models import Team
from newroles.roles.models import Role
from newroles.skillmix import services
from newroles.skillmix.models import Composition

DEMO_TRUST = "TAH"
DEMO_TEAM = "CMHT North"
DEMO_NAME = "Establishment April 2026"
DEMO_SCENARIO = "Nursing associates in place of the band 6 vacancy"

RISK = "Risk assessment and safety planning"
CARE = "Care coordination and care planning"
MEDS = "Medicines management"

# role slug, band, WTE, filled, gives supervision, local title, competencies
DEMO_POSTS: list[tuple[str, str, str, bool, bool, str, list[str]]] = [
    ("psychiatrist", "", "1.0", True, True, "Consultant psychiatrist", ["Prescribing", RISK, MEDS]),
    ("mental_health_nurse", "7", "1.0", True, True, "Team manager", [RISK, CARE, "Safeguarding", MEDS]),
    ("mental_health_nurse", "6", "1.0", True, True, "Senior care coordinator", [RISK, CARE, MEDS]),
    ("mental_health_nurse", "6", "1.0", True, False, "Care coordinator", [RISK, CARE, MEDS]),
    ("mental_health_nurse", "6", "1.0", False, False, "Care coordinator", [RISK, CARE, MEDS, "Physical health checks"]),
    ("mental_health_nurse", "5", "1.0", True, False, "Community mental health nurse", [RISK, MEDS]),
    ("social_worker", "6", "1.0", True, False, "Care coordinator (AMHP)",
     ["Mental Health Act work (AMHP)", "Safeguarding", CARE, "Carer support"]),
    ("occupational_therapist", "6", "1.0", True, False, "", ["Occupational and functional assessment", CARE]),
    ("clinical_psychologist", "8a", "0.6", True, True, "", ["Psychological therapy", RISK]),
    ("peer_support_worker", "3", "1.0", True, False, "", ["Lived experience and peer support"]),
    ("peer_support_worker", "3", "1.0", True, False, "", ["Lived experience and peer support"]),
    ("support_time_recovery_worker", "3", "1.0", True, False, "", ["Carer support"]),
]  # fmt: skip


@transaction.atomic
def load_demo_compositions() -> int:
    """Create the CMHT North composition (once). Returns the number of compositions created.

    Does nothing when the team or a role it needs is missing (the catalogue not loaded yet).
    """
    team = Team.objects.filter(trust__ods_code=DEMO_TRUST, name=DEMO_TEAM).first()
    if team is None or Composition.objects.filter(team=team).exists():
        return 0
    needed = {p[0] for p in DEMO_POSTS} | {"nursing_associate"}
    roles = {r.slug: r for r in Role.objects.filter(slug__in=needed)}
    if len(roles) < len(needed):
        return 0
    composition = services.create_composition(
        actor=policy.SYSTEM,
        team=team,
        name=DEMO_NAME,
        as_of=dt.date(2026, 4, 1),
        description="Illustrative demo figures, not a real team.",
        medical_salary=Decimal("120000"),
        is_shared=False,
    )
    vacancy = None
    for slug, band, wte, filled, supervises, title, competencies in DEMO_POSTS:
        added = services.add_posts(
            actor=policy.SYSTEM,
            composition=composition,
            role=roles[slug],
            band=band,
            wte=wte,
            filled=filled,
            supervises_others=supervises,
            title=title,
            competencies=competencies,
        )
        if not filled:
            vacancy = added[0]
    scenario = services.create_scenario(
        actor=policy.SYSTEM,
        composition=composition,
        name=DEMO_SCENARIO,
        description="Illustrative: the band 6 nurse vacancy has not been filled; two nursing associates take on "
        "its tasks.",
    )
    services.add_change(
        actor=policy.SYSTEM,
        scenario=scenario,
        kind="convert",
        post=vacancy,
        role=roles["nursing_associate"],
        band="4",
        count=2,
        wte="1.0",
    )
    return 1
