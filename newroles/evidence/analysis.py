"""Reading the evidence for analysis: retrieval per code, agreement between two coders, the framework matrix,
theme frequencies and the rule's classification against researchers'. Reads only; callers have checked
`policy.reads_evidence`. Everything reads live rows, so a withdrawn participant's material is in none of it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from newroles.evidence import agreement as agreement_maths
from newroles.evidence.models import Classification, Code, Codebook, Paragraph, Participant, Segment, Source
from newroles.evidence.services import code_with_descendants, current_codebook

SEGMENTS = Segment.objects.select_related(
    "paragraph__source__case_study__role", "paragraph__source__engagement__trust__region", "coder"
).prefetch_related("codes", "paragraph__source__participants__trust__region")


@dataclass(frozen=True)
class Filters:
    """Retrieval filters; empty values filter nothing."""

    phase: str = ""
    organisation_kind: str = ""
    region: str = ""  # region code
    role: str = ""  # role slug


def filtered_segments(qs: QuerySet[Segment], filters: Filters) -> QuerySet[Segment]:
    if filters.phase:
        qs = qs.filter(paragraph__source__phase=filters.phase)
    if filters.organisation_kind:
        qs = qs.filter(paragraph__source__participants__organisation_kind=filters.organisation_kind)
    if filters.region:
        qs = qs.filter(
            Q(paragraph__source__participants__trust__region__code=filters.region)
            | Q(paragraph__source__engagement__trust__region__code=filters.region)
        )
    if filters.role:
        qs = qs.filter(paragraph__source__case_study__role__slug=filters.role)
    return qs.distinct()


def segments_for_code(code: Code, filters: Filters = Filters()) -> list[Segment]:
    """Every segment coded with the code or any code under it, filtered."""
    return list(filtered_segments(SEGMENTS.filter(codes__in=code_with_descendants(code)), filters))


# Agreement ------------------------------------------------------------------------------------


@dataclass
class CodeAgreement:
    code: Code
    result: agreement_maths.Agreement
    disagreements: list[tuple[Paragraph, bool, bool]]  # paragraph, coder A applied it, coder B applied it


def shared_sources(coder_a: Any, coder_b: Any) -> list[Source]:
    """The sources both coders have coded: agreement is measured on these only."""
    a = set(Segment.objects.filter(coder=coder_a).values_list("paragraph__source", flat=True))
    b = set(Segment.objects.filter(coder=coder_b).values_list("paragraph__source", flat=True))
    return list(Source.objects.filter(pk__in=a & b).order_by("pk"))


def agreement_by_code(coder_a: Any, coder_b: Any, codebook: Codebook | None = None) -> list[CodeAgreement]:
    """Per codable code either coder used: agreement over every paragraph of the sources both coded."""
    sources = shared_sources(coder_a, coder_b)
    paragraphs = list(Paragraph.objects.filter(source__in=sources).select_related("source").order_by("source", "index"))
    applied: dict[tuple[int, int], set[int]] = defaultdict(set)  # (coder, code) -> paragraph ids
    for segment in Segment.objects.filter(paragraph__in=paragraphs, coder__in=[coder_a, coder_b]).prefetch_related(
        "codes"
    ):
        for code in segment.codes.all():
            applied[(segment.coder_id, code.pk)].add(segment.paragraph_id)
    used = {code_id for (_, code_id) in applied}
    codes = Code.objects.filter(pk__in=used)
    if codebook is not None:
        codes = codes.filter(codebook=codebook)
    results = []
    for code in codes.order_by("codebook", "order", "name"):
        a = [p.pk in applied[(coder_a.pk, code.pk)] for p in paragraphs]
        b = [p.pk in applied[(coder_b.pk, code.pk)] for p in paragraphs]
        result = agreement_maths.agreement(a, b)
        results.append(CodeAgreement(code, result, [(paragraphs[i], a[i], b[i]) for i in result.disagreements]))
    return results


# The framework matrix -------------------------------------------------------------------------

CASE_KINDS = {"participant": "Participants", "trust": "Trusts", "case_study": "Case studies"}


def case_of(segment: Segment, by: str) -> str | None:
    """The case a segment belongs to: its speaker's participant code, its trust, or its case study."""
    source = segment.paragraph.source
    participants = list(source.participants.all())
    if by == "participant":
        codes = {p.code for p in participants}
        if segment.paragraph.speaker in codes:
            return segment.paragraph.speaker
        return participants[0].code if len(participants) == 1 else None
    if by == "trust":
        trusts = {p.trust.name for p in participants if p.trust_id}
        if source.engagement_id and source.engagement.trust_id:
            trusts.add(source.engagement.trust.name)
        return sorted(trusts)[0] if len(trusts) == 1 else None
    if by == "case_study":
        cs = source.case_study
        return f"{cs.team}, {cs.role.name}" if cs else None
    raise ValueError(f"Unknown kind of case: {by}")


