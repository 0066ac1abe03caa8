"""Demo forewarning: two planned roles at Sheffield (TAH), one started too soon and one with time enough,
and a few events labelled illustrative beside the sourced national events of the reference data.

The planned starts are counted from the day the demo is loaded, so the warning shows whenever it is loaded:
nursing associates in 3 months (recruiting a trained post-holder takes 4, and qualifying 24 more), education
mental health practitioners in 18 months (4 to recruit a trainee and 12 to train them: time enough).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction

from newroles.accounts import policy
from newroles.forewarning import services
from newroles.forewarning.models import INTAKE, PROGRAMME, Event
from newroles.mapping import services as mapping
from newroles.mapping.models import Deployment
from newroles.organisations.models import Trust
from newroles.roles.leadtime import add_months
from newroles.roles.models import Role

TRUST = "TAH"
MESSAGE = "demo: illustrative forewarning"
ILLUSTRATIVE_SOURCE = "Illustrative: invented for the demo to show how events appear; not a real event."


@dataclass(frozen=True)
class PlannedRole:
    title: str
    slug: str
    months_ahead: int
    teams: tuple[str, ...]


PLANNED = (
    PlannedRole("Nursing Associate", "nursing_associate", 3, ("CMHT North",)),
    PlannedRole("Education Mental Health Practitioner", "education_mental_health_practitioner", 18, ()),
)


@dataclass(frozen=True)
class DemoEvent:
    title: str
    kind: str
    months_ahead: int
    slugs: tuple[str, ...]
    description: str


EVENTS = (
    DemoEvent(
        "Trainee nursing associate funding window closes", PROGRAMME, 2, ("nursing_associate",),
        "Bids for funded trainee nursing associate places for the next intake are due. A trust that misses it waits "
        "a year for the next window.",
    ),
    DemoEvent(
        "Education mental health practitioner university intake", INTAKE, 7, ("education_mental_health_practitioner",),
        "Trainees start the one-year programme; trainee posts must be advertised, appointed and agreed with the "
        "university before then.",
    ),
    DemoEvent(
        "Peer support worker apprenticeship cohort starts", INTAKE, 5, ("peer_support_worker",),
        "The training provider's next cohort for peer workers already in post.",
    ),
)  # fmt: skip


@transaction.atomic
def load_forewarning_demo(today: dt.date | None = None) -> dict[str, int]:
    """Load the demo's planned roles and illustrative events (once: each is skipped when already there)."""
    today = today or dt.date.today()
    trust = Trust.objects.filter(ods_code=TRUST).first()
    counts = {"planned_roles": 0, "events": 0}
    if trust is None:
        return counts
    roles = {r.slug: r for r in Role.objects.filter(slug__in={p.slug for p in PLANNED} | _event_slugs())}
    teams = {t.name: t for t in trust.teams.all()}
    existing = {d.local_title.lower() for d in Deployment.objects.filter(trust=trust)}
    for plan in PLANNED:
        if plan.title.lower() in existing or plan.slug not in roles:
            continue
        mapping.create_deployment(
            actor=policy.SYSTEM, trust=trust, local_title=plan.title, role=roles[plan.slug], status="planned",
            planned_start=add_months(today.replace(day=1), plan.months_ahead), reasons=["staff_shortages"],
            teams=[teams[name] for name in plan.teams if name in teams], trust_newness="new_role", message=MESSAGE,
            notes="Illustrative demo entry: a role the trust plans.",
        )  # fmt: skip
        counts["planned_roles"] += 1
    titles = set(Event.objects.filter(illustrative=True).values_list("title", flat=True))
    for event in EVENTS:
        if event.title in titles:
            continue
        services.create_event(
            actor=policy.SYSTEM, roles=[roles[s] for s in event.slugs if s in roles], message=MESSAGE,
            date=add_months(today, event.months_ahead), title=event.title, kind=event.kind,
            description=event.description, source_citation=ILLUSTRATIVE_SOURCE, illustrative=True,
        )  # fmt: skip
        counts["events"] += 1
    return counts


def _event_slugs() -> set[str]:
    return {slug for event in EVENTS for slug in event.slugs}
