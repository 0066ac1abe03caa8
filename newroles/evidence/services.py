"""Every change to the research evidence goes through these functions, each through the audited writes.

Callers have already asked `policy.reads_evidence`; the writes check the "researcher" change rule again on
every row. Change records hold ids and codes, never transcript, memo or local-name text (`audit_exclude`).
"""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.evidence.models import (
    CaseStudy,
    Classification,
    Code,
    Codebook,
    LocalName,
    Measure,
    MeasureValue,
    Memo,
    Paragraph,
    Participant,
    Quote,
    Segment,
    Source,
)
from newroles.evidence.signals import participant_withdrawn
from newroles.evidence.transcripts import Turn

DATA_DIR = Path(__file__).resolve().parent / "data"


def require_researcher(actor: Any) -> None:
    """Before any work on the evidence starts: the research team, administrators and the system only."""
    if not (actor is policy.SYSTEM or policy.reads_evidence(actor)):
        raise PermissionDenied("Only the research team and administrators work with the research evidence.")


# Participants and consent ------------------------------------------------------------------------


def create_participant(*, actor: Any, code: str, **fields: Any) -> Participant:
    require_researcher(actor)
    return create_row(actor, Participant(code=code.strip(), **fields))


def update_participant(*, actor: Any, participant: Participant, **changes: Any) -> Participant:
    return update_row(actor, participant, changes)


def withdraw_consent(*, actor: Any, participant: Participant, on: dt.date | None = None) -> list[int]:
    """Delete the participant's material everywhere, mark consent withdrawn and tell those who keep copies.

    A source that is theirs alone (an interview) goes entirely; from a source they share (a reflection group)
    their own turns go, with every segment on them. Quotes on those segments go too; their ids are sent with
    the `participant_withdrawn` signal, so frozen report snapshots that quoted them can be redacted. It all
    happens in one transaction: a receiver that fails undoes the withdrawal rather than leave copies behind.
    Returns the deleted quotes' ids.
    """
    require_researcher(actor)
    with transaction.atomic():
        sources = list(participant.sources.all())
        alone = [s for s in sources if s.participants.count() == 1]
        shared = [s for s in sources if s not in alone]
        paragraphs = Paragraph.objects.filter(source__in=alone) | Paragraph.objects.filter(
            source__in=shared, speaker=participant.code
        )
        segments = Segment.objects.filter(paragraph__in=paragraphs)
        quotes = list(Quote.objects.filter(segment__in=segments).order_by("pk"))
        quote_ids = [q.pk for q in quotes]
        message = f"consent withdrawn by participant {participant.code}"
        for quote in quotes:
            delete_row(actor, quote, message=message)
        for memo in Memo.objects.filter(segment__in=segments):
            delete_row(actor, memo, message=message)
        for segment in segments:
            delete_row(actor, segment, message=message)
        for paragraph in paragraphs.filter(source__in=shared):
            delete_row(actor, paragraph, message=message)
        for source in alone:
            for paragraph in source.paragraphs.all():
                delete_row(actor, paragraph, message=message)
            delete_row(actor, source, message=message)
        for source in shared:
            update_row(actor, source, {"participants": [p for p in source.participants.all() if p != participant]})
        update_row(actor, participant, {"consent_status": Participant.WITHDRAWN,
                                        "consent_date": on or timezone.localdate()}, message=message)  # fmt: skip
        participant_withdrawn.send(sender=Participant, participant_code=participant.code, quote_ids=quote_ids)
    return quote_ids


# Local names -------------------------------------------------------------------------------------


def add_local_name(*, actor: Any, kind: str, name: str) -> LocalName:
    require_researcher(actor)
    return create_row(actor, LocalName(kind=kind, name=" ".join(name.split())))


def delete_local_name(*, actor: Any, local_name: LocalName) -> None:
    delete_row(actor, local_name)


def known_terms() -> list[tuple[str, str, str]]:
    """What the product knows to be identifying: trusts and teams of the register, and the local names."""
    from newroles.organisations.models import Team, Trust

    terms: list[tuple[str, str, str]] = []
    for name in Trust.objects.values_list("name", flat=True):
        terms.append((name, "[TRUST]", "trust"))
        for suffix in (" NHS Foundation Trust", " NHS Trust", " Foundation Trust"):
            if name.endswith(suffix):
                terms.append((name[: -len(suffix)], "[TRUST]", "trust"))
    for name in Team.objects.values_list("name", flat=True):
        terms.append((name, "[TEAM]", "team"))
    for local in LocalName.objects.all():
        terms.append((local.name, LocalName.LABELS[local.kind], local.kind))
    return terms


# Sources ----------------------------------------------------------------------------------------


