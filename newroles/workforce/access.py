"""The trust a staff-record page is about, as the user may see or change it (the rules are `accounts.policy`'s)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from newroles.accounts import policy
from newroles.organisations.models import Trust


def staff_record_trust(request: HttpRequest, ods_code: str, action: str = "view") -> Trust:
    """The trust whose private staff-record pages these are: 404 unless the user belongs to it, 403 to
    change as a viewer. Used by the staff record's pages and by the map's page beside them."""
    trust = get_object_or_404(Trust, ods_code=ods_code.upper())
    if not policy.can_see_in(request.user, trust.pk):
        raise Http404("No such trust page.")
    if action == "change" and not policy.can_change_in(request.user, trust.pk):
        raise PermissionDenied("Only the trust's editors change its staff-record data.")
    return trust
