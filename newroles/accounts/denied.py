"""The page a user sees when they may not do something (403): what happened, once, and what to do next.

What to do next depends on whose page it is. A trust's page is changed by that trust's editors, so the way in
is through one of its managers; a national page (the catalogue, the research team's records, the audit log)
is kept by the research team and administrators, and no trust manager can give access to it.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newroles.accounts.models import Membership, trust_model

# The message get_for_user gives when a row is visible but not editable; the page says it in its own words.
SEE_NOT_CHANGE = "You can see this but not change it."


def trust_of(request: HttpRequest, exception: Exception | None) -> Any:
    """The trust the refused page belongs to: the one the refusal names, else the one in the address."""
    trust_id = getattr(exception, "trust_id", None)
    Trust = trust_model()
    if trust_id is not None:
        return Trust.objects.filter(pk=trust_id).first()
    match = getattr(request, "resolver_match", None)
    ods_code = match.kwargs.get("ods_code") if match is not None else None
    if ods_code:
        return Trust.objects.filter(ods_code=str(ods_code).upper()).first()
    return None


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """The project's 403 page (``handler403``)."""
    reason = str(exception or "").strip()
    if reason == SEE_NOT_CHANGE:
        reason = ""
    trust = trust_of(request, exception)
    user = request.user
    role = user.role_in(trust) if trust is not None and getattr(user, "is_authenticated", False) else None
    context = {"reason": reason, "trust": trust, "role": role, "viewer": role == Membership.VIEWER}
    return render(request, "403.html", context, status=403)
