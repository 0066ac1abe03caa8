"""Personal API tokens: how a trust's own systems and analysts' scripts act as a person through /api/v1."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """One personal API token: it acts as its user with exactly their rights (or only reads, when read-only).

    The secret is shown once, when the token is made; only its SHA-256 digest is kept, with the first
    characters of the secret (`prefix`) so the person can tell their tokens apart on their account page.
    """

    trust_path = None  # a person's own credential, not a trust's data
    change_rule = "owner"  # the person themself (and administrators, who may revoke any)
    audit_secret = ("token_hash",)
    audit_exclude = ("last_used",)  # bookkeeping: recorded on every use, not a change worth a record

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(
        max_length=100, help_text="What the token is for, e.g. 'Power BI refresh'. Shown in the change history."
    )
    token_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, hex.")
    prefix = models.CharField(max_length=16, help_text="The secret's first characters, to recognise it by.")
    read_only = models.BooleanField(default=False, help_text="Reads only: every write is refused (403).")
    created_at = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True, help_text="Empty: the token does not expire.")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["user", "-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "name"], name="api_token_name_unique_per_user")]

    def __str__(self) -> str:
        return f"API token '{self.name}' ({self.prefix}…)"

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def is_usable(self, now: object = None) -> bool:
        """Not revoked, not expired, and its user still active."""
        now = now or timezone.now()
        if self.revoked_at is not None or not self.user.is_active:
            return False
        return self.expires_at is None or self.expires_at > now  # type: ignore[operator]
