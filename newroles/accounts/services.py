"""Creating users and managing who belongs to which trust."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from newroles.accounts import policy
from newroles.accounts.models import Membership, User
from newroles.audit.writes import create_row, delete_row, update_row


def one_time_password() -> str:
    """A password to hand over once; the user must change it at first sign-in."""
    return secrets.token_urlsafe(12)


@transaction.atomic
def create_user(
    *,
    actor: Any,
    email: str,
    display_name: str = "",
    password: str | None = None,
    is_national_reader: bool = False,
    is_researcher: bool = False,
    is_admin: bool = False,
    is_demo: bool = False,
) -> tuple[User, str]:
    """Create a user; return (user, password). Without a password a one-time one is generated."""
    if actor is not None and not policy.is_admin(actor) and (is_admin or is_national_reader or is_researcher):
        raise PermissionDenied("Only administrators grant national, research or admin access.")
    email = User.objects.normalize_email(email).lower()
    if User.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"A user with the email {email} already exists."})
    one_time = password is None
    secret = password or one_time_password()
    user = User(
        email=email,
        username=email,
        display_name=display_name,
        is_national_reader=is_national_reader,
        is_researcher=is_researcher,
        is_staff=is_admin,
        is_superuser=is_admin,
        must_change_password=one_time,
        is_demo=is_demo,
    )
    user.set_password(secret)
    create_row(actor, user, check_policy=False, exclude=["password"])
    return user, secret


def change_password(*, actor: User, user: User, new_password: str) -> None:
    """Set a new password (validated) and clear the one-time flag."""
    if actor.pk != user.pk and not policy.is_admin(actor):
        raise PermissionDenied("You can only change your own password.")
    validate_password(new_password, user)
    # The new hash goes through update_row so the record shows the change (as a digest, never the hash).
    changes = {"password": make_password(new_password), "must_change_password": False}
    update_row(actor, user, changes, check_policy=False, message="password changed")


@transaction.atomic
def add_member(*, actor: Any, trust: Any, email: str, role: str, display_name: str = "") -> tuple[Membership, str]:
    """Add a person to a trust (creating their account with a one-time password if new).

    Returns (membership, one_time_password or ""). Only the trust's managers and admins may.
    """
    if actor is not None and not policy.can_manage(actor, trust.pk):
        raise PermissionDenied("Only the trust's managers add members.")
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    secret = ""
    if user is None:
        user, secret = create_user(actor=actor, email=email, display_name=display_name)
    if Membership.objects.filter(user=user, trust=trust).exists():
        raise ValidationError({"email": f"{email} is already a member of {trust.name}."})
    membership = create_row(actor, Membership(user=user, trust=trust, role=role), check_policy=False)
    return membership, secret


def change_member_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    if actor is not None and not policy.can_manage(actor, membership.trust_id):
        raise PermissionDenied("Only the trust's managers change members' roles.")
    _keep_a_manager(membership, new_role=role)
    return update_row(actor, membership, {"role": role}, check_policy=False)


def remove_member(*, actor: Any, membership: Membership) -> None:
    if actor is not None and not policy.can_manage(actor, membership.trust_id):
        raise PermissionDenied("Only the trust's managers remove members.")
    _keep_a_manager(membership, new_role=None)
    delete_row(actor, membership, check_policy=False)


def _keep_a_manager(membership: Membership, new_role: str | None) -> None:
    """Refuse to leave a trust with no manager, which would lock its members out of managing it."""
    if membership.role != Membership.MANAGER or new_role == Membership.MANAGER:
        return
    others = Membership.objects.filter(trust_id=membership.trust_id, role=Membership.MANAGER).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError("A trust needs at least one manager: add another manager first.")
