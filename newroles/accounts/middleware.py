"""Every page needs a signed-in user; researchers and administrators pass a second factor before anything else;
a user with a one-time password must change it first."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from newroles.accounts import mfa

PUBLIC_PREFIXES = (
    "/accounts/login/",
    "/static/",
    "/healthz",
    "/readyz",
    "/admin/login/",
    "/public/",
    "/accounts/invitations/",
    "/api/",  # the API answers 401 itself (a token, or a session that passed its second factor)
)


class LoginRequiredMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path_info
        if request.user.is_authenticated or path.startswith(PUBLIC_PREFIXES):
            return self.get_response(request)
        return redirect_to_login(request.get_full_path(), reverse(settings.LOGIN_URL))


class SecondFactorRequiredMiddleware:
    """A researcher or administrator who has signed in with a password goes on only after a second factor.

    With no authenticator app yet they are taken to set one up; with one, asked for its code. This covers
    every URL, the admin included. (A session that passed it is marked by django-otp's OTPMiddleware.)
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if mfa.requires_second_factor(user) and not mfa.passed(request):
            verify, enrol = reverse("accounts:mfa_verify"), reverse("accounts:mfa_enrol")
            allowed = (verify, enrol, reverse("accounts:logout"), "/static/", "/healthz", "/api/")
            if not request.path_info.startswith(allowed):
                target = verify if mfa.has_app(user) else enrol
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


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
