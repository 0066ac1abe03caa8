"""The reports as JSON: the findings briefing, a trust's profile and a role's profile, with exactly the
figures, access and suppression of their pages (`newroles.reports`)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router

from newroles.accounts import policy
from newroles.api.base import PROBLEMS
from newroles.api.routes_register import trust_by_code
from newroles.reports import rendering
from newroles.reports.readers import trust_audience
from newroles.reports.rendering import ReportName
from newroles.roles.models import Role

router = Router(tags=["reports"])


@router.get("/reports/briefing", response={200: dict[str, Any], **PROBLEMS})
def briefing(request: HttpRequest) -> Any:
    """The findings briefing's figures, written from the live data (the same JSON as the page's download)."""
    return rendering.data_for(ReportName("briefing"))


@router.get("/reports/trusts/{ods_code}", response={200: dict[str, Any], **PROBLEMS})
def trust_profile(request: HttpRequest, ods_code: str) -> Any:
    """A trust's profile, for its members and national readers (anyone else: 404). Staff counts below 5 of
    other trusts are starred, as on the page."""
    trust = trust_by_code(ods_code)
    if not (policy.can_see_in(request.user, trust.pk) or policy.reads_national(request.user)):
        raise Http404("No such trust profile.")
    return rendering.data_for(ReportName("trust", trust.ods_code, trust_audience(request.user, trust.pk)))


@router.get("/reports/roles/{slug}", response={200: dict[str, Any], **PROBLEMS})
def role_profile(request: HttpRequest, slug: str) -> Any:
    """A role's profile: catalogue entry, where it is deployed, bands, kinds of change, reasons, quotes."""
    role = get_object_or_404(Role, slug=slug)
    return rendering.data_for(ReportName("role", role.slug))
