"""Every page needs a signed-in user; a user with a one-time password must change it first."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

PUBLIC_PREFIXES = ("/accounts/login/", "/static/", "/healthz", "/admin/login/", "/public/", "/accounts/invitations/")


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


class PasswordChangeRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if getattr(user, "must_change_password", False):
            allowed = (reverse("accounts:password_change"), reverse("accounts:logout"), "/static/")
            if not request.path_info.startswith(allowed):
                return redirect("accounts:password_change")
        return self.get_response(request)