@dataclass
class Cell:
    count: int = 0
    summaries: list[str] = field(default_factory=list)


@dataclass
class Matrix:
    themes: list[Code]
    cases: list[str]
    cells: dict[tuple[str, int], Cell]

    def row(self, case: str) -> list[Cell]:
        return [self.cells.get((case, t.pk), Cell()) for t in self.themes]


def summary_of(segment: Segment, width: int = 120) -> str:
    text = segment.summary or " ".join(segment.text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def themes_of(codebook: Codebook, parent: Code | None = None) -> list[Code]:
    return list(codebook.codes.filter(parent=parent).order_by("order", "name"))


def framework_matrix(by: str, parent: Code | None = None, codebook: Codebook | None = None) -> Matrix:
    """Cases by themes (the codebook's top-level codes, or the codes under `parent`); each cell counts the
    segments coded with the theme or any code under it, with their summaries."""
    codebook = codebook or current_codebook()
    if codebook is None:
        return Matrix([], [], {})
    themes = themes_of(codebook, parent)
    theme_of: dict[int, int] = {}
    for theme in themes:
        for code in code_with_descendants(theme):
            theme_of[code.pk] = theme.pk
    cells: dict[tuple[str, int], Cell] = {}
    for segment in SEGMENTS.filter(codes__in=list(theme_of)).distinct():
        case = case_of(segment, by)
        if case is None:
            continue
        for theme_id in sorted({theme_of[c.pk] for c in segment.codes.all() if c.pk in theme_of}):
            cell = cells.setdefault((case, theme_id), Cell())
            cell.count += 1
            cell.summaries.append(summary_of(segment))
    cases = sorted({case for case, _ in cells})
    return Matrix(themes, cases, cells)


def matrix_table(matrix: Matrix) -> tuple[list[str], list[list[str]]]:
    """The matrix as headers and rows for an export: each cell '<count>: summary; summary'."""
    headers = ["Case", *[t.name for t in matrix.themes]]
    rows = []
    for case in matrix.cases:
        rows.append([case, *[f"{c.count}: " + " | ".join(c.summaries) if c.count else "" for c in matrix.row(case)]])
    return headers, rows


# Theme frequencies ----------------------------------------------------------------------------


def theme_frequencies(by: str, codebook: Codebook | None = None) -> tuple[list[Code], dict[str, Counter[int]]]:
    """Segments per top-level theme, by region (of the participants' or engagement's trust) or by the role a
    case study studies. Returns the themes and {region or role: Counter(theme id -> segments)}."""
    codebook = codebook or current_codebook()
    if codebook is None:
        return [], {}
    themes = themes_of(codebook)
    theme_of = {c.pk: t.pk for t in themes for c in code_with_descendants(t)}
    table: dict[str, Counter[int]] = defaultdict(Counter)
    for segment in SEGMENTS.filter(codes__in=list(theme_of)).distinct():
        source = segment.paragraph.source
        if by == "region":
            keys = {p.trust.region.name for p in source.participants.all() if p.trust_id and p.trust.region_id}
            if source.engagement_id and source.engagement.trust_id and source.engagement.trust.region_id:
                keys.add(source.engagement.trust.region.name)
        else:
            keys = {source.case_study.role.name} if source.case_study_id else set()
        for key in keys:
            for theme_id in {theme_of[c.pk] for c in segment.codes.all() if c.pk in theme_of}:
                table[key][theme_id] += 1
    return themes, dict(sorted(table.items()))


# The rule against researchers ----------------------------------------------------------------


@dataclass
class RuleComparison:
    classification: Classification
    rule_kinds: list[str]
    agrees: bool


def rule_against_researchers() -> list[RuleComparison]:
    """Each researcher's classification beside the kinds the rule gives the deployment (its actual kinds,
    else its intended ones); disagreements first."""
    rows = []
    for c in Classification.objects.select_related("deployment__trust", "deployment__role", "researcher"):
        rule = list(c.deployment.actual_kinds or c.deployment.intended_kinds or [])
        rows.append(RuleComparison(c, rule, set(rule) == set(c.kinds)))
    return sorted(rows, key=lambda r: (r.agrees, r.classification.deployment_id))


def researcher_kind_counts() -> Counter[str]:
    """How often researchers gave each kind of change, one vote per deployment (the latest classification)."""
    latest: dict[int, Classification] = {}
    for c in Classification.objects.order_by("updated_at"):
        latest[c.deployment_id] = c
    return Counter(k for c in latest.values() for k in c.kinds)


def participant_codes() -> list[str]:
    return list(Participant.objects.values_list("code", flat=True))
