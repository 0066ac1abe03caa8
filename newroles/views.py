"""Site-wide pages: home, about (data sources and licences) and a health check."""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from newroles.accounts import policy
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
        },
    )


def about(request: HttpRequest) -> HttpResponse:
    return render(request, "about.html")


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
