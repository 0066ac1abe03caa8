"""What the evidence offers the apps above it (reports): published quotes and case-study summaries only.

Frozen dataclasses, never model rows: a caller cannot reach a source, a participant or an unpublished segment
through them. A quote is here only while it is published; a withdrawn participant's quotes are deleted, so
they are never here again (and `signals.participant_withdrawn` tells snapshot keepers which ids went).
"""

from __future__ import annotations

from dataclasses import dataclass

from newroles.evidence.models import CaseStudy, Code, Quote


@dataclass(frozen=True)
class PublishedQuote:
    id: int
    text: str
    attribution: str
    theme: str | None  # the theme code's key, e.g. "factors.strategy"
    role_slug: str | None
    phase: str


@dataclass(frozen=True)
class CaseStudySummary:
    id: int
    site: str
    team: str
    role_slug: str
    period: str
    status: str


def _theme_keys(key: str) -> set[str]:
    """The key and every key under it (a quote coded 'kinds.delegation' answers for theme 'kinds')."""
    codes = Code.objects.filter(key=key)
    found = set(codes.values_list("pk", flat=True))
    frontier = found
    while frontier:
        frontier = set(Code.objects.filter(parent__in=frontier).values_list("pk", flat=True)) - found
        found |= frontier
    return set(Code.objects.filter(pk__in=found).values_list("key", flat=True))


def published_quotes(*, role_slug: str | None = None, theme: str | None = None) -> list[PublishedQuote]:
    """Published quotes, newest first, optionally for one role and one theme (and the themes under it)."""
    qs = Quote.objects.filter(published=True).select_related("segment__paragraph__source", "theme", "role")
    if role_slug is not None:
        qs = qs.filter(role__slug=role_slug)
    if theme is not None:
        qs = qs.filter(theme__key__in=_theme_keys(theme))
    return [
        PublishedQuote(
            id=q.pk,
            text=q.text,
            attribution=q.attribution,
            theme=q.theme.key if q.theme_id else None,
            role_slug=q.role.slug if q.role_id else None,
            phase=q.segment.paragraph.source.phase,
        )
        for q in qs.order_by("-published_at", "pk")
    ]


def quotes_for_readiness_item(key: str) -> list[PublishedQuote]:
    """Published quotes that illustrate one readiness factor (chosen by key, or coded with its factor code)."""
    ids = set(Quote.objects.filter(published=True, readiness_item=key).values_list("pk", flat=True)) | set(
        Quote.objects.filter(published=True, theme__key=f"factors.{key}").values_list("pk", flat=True)
    )
    return [q for q in published_quotes() if q.id in ids]


def case_studies() -> list[CaseStudySummary]:
    rows = []
    for cs in CaseStudy.objects.select_related("site_trust", "site_organisation", "role"):
        end = cs.period_end.strftime("%b %Y") if cs.period_end else "ongoing"
        rows.append(CaseStudySummary(id=cs.pk, site=cs.site_name, team=cs.team, role_slug=cs.role.slug,
                                     period=f"{cs.period_start:%b %Y} to {end}", status=cs.status))  # fmt: skip
    return rows