def create_source(
    *,
    actor: Any,
    title: str,
    kind: str,
    phase: str,
    turns: Sequence[Turn],
    participants: Iterable[Participant] = (),
    date: dt.date | None = None,
    engagement: Any = None,
    case_study: CaseStudy | None = None,
    is_demo: bool = False,
) -> Source:
    """A source and its paragraphs, all or nothing. The turns must already be pseudonymised."""
    require_researcher(actor)
    if not turns:
        raise ValidationError("A source needs some text.")
    with transaction.atomic():
        source = create_row(actor, Source(title=title, kind=kind, phase=phase, date=date, engagement=engagement,
                                          case_study=case_study, is_demo=is_demo))  # fmt: skip
        members = list(participants)
        if members:
            update_row(actor, source, {"participants": members})
        for index, turn in enumerate(turns):
            create_row(actor, Paragraph(source=source, index=index, speaker=turn.speaker[:40], text=turn.text))
    return source


def delete_source(*, actor: Any, source: Source) -> None:
    with transaction.atomic():
        for paragraph in source.paragraphs.all():
            delete_row(actor, paragraph)
        delete_row(actor, source)


# The codebook -----------------------------------------------------------------------------------


def current_codebook() -> Codebook | None:
    return Codebook.objects.order_by("-version").first()


def _seed_structure() -> list[tuple[str, str, str, list[tuple[str, str, str]]]]:
    """(key, heading, definition, [(key, name, definition)]) for each group of the seeded codebook."""
    from newroles.mapping.models import OTHER_REASON, REASON_CHOICES
    from newroles.roles.models import NEWNESS_CHOICES
    from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS, KINDS

    own = tomllib.loads((DATA_DIR / "codebook.toml").read_text(encoding="utf-8"))
    framework = tomllib.loads(
        (Path(__file__).resolve().parent.parent / "readiness" / "data" / "framework-v1.toml").read_text("utf-8")
    )
    return [
        ("reasons", "Reasons for bringing in a new role",
         "Why a trust brought a role in: staff shortages first, and six more the study heard.",
         [(k, label, "") for k, label in REASON_CHOICES if k != OTHER_REASON]),
        ("newness", "What counts as new", "Whether a role is new, a new title for an old one, or extended.",
         [(k, label, "") for k, label in NEWNESS_CHOICES]),
        ("kinds", "Kinds of skill-mix change", "The five kinds (Sibbald et al 2004; Nancarrow and Borthwick 2005).",
         [(k, KIND_LABELS[k], KIND_DEFINITIONS[k]) for k in KINDS]),
        ("factors", "Implementation factors", "What helps a new role land well, and what gets in its way.",
         [(i["key"], i["title"], i["source"]) for i in framework["items"]]),
        ("national_asks", "National and regional asks",
         "What could be done at a regional or national level to support new roles.",
         [(i["key"], i["name"], i["definition"]) for i in own["national_asks"]]),
        ("funding", "Funding problems", "How funding arrangements facilitate or hamper a new role.",
         [(i["key"], i["name"], i["definition"]) for i in own["funding_problems"]]),
    ]  # fmt: skip


COLOURS = ["#005EB8", "#007F3B", "#AE2573", "#ED8B00", "#330072", "#00A499"]


def seed_codebook(*, actor: Any) -> Codebook:
    """Version 1 of the codebook, from the briefing's own structure (idempotent: returns it when it exists)."""
    require_researcher(actor)
    existing = Codebook.objects.filter(version=1).first()
    if existing:
        return existing
    with transaction.atomic():
        book = create_row(actor, Codebook(version=1, title="New roles in mental health: early findings"))
        for order, (key, heading, definition, children) in enumerate(_seed_structure()):
            colour = COLOURS[order % len(COLOURS)]
            parent = create_row(actor, Code(codebook=book, key=key, name=heading, definition=definition,
                                            colour=colour, is_codable=False, order=order))  # fmt: skip
            for n, (child_key, name, child_definition) in enumerate(children):
                create_row(actor, Code(codebook=book, parent=parent, key=f"{key}.{child_key}",
                                       name=name, definition=child_definition, colour=colour, order=n))  # fmt: skip
    return book


def new_codebook_version(*, actor: Any, title: str = "", note: str = "", copy: bool = True) -> Codebook:
    """A new version copying every code of the current one (hierarchy, colours, keys); empty when not `copy`
    (an imported REFI-QDA codebook brings its own codes)."""
    require_researcher(actor)
    with transaction.atomic():
        last = current_codebook()
        book = create_row(actor, Codebook(version=(last.version + 1) if last else 1,
                                          title=title or (last.title if last else "Codebook"), note=note))  # fmt: skip
        if last is None or not copy:
            return book
        copies: dict[int | None, Code | None] = {None: None}
        level = list(last.codes.filter(parent=None))
        while level:  # parents before their children, level by level
            for c in level:
                copies[c.pk] = create_row(actor, Code(
                    codebook=book, parent=copies[c.parent_id], key=c.key, name=c.name, definition=c.definition,
                    colour=c.colour, is_codable=c.is_codable, order=c.order))  # fmt: skip
            level = list(last.codes.filter(parent__in=level))
    return book


