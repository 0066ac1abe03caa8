"""Where the reports read the research evidence: one door, `newroles.evidence.public`.

The evidence app (researchers' sources, codings and case studies) publishes what may leave the research team
there: quotes a researcher approved for publication, and the phase 3 case studies with their status. The
reports take them as plain values; a section with none says so in one line.
"""

from __future__ import annotations

from typing import Any

from newroles.evidence import public


def quotes(*, role_slug: str | None = None, theme: str | None = None) -> list[dict[str, Any]]:
    """Researcher-approved quotes as plain values (id, text, attribution, theme, role_slug, phase)."""
    return [
        {
            "id": q.id,
            "text": q.text,
            "attribution": q.attribution,
            "theme": q.theme or "",
            "role_slug": q.role_slug or "",
            "phase": q.phase or "",
        }
        for q in public.published_quotes(role_slug=role_slug, theme=theme)
    ]


def case_studies() -> list[dict[str, Any]]:
    """The phase 3 case studies as plain values (id, site, team, role_slug, period, status)."""
    return [
        {
            "id": c.id,
            "site": c.site,
            "team": c.team,
            "role_slug": c.role_slug or "",
            "period": c.period,
            "status": c.status,
        }
        for c in public.case_studies()
    ]
