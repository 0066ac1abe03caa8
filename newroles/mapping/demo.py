"""Illustrative national-map data that reproduces the early findings briefing's published figures.

The study published only totals: 31 of the 51 trusts engaged in phase 1, split by region as
North East and Yorkshire 7/8, North West 2/5, Midlands 8/11, East of England 1/4, London 5/10, South East
5/7 and South West 3/6; almost 80 "new" role titles reported; staff shortages the main reason; delegation
the most common kind of skill-mix change, with some horizontal substitution, specialisation and innovation
and no diversification; trusts disagreeing on what counts as new. Which trusts took part and what each
said is invented here (deterministically, from a fixed seed) and every map page says so.

Phase 3 follows 8 case studies in 4 trusts providing mental health services in South Yorkshire. Three are
in the register: Sheffield (TAH), Rotherham Doncaster and South Humber (RXE) and South West Yorkshire
Partnership (RXG, which runs Barnsley's mental health services). The fourth is not a mental health trust
in the register, so the demo records case studies at the three.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction

from newroles.accounts import policy
from newroles.mapping import services
from newroles.mapping.models import COMPLETED, PHASE1_INTERVIEW, Deployment, Engagement
from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.skillmix.forms import guided_defaults
from newroles.skillmix.guided import (
    MAX_SOURCES,
    NO_SOURCE,
    band_key,
    classify_answers,
    save_deployment_shift,
    source_key,
)
from newroles.workforce.normalisers import normalisers as staff_record_normalisers

SEED = 2023
# Trusts engaged in phase 1 by region code: the briefing's table.
ENGAGED_PER_REGION = {"Y63": 7, "Y62": 2, "Y60": 8, "Y61": 1, "Y56": 5, "Y59": 5, "Y58": 3}
SOUTH_YORKSHIRE = ("TAH", "RXE", "RXG")  # always engaged: the phase 3 case-study trusts (and the demo personas')


@dataclass(frozen=True)
class ShiftPlan:
    """A deployment's task shift, answered as the guided questions ask it; the typology gives its kinds.

    The posts' band; their level of training and expertise when the title is not a catalogue role (else the
    catalogue's); the catalogue roles whose tasks they take on, each with its band (None for a doctor); the
    scope change within their own discipline; and whether they do something new (None: the catalogue's answer).
    """

    band: str
    sources: tuple[tuple[str, str | None], ...] = ()
    scope: str = "none"
    novel: bool | None = None
    level: str | None = None


def _from(*sources: tuple[str, str | None], band: str, **rest: Any) -> ShiftPlan:
    return ShiftPlan(band=band, sources=sources, **rest)


NURSE_5 = ("mental_health_nurse", "5")
NURSE_6 = ("mental_health_nurse", "6")
PSYCHIATRIST = ("psychiatrist", None)
PSYCHOLOGIST_7 = ("clinical_psychologist", "7")


@dataclass(frozen=True)
class Profile:
    """How a role shows up across the engaged trusts in the illustrative data."""

    slug: str
    trusts: int
    titles: tuple[str, ...]  # every one is used at least once (trusts >= len(titles))
    years: tuple[int, int]
    reasons: tuple[str, ...]  # besides staff shortages
    intended: tuple[ShiftPlan, ...]  # choices for the intended shift
    drift: ShiftPlan | None = None  # what happens instead, when it differs
    newness: tuple[tuple[str, int], ...] = (("new_role", 1),)
    headcount: tuple[int, int] = (2, 20)
    services: tuple[str, ...] = ("community",)
    case_study: tuple[str, ...] = ()  # trusts that must have it: phase 3 follows it there


PROFILES = [
    Profile("peer_support_worker", 29,
            ("Peer Support Worker", "Peer Worker", "Peer Support Practitioner", "Senior Peer Support Worker",
             "Peer Mentor", "Lived Experience Practitioner", "Peer Recovery Worker", "Peer Support Coordinator"),
            (2012, 2021), ("new_skills", "diversify_workforce", "career_pathways"),
            (_from(band="3"), _from(NURSE_5, band="3")), _from(NURSE_5, band="3", novel=False),
            (("new_role", 6), ("not_new", 3), ("new_title", 1)), (3, 40), ("community", "crisis", "inpatient"),
            ("TAH",)),
    Profile("nursing_associate", 27,
            ("Nursing Associate", "Trainee Nursing Associate", "Registered Nursing Associate",
             "Mental Health Nursing Associate", "Nursing Associate Apprentice"),
            (2018, 2022), ("career_pathways", "physical_health", "diversify_workforce"),
            (_from(NURSE_5, band="4"),), _from(("pharmacy_technician", "4"), band="4"),
            (("new_role", 8), ("new_title", 2)), (4, 60), ("inpatient", "community"), ("RXE",)),
    Profile("advanced_practitioner", 21,
            ("Advanced Clinical Practitioner", "Advanced Practitioner", "Advanced Nurse Practitioner",
             "Trainee Advanced Clinical Practitioner", "Advanced Practitioner (Mental Health)"),
            (2016, 2022), ("career_pathways", "support_professionals"),
            (_from(PSYCHIATRIST, band="8a"), _from(band="8a", scope="narrower")),
            _from(("nurse_consultant", "8c"), band="7"), (("new_role", 4), ("new_title", 2), ("not_new", 4)),
            (1, 12), ("community", "crisis", "inpatient"), ("RXG",)),
    Profile("mental_health_practitioner", 18,
            ("Mental Health Practitioner", "Community Mental Health Practitioner",
             "Primary Care Mental Health Practitioner", "ARRS Mental Health Practitioner",
             "Senior Mental Health Practitioner", "Mental Health Practitioner (Primary Care)"),
            (2020, 2023), ("waiting_lists", "support_professionals"),
            (_from(PSYCHOLOGIST_7, band="6"),), _from(PSYCHIATRIST, band="6"),
            (("new_title", 5), ("new_role", 3), ("not_new", 2)), (2, 25), ("primary_care", "community")),
    Profile("psychological_wellbeing_practitioner", 15,
            ("Psychological Wellbeing Practitioner", "Senior Psychological Wellbeing Practitioner",
             "Trainee Psychological Wellbeing Practitioner"),
            (2008, 2015), ("waiting_lists", "diversify_workforce"),
            (_from(("cbt_therapist", "7"), band="5"),), None, (("not_new", 6), ("new_role", 4)), (6, 40),
            ("talking_therapies",)),
    Profile("mental_health_wellbeing_practitioner", 14,
            ("Mental Health Wellbeing Practitioner", "Adult Wellbeing Practitioner",
             "Trainee Mental Health Wellbeing Practitioner", "Community Wellbeing Practitioner"),
            (2021, 2023), ("waiting_lists", "new_skills", "diversify_workforce"),
            (_from(NURSE_6, band="5"), _from(NURSE_6, band="5", novel=True)),
            _from(("psychological_wellbeing_practitioner", "5"), band="5"), (("new_role", 1),), (2, 15), ("community",),
            ("RXE",)),
    Profile("multi_professional_approved_clinician", 13,
            ("Approved Clinician", "Non-Medical Responsible Clinician", "Multi-Professional Approved Clinician",
             "Responsible Clinician (Non-Medical)", "Consultant Nurse Approved Clinician",
             "Approved Clinician (Psychology)"),
            (2015, 2023), ("career_pathways", "new_skills"),
            (_from(PSYCHIATRIST, band="8b"), _from(PSYCHIATRIST, band="8b", novel=True)),
            _from(band="8b", scope="narrower"),
            (("new_role", 9), ("new_title", 1)), (1, 4), ("community", "inpatient", "forensic"), ("TAH",)),
    Profile("physician_associate", 12,
            ("Physician Associate", "Physician Associate in Psychiatry", "Mental Health Physician Associate",
             "Physician Assistant"),
            (2018, 2023), ("physical_health", "support_professionals"),
            (_from(PSYCHIATRIST, NURSE_6, band="7"),), None, (("new_role", 1),), (1, 8), ("inpatient", "community"),
            ("RXG",)),
    Profile("education_mental_health_practitioner", 11,
            ("Education Mental Health Practitioner", "Trainee Education Mental Health Practitioner",
             "Mental Health Support Team Practitioner", "Schools Mental Health Practitioner"),
            (2019, 2022), ("waiting_lists", "diversify_workforce"),
            (_from(band="5"), _from(PSYCHOLOGIST_7, band="5")), None, (("new_role", 9), ("new_title", 1)), (4, 30),
            ("schools",), ("RXE",)),
    Profile("clinical_associate_in_psychology", 10,
            ("Clinical Associate in Psychology", "Trainee Clinical Associate in Psychology",
             "Clinical Associate Psychologist"),
            (2020, 2023), ("waiting_lists", "new_skills"),
            (_from(("clinical_psychologist", "8a"), band="6"),),
            _from(("psychological_wellbeing_practitioner", "5"), band="6"),
            (("new_role", 1),), (1, 10), ("community", "early_intervention"), ("TAH",)),
    Profile("childrens_wellbeing_practitioner", 7,
            ("Children's Wellbeing Practitioner", "Children and Young People's Wellbeing Practitioner",
             "CYP Wellbeing Practitioner"),
            (2017, 2022), ("waiting_lists", "diversify_workforce"),
            (_from(PSYCHOLOGIST_7, band="5"),), None, (("new_role", 1),), (2, 12), ("camhs",)),
    Profile("support_time_recovery_worker", 6,
            ("Support Time Recovery Worker", "Recovery Worker"),
            (2008, 2012), ("new_skills",), (_from(NURSE_5, band="3"),), None, (("not_new", 3), ("new_title", 2)),
            (4, 30), ("community",)),
    Profile("healthcare_support_worker", 5,
            ("Physical Health Support Worker", "Physical Health Technician"),
            (2015, 2020), ("physical_health",), (_from(NURSE_5, band="3"),), None,
            (("not_new", 3), ("new_title", 2)), (2, 12), ("inpatient",)),
    Profile("cbt_therapist", 4,
            ("High Intensity Therapist",), (2008, 2012), ("waiting_lists",), (_from(band="7", scope="narrower"),), None,
            (("not_new", 1),), (5, 30), ("talking_therapies",)),
    Profile("paramedic", 4,
            ("Mental Health Paramedic", "Paramedic Practitioner (Mental Health)", "Crisis Paramedic"),
            (2019, 2023), ("physical_health",), (_from(band="6", novel=True), _from(NURSE_6, band="6")), None,
            (("new_role", 3), ("not_new", 2)), (1, 6), ("crisis",)),
    Profile("associate_psychological_practitioner", 3,
            ("Associate Psychological Practitioner", "Psychological Practitioner (Associate)"),
            (2021, 2023), ("waiting_lists", "new_skills"), (_from(PSYCHOLOGIST_7, band="5"),), None,
            (("new_role", 1),), (1, 6), ("community",)),
    Profile("health_and_wellbeing_coach", 3,
            ("Health and Wellbeing Coach", "Physical Health Coach", "Wellbeing Coach"),
            (2020, 2023), ("physical_health",), (_from(band="4"),), None, (("new_role", 1),), (1, 4), ("community",)),
    Profile("social_prescribing_link_worker", 2,
            ("Social Prescribing Link Worker", "Social Prescriber"),
            (2020, 2023), ("new_skills", "support_professionals"), (_from(band="4"),), None, (("new_role", 1),), (1, 4),
            ("primary_care",)),
    Profile("nurse_consultant", 2,
            ("Nurse Consultant",), (2005, 2015), ("career_pathways",), (_from(band="8b", scope="narrower"),), None,
            (("not_new", 1),), (1, 3), ("community",)),
]  # fmt: skip

# Titles reported without a catalogue role, resolved as a trust's would be: most stay unmatched for the
# trusts to resolve; "Community Connector" and "Associate Practitioner" name roles the catalogue now holds.
UNMAPPED_TITLES = [
    ("Recovery Navigator", ("new_skills",), _from(band="4", level="support", novel=True)),
    ("Wellbeing Navigator", ("waiting_lists",), _from(NURSE_5, band="4", level="support")),
    ("Dual Diagnosis Link Worker", ("support_professionals",),
     _from(band="6", level="registered_professional", scope="narrower")),
    ("Clinical Support Practitioner", (), _from(NURSE_5, band="4", level="associate")),
    ("Lived Experience Ambassador", ("new_skills", "diversify_workforce"),
     _from(band="3", level="support", novel=True)),
    ("Community Connector", ("new_skills",), _from(band="4", level="support", novel=True)),
    ("Digital Inclusion Facilitator", ("other",), _from(band="4", level="support", novel=True)),
    ("Associate Practitioner", ("career_pathways",), _from(NURSE_5, band="4", level="associate")),
    ("Family Liaison Worker", ("support_professionals",), _from(band="4", level="support", novel=True)),
]  # fmt: skip

PHASE1_POSTS = [
    "Head of HR", "Deputy director of HR", "Head of workforce planning", "Professional lead for nursing",
    "Professional lead for allied health professions", "Professional lead for psychological professions",
]  # fmt: skip
PHASE2_GROUPS = [
    (dt.date(2024, 3, 12), "Reflection group 1 on the phase 1 findings"),
    (dt.date(2024, 4, 23), "Reflection group 2 on the phase 1 findings"),
]
PHASE2_POSTS = ["Director of nursing", "New roles lead", "Professional lead", "Head of workforce transformation"]
CASE_STUDIES = {
    "TAH": "Case studies in teams employing peer support workers, multi-professional approved clinicians and "
    "clinical associates in psychology.",
    "RXE": "Case studies in teams employing nursing associates, education mental health practitioners and mental "
    "health wellbeing practitioners.",
    "RXG": "Case studies in Barnsley teams employing advanced practitioners and physician associates.",
}
OTHER_REASON_TEXT = "A time-limited national funding offer for the post"
MESSAGE = "demo: illustrative national map"


@dataclass
class _Plan:
    trust: Trust
    phase1: Engagement | None = None
    roles: list[Profile] = field(default_factory=list)


def _date_between(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _weighted(rng: random.Random, options: tuple[tuple[str, int], ...]) -> str:
    keys, weights = zip(*options, strict=True)
    return rng.choices(keys, weights=weights)[0]


def _engaged_trusts(rng: random.Random, study_set: list[Trust]) -> tuple[list[Trust], list[Trust]]:
    engaged, not_engaged = [], []
    for code, count in ENGAGED_PER_REGION.items():
        in_region = sorted((t for t in study_set if t.region.code == code), key=lambda t: t.ods_code)
        forced = [t for t in in_region if t.ods_code in SOUTH_YORKSHIRE]
        others = [t for t in in_region if t not in forced]
        chosen = forced + rng.sample(others, count - len(forced))
        engaged += sorted(chosen, key=lambda t: t.ods_code)
        not_engaged += [t for t in in_region if t not in chosen]
    return engaged, not_engaged


def _reasons(rng: random.Random, own: tuple[str, ...]) -> list[str]:
    reasons = ["staff_shortages"] if rng.random() < 0.72 else []
    if own:
        reasons += rng.sample(list(own), rng.randint(1, min(2, len(own))))
    return reasons or ["staff_shortages"]


def _stance(rng: random.Random, reasons: list[str]) -> str:
    if rng.random() < 0.15:
        return ""
    outward = {"new_skills", "diversify_workforce", "career_pathways"} & set(reasons)
    if reasons == ["staff_shortages"] or (not outward and rng.random() < 0.7):
        return "defensive"
    return "proactive" if outward else "defensive"


INTENDED_EVIDENCE = "Business case and job description."


def _draw_shifts(rng: random.Random, profile: Profile) -> tuple[ShiftPlan, ShiftPlan | None, str]:
    """The intended shift, the actual one (None: not yet known) and the actual's evidence.

    Draws exactly what the kinds typed by hand used to draw, so the rest of the demo comes out as before.
    """
    intended = rng.choice(profile.intended)
    roll = rng.random()
    if roll < 0.2:
        return intended, None, ""
    if profile.drift is not None and roll > 0.78:
        return intended, profile.drift, "Interviewee: in practice the posts cover gaps in the existing rota."
    return intended, intended, "Interviewee: the role works as planned."


def _plan_answers(plan: ShiftPlan, deployment: Deployment, roles: dict[str, Role], evidence: str) -> dict[str, Any]:
    """The guided questions' answers for a plan, starting from the catalogue's answers as a user would."""
    answers = {**guided_defaults(deployment), "band": plan.band, "scope": plan.scope, "evidence": evidence}
    if plan.level is not None:
        answers["level"] = plan.level
    if plan.novel is not None:
        answers["novel"] = "yes" if plan.novel else "no"
    for n, (slug, band) in enumerate(plan.sources, start=1):
        answers[source_key(n)] = str(roles[slug].pk)
        answers[band_key(source_key(n))] = band or "medical"
    if len(plan.sources) < MAX_SOURCES:
        answers[source_key(len(plan.sources) + 1)] = NO_SOURCE
    return answers


def _record_shifts(deployment: Deployment, intended: dict[str, Any], actual: dict[str, Any] | None) -> None:
    """Keep the answers behind the kinds, so the deployment's skill-mix page shows the task shift and reasons."""
    save_deployment_shift(actor=policy.SYSTEM, deployment=deployment, which="intended", answers=intended)
    if actual is not None:
        save_deployment_shift(actor=policy.SYSTEM, deployment=deployment, which="actual", answers=actual)


def _planned_shifts(
    drawn: tuple[ShiftPlan, ShiftPlan | None, str], draft: Deployment, roles: dict[str, Role], evidence: str
) -> tuple[dict[str, Any], dict[str, Any] | None, dict[str, Any]]:
    """The intended answers, the actual ones (or None), and the deployment's kinds and evidence from them.

    ``draft`` is the deployment as the guided questions see it (trust, title and role), before it is saved.
    """
    intended_plan, actual_plan, actual_evidence = drawn
    intended = _plan_answers(intended_plan, draft, roles, evidence)
    fields: dict[str, Any] = {
        "intended_kinds": classify_answers(draft, intended).kinds,
        "intended_evidence": evidence,
    }
    if actual_plan is None:
        return intended, None, fields
    actual = _plan_answers(actual_plan, draft, roles, actual_evidence)
    fields.update(actual_kinds=classify_answers(draft, actual).kinds, actual_evidence=actual_evidence)
    return intended, actual, fields


def _status(rng: random.Random, started: int) -> str:
    roll = rng.random()
    if roll < 0.04:
        return "planned"
    if roll < 0.07:
        return "discontinued"
    if roll < 0.10:
        return "paused"
    if started >= 2022 and roll < 0.25:
        return "pilot"
    return "active"


def _figures(rng: random.Random, plan: _Plan, status: str, bounds: tuple[int, int]) -> dict[str, Any]:
    if status == "planned":
        return {}
    headcount = rng.randint(*bounds) if status != "discontinued" else 0
    wte = (Decimal(headcount) * Decimal(str(rng.uniform(0.75, 1.0)))).quantize(Decimal("0.1"))
    source = "interview" if plan.phase1 and plan.phase1.phase == PHASE1_INTERVIEW else "questionnaire"
    return {
        "headcount": headcount,
        "wte": wte,
        "figures_as_of": plan.phase1.date if plan.phase1 else None,
        "figures_source": source,
    }


@transaction.atomic
def load_mapping_demo() -> dict[str, int]:
    """Load the illustrative engagements and deployments (once; skipped when the map already has data)."""
    if Deployment.objects.exists() or Engagement.objects.exists():
        return {"engagements": 0, "deployments": 0}
    rng = random.Random(SEED)
    study_set = list(Trust.objects.filter(in_study_set=True).select_related("region"))
    roles = {r.slug: r for r in Role.objects.all()}
    engaged, not_engaged = _engaged_trusts(rng, study_set)
    counts = {"engagements": 0, "deployments": 0}

    plans = {t.pk: _Plan(t) for t in engaged}
    for trust in engaged:
        # The briefing: heads of HR or professional leads were interviewed in all 31 trusts. (The draw that once
        # chose a questionnaire for some is kept, so every later draw, and so the rest of the demo, is unchanged.)
        rng.random()
        phase = PHASE1_INTERVIEW
        plans[trust.pk].phase1 = services.record_engagement(
            actor=policy.SYSTEM, trust=trust, phase=phase, status=COMPLETED, message=MESSAGE,
            date=_date_between(rng, dt.date(2023, 6, 1), dt.date(2024, 1, 31)),
            participant_post=rng.choice(PHASE1_POSTS),
        )  # fmt: skip
        counts["engagements"] += 1
    for trust in not_engaged:
        status = rng.choice(["declined", "no_response", "no_response"])
        services.record_engagement(
            actor=policy.SYSTEM, trust=trust, phase=PHASE1_INTERVIEW, status=status, message=MESSAGE,
            date=_date_between(rng, dt.date(2023, 6, 1), dt.date(2023, 11, 30)),
        )  # fmt: skip
        counts["engagements"] += 1
    for (when, note), group in zip(PHASE2_GROUPS, (rng.sample(engaged, 5), rng.sample(engaged, 5)), strict=True):
        for trust in group:
            services.record_engagement(
                actor=policy.SYSTEM, trust=trust, phase="phase2_reflection_group", status=COMPLETED, date=when,
                participant_post=rng.choice(PHASE2_POSTS), notes=note, message=MESSAGE,
            )  # fmt: skip
            counts["engagements"] += 1
    for code, note in CASE_STUDIES.items():
        trust = next(t for t in engaged if t.ods_code == code)
        services.record_engagement(
            actor=policy.SYSTEM, trust=trust, phase="phase3_case_study", status="planned", date=dt.date(2025, 1, 6),
            participant_post="New roles lead", notes=note, message=MESSAGE,
        )  # fmt: skip
        counts["engagements"] += 1

    by_code = {t.ods_code: t for t in engaged}
    for profile in PROFILES:
        forced = [by_code[c] for c in profile.case_study]
        others = [t for t in engaged if t not in forced]
        chosen = forced + rng.sample(others, profile.trusts - len(forced))
        titles = itertools.cycle(rng.sample(list(profile.titles), len(profile.titles)))
        for trust in sorted(chosen, key=lambda t: t.ods_code):
            plans[trust.pk].roles.append(profile)
            _deploy(rng, plans[trust.pk], profile, next(titles), roles)
            counts["deployments"] += 1
    normalisers = staff_record_normalisers()  # read the catalogue once for all the titles below
    for title, own_reasons, shift_plan in UNMAPPED_TITLES:
        plan = plans[rng.choice(engaged).pk]
        reasons = _reasons(rng, own_reasons)
        started = rng.randint(2019, 2023)
        # Resolved first, so the shift is about the role the deployment will have (the catalogue's, if any).
        role = services.resolve_title(plan.trust, title, normalisers=normalisers)
        draft = Deployment(trust=plan.trust, local_title=title, role=role)
        intended, _, kinds = _planned_shifts((shift_plan, None, ""), draft, roles, "Job description.")
        deployment = services.create_deployment(
            actor=policy.SYSTEM, trust=plan.trust, local_title=title, role=role,
            status="active", first_post_started=dt.date(started, rng.randint(1, 12), 1),
            reasons=reasons, reason_other=OTHER_REASON_TEXT if "other" in reasons else "",
            stance=_stance(rng, reasons), trust_newness="new_role", notes="Title reported in the phase 1 interview.",
            message=MESSAGE, **kinds, **_figures(rng, plan, "active", (1, 6)),
        )  # fmt: skip
        _record_shifts(deployment, intended, None)
        counts["deployments"] += 1
    return counts


def _planned_start(ods_code: str, title: str) -> dt.date:
    """The first of a month 2 to 24 months from today; its own generator, so the rest of the demo is
    drawn exactly as before."""
    months = random.Random(f"{ods_code}/{title}").randint(2, 24)
    today = dt.date.today()
    index = today.year * 12 + today.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _deploy(rng: random.Random, plan: _Plan, profile: Profile, title: str, roles: dict[str, Role]) -> None:
    role = roles.get(profile.slug)
    started = rng.randint(*profile.years)
    status = _status(rng, started)
    reasons = _reasons(rng, profile.reasons)
    newness = "" if rng.random() < 0.08 else _weighted(rng, profile.newness)
    teams = [t for t in plan.trust.teams.all() if t.service_type in profile.services][:2]
    # Drawn in the order the keyword arguments used to draw them, so the demo comes out as before.
    first_post_started = None if status == "planned" else dt.date(started, rng.randint(1, 12), 1)
    stance = _stance(rng, reasons)
    draft = Deployment(trust=plan.trust, local_title=title, role=role)
    intended, actual, kinds = _planned_shifts(_draw_shifts(rng, profile), draft, roles, INTENDED_EVIDENCE)
    deployment = services.create_deployment(
        actor=policy.SYSTEM, trust=plan.trust, local_title=title, role=role, status=status,
        first_post_started=first_post_started,
        planned_start=_planned_start(plan.trust.ods_code, title) if status == "planned" else None,
        reasons=reasons, stance=stance, trust_newness=newness, teams=teams,
        message=MESSAGE, **kinds, **_figures(rng, plan, status, profile.headcount),
    )  # fmt: skip
    _record_shifts(deployment, intended, actual)
