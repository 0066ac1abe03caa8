"""Site-wide pages: home, about (data sources and licences), the health check and the readiness check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from newroles import health
from newroles.accounts import policy
from newroles.mapping import notices
from newroles.organisations.models import Region, Trust


def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    memberships = list(user.memberships.select_related("trust", "trust__region"))  # type: ignore[union-attr]
    return render(
        request,
        "home.html",
        {
            "memberships": memberships,
            "trust_count": Trust.objects.filter(in_study_set=True).count(),
            "region_count": Region.objects.count(),
            "is_admin": policy.is_admin(user),
            "is_curator": policy.is_curator(user),
            "notices": notices.home_notices(user),  # shown until the reader marks each read
        },
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html")


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    """200 when this instance may take traffic (settings.READINESS_CHECKS all pass), else 503."""
    checks = health.run_checks()
    ready = all(check.ok for check in checks.values())
    body = {
        "status": "ready" if ready else "not ready",
        "checks": {name: {"ok": check.ok, "detail": check.detail} for name, check in checks.items()},
    }
    return JsonResponse(body, status=200 if ready else 503)
