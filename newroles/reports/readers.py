"""Whom a report is written for: a reader stands in for the person, so a report is the same for everyone
who would see the same figures, and can be cached, rendered in the background and frozen.

- The findings briefing and the role profile are written for the public: a national reader who is a member
  of no trust. Every staff count of every trust is then outside the reader's trusts, so the one small-numbers
  rule (`accounts.disclosure`) stars each count below 5 and every total that could be differenced.
- A trust profile is written either for the trust's members (who see their own trust's counts) or for a
  national reader from outside (who sees them starred when small).

The reader answers the few questions the policy asks of a user; it can change nothing (it is no staff,
researcher or member with edit rights, and services refuse anything but a real user or `policy.SYSTEM`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
MEMBERS = "members"


@dataclass(frozen=True)
class Reader:
    """A signed-in national reader who belongs to the trusts in `member_of` (none for the public)."""

    member_of: frozenset[int] = field(default_factory=frozenset)
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    is_superuser: bool = False
    is_researcher: bool = False
    is_national_reader: bool = True
    pk: None = None

    def trust_ids(self, *roles: Any) -> set[int]:
        # Membership of a trust in a report means reading its rows, never changing them: no edit roles.
        return set() if roles and "viewer" not in roles else set(self.member_of)

    @property
    def audience(self) -> str:
        return MEMBERS if self.member_of else PUBLIC


PUBLIC_READER = Reader()


def members_of(trust_id: int) -> Reader:
    return Reader(member_of=frozenset({trust_id}))


def trust_audience(user: Any, trust_id: int) -> str:
    """Which version of a trust's profile this user reads (the caller has checked they may read one)."""
    from newroles.accounts import policy

    return MEMBERS if policy.can_see_in(user, trust_id) else PUBLIC


def reader_for(audience: str, trust_id: int | None = None) -> Reader:
    return members_of(trust_id) if audience == MEMBERS and trust_id is not None else PUBLIC_READER
