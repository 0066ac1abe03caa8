"""Creating users and managing who belongs to which trust."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from newroles.accounts import policy
from newroles.accounts.models import Invitation, Membership, User
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
    if is_admin or is_national_reader or is_researcher:
        policy.require_admin(actor, "Only administrators grant national, research or admin access.")
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
    create_row(actor, user, exclude=["password"])
    return user, secret


def change_password(*, actor: User, user: User, new_password: str) -> None:
    """Set a new password (validated) and clear the one-time flag.

    The new password must differ from the current one: otherwise a one-time password, which whoever
    issued it knows, could be kept as the permanent one while the flag that forced the change is cleared.
    """
    if getattr(actor, "pk", None) != user.pk and not policy.is_admin(actor):
        raise PermissionDenied("You can only change your own password.")
    if user.password and check_password(new_password, user.password):
        raise ValidationError("Choose a new password: it must not be the same as your current password.")
    validate_password(new_password, user)
    # The new hash goes through update_row so the record shows the change (as a digest, never the hash).
    changes = {"password": make_password(new_password), "must_change_password": False}
    update_row(actor, user, changes, message="password changed")


@transaction.atomic
def add_member(*, actor: Any, trust: Any, email: str, role: str, display_name: str = "") -> tuple[Membership, str]:
    """Add a person to a trust at once (creating their account with a one-time password if new).

    Returns (membership, one_time_password or ""). Administrators and system jobs only (the `adduser`
    command, the demo): a trust's managers invite instead (`invite_member`), because adding an existing
    account directly would let a manager pull anyone, an administrator included, into their trust, and
    would tell them whether the address has an account.
    """
    policy.require_admin(actor, "Trust managers invite members; only administrators add them directly.")
    email = User.objects.normalize_email(email).lower()
    user = User.objects.filter(email__iexact=email).first()
    secret = ""
    if user is None:
        user, secret = create_user(actor=actor, email=email, display_name=display_name)
    if Membership.objects.filter(user=user, trust=trust).exists():
        raise ValidationError({"email": f"{email} is already a member of {trust.name}."})
    membership = create_row(actor, Membership(user=user, trust=trust, role=role))
    return membership, secret


def change_member_role(*, actor: Any, membership: Membership, role: str) -> Membership:
    policy.require_manager(actor, membership.trust_id, "Only the trust's managers change members' roles.")
    _keep_a_manager(membership, new_role=role)
    return update_row(actor, membership, {"role": role})


def remove_member(*, actor: Any, membership: Membership) -> None:
    policy.require_manager(actor, membership.trust_id, "Only the trust's managers remove members.")
    _keep_a_manager(membership, new_role=None)
    delete_row(actor, membership)


def _keep_a_manager(membership: Membership, new_role: str | None) -> None:
    """Refuse to leave a trust with no manager, which would lock its members out of managing it."""
    if membership.role != Membership.MANAGER or new_role == Membership.MANAGER:
        return
    others = Membership.objects.filter(trust_id=membership.trust_id, role=Membership.MANAGER).exclude(pk=membership.pk)
    if not others.exists():
        raise ValidationError("A trust needs at least one manager: add another manager first.")


INVITATION_DAYS = 7


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def invite_member(*, actor: Any, trust: Any, email: str, role: str) -> tuple[Invitation, str]:
    """Email a person an invitation to join the trust in a role; returns (invitation, the link's secret).

    It does the same whether or not the address has an account, and nobody joins until they accept, so a
    manager can neither learn who has an account nor add an existing account, an administrator's included,
    without its owner's consent. A new invitation to the same address replaces a pending one.
    """
    policy.require_manager(actor, trust.pk, "Only the trust's managers add members.")
    email = User.objects.normalize_email(email).lower()
    if Membership.objects.filter(user__email__iexact=email, trust=trust).exists():
        # The manager sees the member list already: saying so reveals nothing new.
        raise ValidationError({"email": f"{email} is already a member of {trust.name}."})
    for old in Invitation.objects.filter(trust=trust, email=email, accepted_at=None):
        delete_row(actor, old, message="replaced by a new invitation")
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        trust=trust,
        email=email,
        role=role,
        token_digest=_digest(token),
        invited_by=actor if getattr(actor, "pk", None) else None,
        expires_at=timezone.now() + timedelta(days=INVITATION_DAYS),
    )
    create_row(actor, invitation)
    link = settings.SITE_URL.rstrip("/") + reverse("accounts:invitation", args=[token])
    inviter = f"{actor.name} ({actor.email})" if getattr(actor, "pk", None) else "An administrator"
    send_mail(
        f"Invitation to join {trust.name} on newroles",
        f"{inviter} has invited you to join {trust.name} as {invitation.get_role_display().lower()} on newroles, "
        f"the register of new roles in mental health trusts.\n\n"
        f"To accept, open this link within {INVITATION_DAYS} days:\n{link}\n\n"
        "If you already have an account you sign in first; if not, you choose your password there.\n"
        "If you did not expect this invitation, ignore this email.\n",
        None,
        [email],
    )
    return invitation, token


def find_invitation(token: str) -> Invitation | None:
    """The pending, unexpired invitation with this secret, or None."""
    return (
        Invitation.objects.select_related("trust")
        .filter(token_digest=_digest(token), accepted_at=None, expires_at__gt=timezone.now())
        .first()
    )


@transaction.atomic
def accept_invitation(*, invitation: Invitation, user: User) -> Membership:
    """The invited person (signed in as the invited address) joins the trust in the invited role."""
    if user.email.lower() != invitation.email.lower():
        raise PermissionDenied("This invitation is for another email address.")
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None or invitation.expires_at <= timezone.now():
        raise ValidationError("This invitation has been used or has expired.")
    membership = Membership.objects.filter(user=user, trust=invitation.trust).first()
    if membership is None:
        membership = Membership(user=user, trust=invitation.trust, role=invitation.role)
        create_row(user, membership, message="joined by invitation")  # the invitation's rule admits them
    update_row(user, invitation, {"accepted_at": timezone.now()})
    return membership


@transaction.atomic
def join_by_invitation(*, invitation: Invitation, display_name: str, password: str) -> User:
    """A newcomer creates their account with a password of their own and accepts the invitation."""
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ValidationError("An account with this address exists: sign in to accept the invitation.")
    validate_password(password, User(email=invitation.email, username=invitation.email, display_name=display_name))
    # No one is signed in yet: the system opens the account, on the authority of the invitation's secret link.
    user, _ = create_user(actor=policy.SYSTEM, email=invitation.email, display_name=display_name, password=password)
    accept_invitation(invitation=invitation, user=user)
    return user
