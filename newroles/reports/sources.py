"""Where the reports read the research evidence: one door, so the evidence app can land later.

The evidence app (researchers' sources, codings and case studies) publishes what may leave the research team
through `newroles.evidence.public`: quotes a researcher approved for publication, and the phase 3 case
studies with their status. Reports sit above evidence, but the app may not be installed; these functions
then give empty lists, and each section says in one line that there is no data yet.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any

from django.apps import apps

EVIDENCE_APP = "newroles.evidence"


def _public() -> ModuleType | None:
    """The evidence app's public module, or None while the app is not installed."""
    if not apps.is_installed(EVIDENCE_APP):
        return None
    try:
        # Imported by name, lazily: the app may not exist in this build.
        return importlib.import_module(f"{EVIDENCE_APP}.public")
    except ModuleNotFoundError:
        return None


def evidence_installed() -> bool:
    return _public() is not None


def quotes(*, role_slug: str | None = None, theme: str | None = None) -> list[dict[str, Any]]:
    """Researcher-approved quotes as plain values (id, text, attribution, theme, role_slug, phase)."""
    public = _public()
    if public is None:
        return []
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
    public = _public()
    if public is None:
        return []
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
