"""How django-axes sees a sign-in attempt (whose account, from which address) and the page a locked-out person sees.

Axes does the counting and the cool-off; these functions are the settings it calls back
(`AXES_USERNAME_CALLABLE`, `AXES_CLIENT_IP_CALLABLE`, `AXES_LOCKOUT_CALLABLE`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from newroles.accounts.denied import permission_denied
from newroles.accounts.forms import SignInForm


def username_of(request: HttpRequest, credentials: dict[str, Any] | None = None) -> str:
    """The account an attempt is for, as it is stored: emails are case-insensitive here, so count them so."""
    value = (credentials or {}).get("username") or request.POST.get("username", "")
    return str(value).strip().lower()


def client_address(request: HttpRequest) -> str:
    """The client's address: the socket's, or behind NEWROLES_PROXY_COUNT proxies the one they recorded.

    Each proxy appends the address it was reached from to X-Forwarded-For, so the Nth entry from the
    right is the one the outermost of N trusted proxies saw; anything further left the client could forge.
    """
    count = settings.PROXY_COUNT
    if count > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return (
        f"Too many failed attempts to sign in. For your security, signing in is paused for {minutes} minutes. "
        "Try again after that, or ask an administrator to unlock your account."
    )


def locked_out(
    request: HttpRequest, original_response: HttpResponse | None = None, credentials: Any = None
) -> HttpResponse:
    """The sign-in page again, with the lockout explained in its error summary (429 Too Many Requests).

    The form's errors are set, not computed: validating it would try the password again.
    """
    form = SignInForm(request, data=request.POST or None)
    form.cleaned_data = {}
    form._errors = ErrorDict({"__all__": form.error_class([lockout_message()])})
    next_url = request.POST.get("next") or request.GET.get("next", "")
    return render(request, "accounts/login.html", {"form": form, "next": next_url}, status=429)


def admin_sign_in(request: HttpRequest) -> HttpResponse:
    """/admin/login/: one way in for everyone, through the throttled sign-in and the second factor.

    A signed-in person who is sent here is not an administrator (administrators who passed the second
    factor never are): sending them to sign in again would loop, so they are told they cannot.
    """
    if request.user.is_authenticated:
        return permission_denied(request, PermissionDenied("Administration is for administrators."))
    target = request.GET.get("next") or reverse("admin:index")
    return redirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': target})}")
