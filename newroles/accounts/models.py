"""Users, their memberships of trusts, and the flags that give national or research access."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models


class EmailUserManager(UserManager["User"]):
    """Users sign in with their email address; the username mirrors it."""

    def create_user(self, username=None, email=None, password=None, **extra_fields):  # type: ignore[override]
        email = self.normalize_email(email or username).lower()
        return super().create_user(email, email, password, **extra_fields)

    def create_superuser(self, username=None, email=None, password=None, **extra_fields):  # type: ignore[override]
        email = self.normalize_email(email or username).lower()
        return super().create_superuser(email, email, password, **extra_fields)


class User(AbstractUser):
    """A person who signs in. Access to a trust's private data comes only through a Membership.

    `is_staff` marks an administrator (sees and changes everything, national curation). The two flags
    below give read access that spans trusts without membership of any.
    """

    email = models.EmailField("email address", unique=True)
    display_name = models.CharField(max_length=150, blank=True, help_text="Name shown to colleagues.")
    is_national_reader = models.BooleanField(
        default=False, help_text="Regional or national lead: reads the national picture across trusts."
    )
    is_researcher = models.BooleanField(
        default=False, help_text="Member of the research team: sees research evidence and curates packs."
    )
    must_change_password = models.BooleanField(
        default=False, help_text="Set when a one-time password was issued; cleared on the first change."
    )
    is_demo = models.BooleanField(default=False, help_text="Created by the demo data loader.")

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []
    audit_secret = ("password",)  # the audit log must never hold password hashes
    change_rule = "account"
    # What a person may change on their own account; the rest (access flags above all) is the admins'.
    self_fields = ("password", "must_change_password", "display_name", "first_name", "last_name", "last_login")
    objects = EmailUserManager()

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.display_name or self.email

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.email

    def trust_ids(self, *roles: str) -> set[int]:
        """Ids of the trusts this user belongs to, optionally only with one of the given roles.

        Cached per instance because every policy check on a page asks the same question.
        """
        cache = self.__dict__.setdefault("_trust_ids_cache", {})
        key = tuple(sorted(roles))
        if key not in cache:
            qs = self.memberships.all()
            if roles:
                qs = qs.filter(role__in=roles)
            cache[key] = set(qs.values_list("trust_id", flat=True))
        return cache[key]

    def role_in(self, trust: models.Model | int) -> str | None:
        """The user's membership role in the trust, or None."""
        trust_id = trust if isinstance(trust, int) else trust.pk
        for role in (Membership.MANAGER, Membership.EDITOR, Membership.VIEWER):
            if trust_id in self.trust_ids(role):
                return role
        return None


class Membership(models.Model):
    """A user's place in one trust: viewer (reads private data), editor (changes it), manager (also members)."""

    VIEWER = "viewer"
    EDITOR = "editor"
    MANAGER = "manager"
    ROLE_CHOICES = [(VIEWER, "Viewer"), (EDITOR, "Editor"), (MANAGER, "Manager")]
    trust_path = "trust"
    change_rule = "membership"

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        max_length=10,
        choices=ROLE_CHOICES,
        default=VIEWER,
        help_text="viewer reads the trust's private data; editor also changes it; manager also manages members.",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "trust"], name="one_membership_per_trust")]
        ordering = ["trust__name", "user__email"]

    def __str__(self) -> str:
        return f"{self.user.email} — {self.get_role_display()} at {self.trust_id and self.trust.name}"


def trust_model() -> Any:
    """The Trust model, reached through the membership's relation.

    accounts sits below organisations in the layers (organisations' own services ask accounts' policy),
    so it names trusts by the "organisations.Trust" reference rather than importing them.
    """
    return Membership._meta.get_field("trust").related_model


class Invitation(models.Model):
    """An offer, sent by email, to join a trust in a role; it becomes a Membership only when the person accepts.

    A manager invites by email address and learns nothing about whether that address has an account here:
    the link goes to the address, a newcomer chooses their own password through it, and someone with an
    account signs in and accepts. Only a digest of the link's secret is stored.
    """

    trust_path = "trust"
    change_rule = "invitation"
    audit_secret = ("token_digest",)

    trust = models.ForeignKey("organisations.Trust", on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(help_text="The address the invitation was sent to; only its owner may accept it.")
    role = models.CharField(max_length=10, choices=Membership.ROLE_CHOICES, default=Membership.VIEWER)
    token_digest = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret in the link.")
    invited_by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["trust__name", "email"]

    def __str__(self) -> str:
        return f"{self.email} invited as {self.get_role_display()}"
