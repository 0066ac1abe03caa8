"""Pages of the second factor: set up an authenticator app, enter its code (or a recovery code), new recovery codes."""

from __future__ import annotations

from base64 import b32encode
from binascii import unhexlify

import django_otp
import qrcode
import qrcode.image.svg
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from newroles.accounts import mfa, policy
from newroles.accounts.forms import AppCodeForm, RecoveryCodeForm

ENROL_KEY = "mfa_enrol_key"  # the secret being set up lives in the session until a code confirms it


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


def _qr_svg(data: str) -> str:
    """The otpauth address as an inline SVG QR code (no image library, no extra request)."""
    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=12, border=4)
    svg = image.to_string(encoding="unicode")
    svg = svg.split("?>", 1)[-1]  # drop the XML declaration: it is inline in HTML
    return svg.replace("<svg ", '<svg role="img" aria-labelledby="qr-title" class="newroles-qr" ', 1).replace(
        ">", '><title id="qr-title">QR code to scan with your authenticator app</title>', 1
    )


@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    user = policy.require_user(request.user)
    if not mfa.requires_second_factor(user):
        raise PermissionDenied("Your account does not use a second factor.")
    if mfa.has_app(user):
        return redirect("accounts:mfa_verify")
    key = request.session.get(ENROL_KEY) or mfa.new_key()
    request.session[ENROL_KEY] = key
    form = AppCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device, codes = mfa.enrol_app(actor=user, user=user, key=key, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error(None, exc)  # the service names the field ("code") when it is about the code
        else:
            del request.session[ENROL_KEY]
            request.session.cycle_key()
            django_otp.login(request, device)
            return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": _next(request)})
    address = TOTPDevice(user=user, key=key).config_url
    secret = b32encode(unhexlify(key)).decode()
    context = {
        "form": form,
        "qr": mark_safe(_qr_svg(address)),  # generated here from our own data: path elements only
        "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        "next": _next(request),
    }
    return render(request, "accounts/mfa_enrol.html", context)


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    user = policy.require_user(request.user)
    if mfa.passed(request) or not mfa.requires_second_factor(user):
        return redirect(_next(request))
    if not mfa.has_app(user):
        return redirect("accounts:mfa_enrol")
    recovery = (request.POST.get("recovery") or request.GET.get("recovery")) == "1"
    form = (RecoveryCodeForm if recovery else AppCodeForm)(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if mfa.verify(request, form.cleaned_data["code"], recovery=recovery):
            return redirect(_next(request))
        wait = mfa.wait_seconds(user, recovery=recovery)
        if wait:
            form.add_error("code", f"Too many wrong codes. Wait {wait} seconds, then enter the code your app shows.")
        elif recovery:
            form.add_error("code", "That recovery code is not right, or it has been used.")
        else:
            form.add_error("code", "That code is not right, or it has been used. Enter the code your app shows now.")
    context = {"form": form, "recovery": recovery, "next": _next(request)}
    return render(request, "accounts/mfa_verify.html", context)


@require_http_methods(["GET", "POST"])
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """How many recovery codes are left; a POST replaces them all with new ones, shown once."""
    user = policy.require_user(request.user)
    if not (mfa.requires_second_factor(user) and mfa.passed(request)):
        raise PermissionDenied("Only accounts that use a second factor have recovery codes.")
    if request.method == "POST":
        codes = mfa.make_recovery_codes(actor=user, user=user)
        return render(request, "accounts/mfa_recovery_codes.html", {"codes": codes, "next": "/accounts/profile/"})
    return render(request, "accounts/mfa_recovery_status.html", {"left": mfa.recovery_codes_left(user)})
