"""The second factor at sign-in: who needs one, enrolling an authenticator app, recovery codes, checking a code.

Researchers (who hold interview transcripts) and administrators sign in with their password and then a
code: a time-based one (TOTP, RFC 6238) from an authenticator app, or one of ten single-use recovery codes.
django-otp keeps the devices, throttles wrong codes and marks the session as verified; this module decides
who needs it and makes every change to a person's devices an audited write.
"""

from __future__ import annotations

import time
from binascii import unhexlify
from typing import Any

import django_otp
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp.util import random_hex

from newroles.audit.writes import create_row, delete_row

RECOVERY_CODE_COUNT = 10
APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def requires_second_factor(user: Any) -> bool:
    """Researchers and administrators must pass a second factor before anything else."""
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_staff or user.is_superuser or getattr(user, "is_researcher", False))
    )


def has_app(user: Any) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def passed(request: HttpRequest) -> bool:
    """Has this session's user passed a second factor (django-otp's OTPMiddleware sets is_verified)?"""
    is_verified = getattr(request.user, "is_verified", None)
    return bool(is_verified and is_verified())


def new_key() -> str:
    """A fresh 20-byte TOTP secret, hex-encoded as django-otp stores it."""
    return random_hex(20)


def _totp(key: str, drift: int = 0) -> TOTP:
    totp = TOTP(unhexlify(key.encode()), step=30, t0=0, digits=6, drift=drift)
    totp.time = time.time()
    return totp


def current_code(device: TOTPDevice) -> str:
    """The code the device's app shows now (for the demo's published authenticator only)."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    return f"{totp.token():0{device.digits}d}"


def normalise_code(code: str) -> str:
    """Codes are read as typed: spaces and dashes are dropped, letters compared in lower case."""
    return "".join(code.split()).replace("-", "").lower()


@transaction.atomic
def enrol_app(*, actor: Any, user: Any, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app by a code it shows for `key`; returns the device and new recovery codes.

    The device is saved only once a code proves the app holds the secret. The code that proved it is
    spent (last_t), so it cannot be replayed to sign in.
    """
    if has_app(user):
        raise ValidationError("You have already set up an authenticator app.")
    totp = _totp(key)
    code = normalise_code(code)
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        raise ValidationError({"code": "That code is not right. Enter the code your app shows now."})
    device = TOTPDevice(user=user, name=APP_DEVICE_NAME, key=key, confirmed=True, last_t=totp.t())
    create_row(actor, device, message="authenticator app set up")
    return device, make_recovery_codes(actor=actor, user=user)


@transaction.atomic
def make_recovery_codes(*, actor: Any, user: Any) -> list[str]:
    """Replace the user's recovery codes with RECOVERY_CODE_COUNT new ones, returned to show once."""
    for old in StaticDevice.objects.filter(user=user):
        for token in old.token_set.all():
            delete_row(actor, token)
        delete_row(actor, old, message="recovery codes replaced")
    device = create_row(actor, StaticDevice(user=user, name=RECOVERY_DEVICE_NAME))
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        token = create_row(actor, StaticToken(device=device, token=StaticToken.random_token()))
        codes.append(token.token)
    return codes


def recovery_codes_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user).count()


def verify(request: HttpRequest, code: str, *, recovery: bool = False) -> bool:
    """Check a code from the app (or a recovery code) and mark the session as having passed.

    django-otp refuses codes already used and throttles wrong ones (each failure doubles the wait).
    The session key changes on success, as at any change of privilege.
    """
    user = request.user
    model = StaticDevice if recovery else TOTPDevice
    for device in model.objects.filter(user=user, confirmed=True):
        verified = django_otp.verify_token(user, device.persistent_id, normalise_code(code))
        if verified is not None:
            request.session.cycle_key()
            django_otp.login(request, verified)
            return True
    return False


def wait_seconds(user: Any, *, recovery: bool = False) -> int:
    """Seconds before django-otp accepts another code after wrong ones (0 when it would now)."""
    model = StaticDevice if recovery else TOTPDevice
    for device in model.objects.filter(user=user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return max(1, int((data["locked_until"] - timezone.now()).total_seconds()) + 1)
    return 0


def may_create_api_token(user: Any, request: HttpRequest) -> bool:
    """An API token is a lasting credential: a researcher or administrator may make one only in a session that
    passed the second factor, so a stolen password alone never yields one."""
    if not (getattr(user, "is_authenticated", False) and user.is_active and request.user.pk == user.pk):
        return False
    return not requires_second_factor(user) or passed(request)
