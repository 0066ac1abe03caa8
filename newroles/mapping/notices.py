"""Notices from national and regional curators to trusts: who a notice reaches, writing and sending it, who
may read it, and each reader's read mark.

A notice is written as a draft, then sent: sending fixes the trusts it reaches (the active trusts in its
region, that deploy or plan its role, or both; every active trust with neither), and from then on the
members of those trusts read it, and its page names the trusts' new roles leads as its addressees. Nobody
else reads it but the curators (researchers and administrators) who keep the notices: `visible_notices`
is the one place that decides, and every page and count goes through it.
"""

from __future__ import annotations

import html
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import Truncator

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.lib.markdown import render_markdown
from newroles.mapping.models import DEPLOYED_STATUSES, Deployment, Notice, NoticeRead
from newroles.organisations.models import Region, Trust
from newroles.roles.models import Role

# A trust that plans a role hears about it too: forewarning matters most before the first post starts.
TARGET_STATUSES = ("planned", *DEPLOYED_STATUSES)


def target_trusts(*, region: Region | None, role: Role | None) -> QuerySet[Trust]:
    """The active trusts a notice with this region and role reaches, by name."""
    qs = Trust.objects.filter(status=Trust.ACTIVE)
    if region is not None:
        qs = qs.filter(region=region)
    if role is not None:
        deploying = Deployment.objects.filter(role=role, status__in=TARGET_STATUSES).values("trust_id")
        qs = qs.filter(pk__in=deploying)
    return qs.order_by("name")


def addressees(notice: Notice) -> QuerySet[Trust]:
    """The trusts a notice is addressed to: those it reached once sent, those it would reach while a draft."""
    qs = notice.trusts.order_by("name") if notice.is_sent else target_trusts(region=notice.region, role=notice.role)
    return qs.select_related("region")


# Writing and sending --------------------------------------------------------------------------------


def create_notice(
    *, actor: Any, title: str, body: str, region: Region | None = None, role: Role | None = None
) -> Notice:
    """A draft notice. Curators only (its change rule); its author is the person writing it."""
    author = actor if getattr(actor, "pk", None) else None
    return create_row(actor, Notice(title=title.strip(), body=body, region=region, role=role, author=author))


def _require_draft(notice: Notice) -> None:
    if notice.is_sent:
        raise ValidationError("This notice has been sent: it can no longer be changed or removed.")


def update_notice(*, actor: Any, notice: Notice, **changes: Any) -> Notice:
    """Change a draft (title, body, region, role). A sent notice stays as its readers saw it."""
    _require_draft(notice)
    unknown = set(changes) - {"title", "body", "region", "role"}
    if unknown:
        raise ValueError(f"Not fields of a draft: {', '.join(sorted(unknown))}")
    if "title" in changes:
        changes["title"] = changes["title"].strip()
    return update_row(actor, notice, changes)


def delete_notice(*, actor: Any, notice: Notice) -> None:
    _require_draft(notice)
    delete_row(actor, notice)


@transaction.atomic
def send_notice(*, actor: Any, notice: Notice) -> Notice:
    """Send a draft: fix the trusts it reaches now and date it. Refused when it would reach no trust."""
    policy.require_change(actor, notice)  # before the work, not only in the audited write
    _require_draft(notice)
    trusts = list(target_trusts(region=notice.region, role=notice.role))
    if not trusts:
        raise ValidationError("No active trust matches this region and role, so the notice would reach no one.")
    return update_row(actor, notice, {"sent_at": timezone.now(), "trusts": trusts}, message="sent")


# Reading --------------------------------------------------------------------------------------------


def visible_notices(user: Any) -> QuerySet[Notice]:
    """The notices `user` may read: every notice for curators (drafts included), else the sent notices that
    reached one of the user's trusts."""
    if policy.is_curator(user):
        return Notice.objects.all()
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    return addressed_to(user)


def addressed_to(user: Any) -> QuerySet[Notice]:
    """Sent notices that reached one of the user's trusts (whatever the user's role there)."""
    if not getattr(user, "is_authenticated", False):
        return Notice.objects.none()
    reached = Notice.trusts.through.objects.filter(notice_id=OuterRef("pk"), trust_id__in=user.trust_ids())
    return Notice.objects.filter(Exists(reached), sent_at__isnull=False)


def unread_for(user: Any) -> QuerySet[Notice]:
    """The notices addressed to the user that they have not marked read, newest first: their home page's."""
    read = NoticeRead.objects.filter(notice_id=OuterRef("pk"), user_id=getattr(user, "pk", None))
    return addressed_to(user).filter(~Exists(read)).order_by("-sent_at")


def with_read_mark(user: Any, qs: QuerySet[Notice]) -> QuerySet[Notice]:
    """Each notice with `read_by_user`: whether this user has marked it read."""
    read = NoticeRead.objects.filter(notice_id=OuterRef("pk"), user_id=getattr(user, "pk", None))
    return qs.annotate(read_by_user=Exists(read))


def with_reach(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    """Each notice with how many trusts it reached, how many people are members of them, and how many have
    read it. For the curators' list: counts of people, never who they are."""
    return qs.annotate(
        trust_count=Count("trusts", distinct=True),
        member_count=Count("trusts__memberships__user", distinct=True),
        read_count=Count("reads", distinct=True),
    )


@transaction.atomic
def mark_read(*, actor: Any, notice: Notice) -> NoticeRead:
    """Record that `actor` has read a notice addressed to them (again is a no-op). Only its addressees may:
    a curator reading a notice to other trusts has nothing to mark."""
    if not addressed_to(actor).filter(pk=notice.pk).exists():
        raise PermissionDenied("This notice was not sent to any of your trusts.")
    existing = NoticeRead.objects.filter(notice=notice, user=actor).first()
    if existing is not None:
        return existing
    return create_row(actor, NoticeRead(notice=notice, user=actor), message="read")


def drafts_first(qs: QuerySet[Notice]) -> QuerySet[Notice]:
    """Drafts (not yet sent) first, then the sent notices newest first."""
    return qs.order_by(F("sent_at").desc(nulls_first=True), "-created_at")


def home_notices(user: Any, limit: int = 5, words: int = 40) -> list[Notice]:
    """The newest unread notices for the user's home page, each with `summary`: its opening words as plain
    text (the page links to the whole notice)."""
    shown = list(unread_for(user).select_related("author", "region", "role")[:limit])
    for n in shown:
        text = html.unescape(strip_tags(render_markdown(n.body)))
        # "...arrange it." cut after its full stop reads "it.…": the stop alone ends it.
        n.summary = Truncator(" ".join(text.split())).words(words).replace(".…", ".")
    return shown
