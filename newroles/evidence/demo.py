"""The evidence's demo: the briefing's own quoted passages, with their attribution codes, as demo sources coded
against the seeded codebook, so the analysis pages have something true to show. Every row is marked demo.

The passages are quoted as the briefing prints them (its participants are already pseudonymous). A second demo
coder codes two of them again, so the agreement page has two coders to compare; one quote is published on
the mental health wellbeing practitioner's role page. Phase 2 also met national and regional bodies, recorded
as engagements with organisations outside the trust register.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from newroles.accounts import policy
from newroles.audit.writes import delete_row
from newroles.evidence import services
from newroles.evidence.models import Code, Participant, Source
from newroles.evidence.transcripts import Turn

# (participant code, attribution, post, organisation kind, phase, kind of source, passage, [code keys], role slug)
PASSAGES: list[tuple[str, str, str, str, str, str, str, list[str], str | None]] = [
    ("2-F", "[Reflection Group Participant 2-F]", "professional_lead", "other", "phase2_reflection_group",
     "reflection_group",
     "Some [roles] are absolutely new roles like the responsible clinician, and a new way of thinking about how "
     "we support people for instance, but some, such as mental health practitioner, isn’t necessarily a new role "
     "at all, it’s a new title.",
     ["newness.new_role", "newness.new_title"], None),
    ("J1", "[Trust J1]", "hr_lead", "trust", "phase1_interview", "interview",
     "People are so busy – we have to think about how to “pitch” the roles to them, “give them headspace to try "
     "and get their heads around it”",
     ["factors.engagement"], None),
    ("G1", "[Trust G1]", "professional_lead", "trust", "phase1_interview", "interview",
     "I think as we've moved, as we've become kind of more mature in our approach to embedding things, we're "
     "taking a lot longer in planning. All it needs to look like and planning, making sure our job description is "
     "as tight as it can be, we know where things are going to fit",
     ["factors.strategy", "factors.structures"], None),
    ("T1", "[Trust T1]", "hr_lead", "trust", "phase1_interview", "interview",
     "It's that balance between allowing things to organically develop and not stifling that creativity whilst "
     "getting some control and oversight and the organization what it wants and the governance. So it’s how do I "
     "hold those two things? That would be my tip, that you don't want to try and control everything, but you do "
     "need a degree of order",
     ["factors.flexibility_consistency"], None),
    ("Z1", "[Trust Z1]", "professional_lead", "trust", "phase1_interview", "interview",
     "You know something that people can take off the shelf rather than starting themselves…[there has] been so "
     "much work and time spent on all of those, you know, governance type issues in contract",
     ["national_asks.guidance", "factors.off_the_shelf_pack"], None),
    ("H1&2", "[Trust H1&2]", "hr_lead", "trust", "phase1_interview", "interview",
     "Mental Health Wellbeing Practitioners did not land well due to the tight turnaround, with no time for "
     "planning or the communication of role",
     ["national_asks.forewarning", "factors.forewarning"], "mental_health_wellbeing_practitioner"),
]  # fmt: skip

SECOND_CODER = {"J1": ["factors.engagement"], "G1": ["factors.strategy"]}  # the second coder sees less in G1
DEMO_BODIES = [("nhse", "NHS England workforce team (demo)"), ("nhse_region", "A regional workforce team (demo)")]


def _summary(passage: str, width: int = 100) -> str:
    """The passage's opening words, cut at a word, for the framework matrix."""
    return passage if len(passage) <= width else passage[:width].rsplit(" ", 1)[0] + "…"


@transaction.atomic
def load_evidence_demo(*, researcher: Any, second_coder: Any) -> dict[str, int]:
    """Load the demo evidence once (skipped when demo sources exist)."""
    from newroles.mapping import services as mapping
    from newroles.organisations import services as organisations
    from newroles.roles.models import Role

    if Source.objects.filter(is_demo=True).exists():
        return {"sources": 0}
    services.seed_codebook(actor=policy.SYSTEM)
    codes = {c.key: c for c in Code.objects.filter(codebook=services.current_codebook())}
    for kind, name in DEMO_BODIES:
        body = organisations.find_organisation(kind=kind, name=name) or organisations.create_organisation(
            actor=policy.SYSTEM, kind=kind, name=name, message="demo: a body met in phase 2"
        )
        mapping.record_engagement(actor=policy.SYSTEM, trust=None, organisation=body, phase="phase2_reflection_group",
                                  status="completed", date=dt.date(2024, 2, 20), participant_post="Policymaker",
                                  notes="Demo: a reflection group with national and regional bodies.",
                                  message="demo: evidence")  # fmt: skip
    count = 0
    for code, attribution, post, org_kind, phase, kind, passage, keys, role_slug in PASSAGES:
        participant = Participant.objects.filter(code=code).first() or services.create_participant(
            actor=policy.SYSTEM, code=code, post_category=post, organisation_kind=org_kind,
            consent_status=Participant.GIVEN, consent_date=dt.date(2023, 6, 1), is_demo=True,
        )  # fmt: skip
        source = services.create_source(
            actor=policy.SYSTEM, title=f"Briefing passage, {attribution.strip('[]')}", kind=kind, phase=phase,
            date=dt.date(2023, 9, 1) if phase == "phase1_interview" else dt.date(2024, 2, 20),
            turns=[Turn(code, passage)], participants=[participant], is_demo=True,
        )  # fmt: skip
        paragraph = source.paragraphs.get()
        segment = services.code_segment(actor=researcher, paragraph=paragraph, start=0, end=len(passage),
                                        codes=[codes[k] for k in keys], summary=_summary(passage))  # fmt: skip
        if code in SECOND_CODER:
            services.code_segment(actor=second_coder, paragraph=paragraph, start=0, end=len(passage),
                                  codes=[codes[k] for k in SECOND_CODER[code]])  # fmt: skip
        role = Role.objects.filter(slug=role_slug).first() if role_slug else None
        quote = services.make_quote(actor=researcher, segment=segment, attribution=attribution, theme=codes[keys[0]],
                                    role=role)  # fmt: skip
        if role_slug:
            services.publish_quote(actor=researcher, quote=quote)
        count += 1
    return {"sources": count}


@transaction.atomic
def remove_evidence_demo() -> int:
    """Delete the demo sources (their paragraphs, segments, memos and quotes) and demo participants, so the demo
    coders' accounts can go; returns the number of sources deleted."""
    from newroles.evidence.models import Memo, Quote, Segment

    sources = list(Source.objects.filter(is_demo=True))
    segments = Segment.objects.filter(paragraph__source__in=sources)
    for quote in Quote.objects.filter(segment__in=segments):
        delete_row(policy.SYSTEM, quote)
    for memo in Memo.objects.filter(segment__in=segments):
        delete_row(policy.SYSTEM, memo)
    for segment in segments:
        delete_row(policy.SYSTEM, segment)
    for source in sources:
        services.delete_source(actor=policy.SYSTEM, source=source)
    for participant in Participant.objects.filter(is_demo=True, sources=None):
        delete_row(policy.SYSTEM, participant)
    return len(sources)