def save_code(*, actor: Any, codebook: Codebook, key: str, name: str, **fields: Any) -> Code:
    require_researcher(actor)
    return create_row(actor, Code(codebook=codebook, key=key, name=name, **fields))


def update_code(*, actor: Any, code: Code, **changes: Any) -> Code:
    return update_row(actor, code, changes)


def code_with_descendants(code: Code) -> list[Code]:
    """The code and every code under it, however deep."""
    found, frontier = [code], [code]
    while frontier:
        frontier = list(Code.objects.filter(parent__in=frontier))
        found.extend(frontier)
    return found


# Coding, memos, quotes --------------------------------------------------------------------------


def code_segment(
    *,
    actor: Any,
    paragraph: Paragraph,
    start: int,
    end: int,
    codes: Sequence[Code],
    summary: str = "",
    coder: Any = None,
) -> Segment:
    """Code a span of a paragraph with one or more codable codes, as the acting coder (or, for an imported
    coding, as the `coder` the file names)."""
    require_researcher(actor)
    if not codes:
        raise ValidationError({"codes": "Choose at least one code."})
    headings = [c.name for c in codes if not c.is_codable]
    if headings:
        raise ValidationError({"codes": f"{', '.join(headings)}: a heading, not a code to apply."})
    with transaction.atomic():
        segment = create_row(actor, Segment(paragraph=paragraph, start=start, end=end, coder=coder or actor,
                                              summary=summary))  # fmt: skip
        update_row(actor, segment, {"codes": list(codes)})
    return segment


def delete_segment(*, actor: Any, segment: Segment) -> None:
    with transaction.atomic():
        for quote in segment.quotes.all():
            delete_row(actor, quote)
        for memo in segment.memos.all():
            delete_row(actor, memo)
        delete_row(actor, segment)


def add_memo(*, actor: Any, text: str, source: Source | None = None, code: Code | None = None,
             segment: Segment | None = None) -> Memo:  # fmt: skip
    require_researcher(actor)
    return create_row(actor, Memo(source=source, code=code, segment=segment, author=actor, text=text.strip()))


def make_quote(*, actor: Any, segment: Segment, attribution: str, theme: Code | None = None, role: Any = None,
               readiness_item: str = "") -> Quote:  # fmt: skip
    require_researcher(actor)
    return create_row(actor, Quote(segment=segment, attribution=attribution.strip(), theme=theme, role=role,
                                   readiness_item=readiness_item))  # fmt: skip


def publish_quote(*, actor: Any, quote: Quote, published: bool = True) -> Quote:
    """Publish a quote (it then shows on role pages, readiness items and reports) or take it back."""
    changes: dict[str, Any] = {"published": published}
    changes.update(
        {"published_by": actor, "published_at": timezone.now()} if published
        else {"published_by": None, "published_at": None}
    )  # fmt: skip
    return update_row(actor, quote, changes)


# Case studies -----------------------------------------------------------------------------------


def create_case_study(*, actor: Any, **fields: Any) -> CaseStudy:
    require_researcher(actor)
    return create_row(actor, CaseStudy(**fields))


def add_measure(*, actor: Any, case_study: CaseStudy, kind: str, name: str, unit: str = "") -> Measure:
    return create_row(actor, Measure(case_study=case_study, kind=kind, name=name, unit=unit))


def record_measure_value(*, actor: Any, measure: Measure, date: dt.date, value: Any) -> MeasureValue:
    existing = measure.values.filter(date=date).first()
    if existing:
        return update_row(actor, existing, {"value": value})
    return create_row(actor, MeasureValue(measure=measure, date=date, value=value))


# Researchers' classifications -------------------------------------------------------------------


def save_classification(*, actor: Any, deployment: Any, kinds: Sequence[str], reasons: Sequence[str] = (),
                        segments: Sequence[Segment] = (), note: str = "") -> Classification:  # fmt: skip
    """The acting researcher's classification of the deployment's skill-mix change (one each, replaced)."""
    require_researcher(actor)
    with transaction.atomic():
        existing = Classification.objects.filter(deployment=deployment, researcher=actor).first()
        changes = {"kinds": list(kinds), "reasons": list(reasons), "note": note}
        if existing is None:
            existing = create_row(actor, Classification(deployment=deployment, researcher=actor, **changes))
        else:
            update_row(actor, existing, changes)
        update_row(actor, existing, {"segments": list(segments)})
    return existing


def evidence_rows(user: Any, qs: QuerySet[Any]) -> QuerySet[Any]:
    """The rows of an evidence queryset the user may read: all for the research team and admins, else none."""
    return qs if policy.reads_evidence(user) else qs.none()
