"""Every change to the event register and to trusts' calendar feeds goes through these functions; a trust's
events (the ones that affect the roles it deploys or plans) are chosen here, in one place, for the pages, the
calendar feed and the command line alike.
"""

from __future__ import annotations

import datetime as dt
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.forewarning.models import KIND_LABELS, LAW, REGULATION, CalendarFeed, Event
from newroles.mapping.models import Deployment
from newroles.organisations.models import Region, Trust
from newroles.roles import services as roles_services
from newroles.roles.leadtime import months_between
from newroles.roles.models import Role

DATA_DIR = Path(__file__).resolve().parent / "data"
REFERENCE_MESSAGE = "reference data: forewarning/data/events.json"

# Statuses in which a trust deploys or plans a role; a discontinued role needs no forewarning.
CURRENT_STATUSES = ("planned", "pilot", "active", "paused")


# The register ---------------------------------------------------------------------------------------


def _check_roles(roles: Iterable[Role]) -> list[Role]:
    roles = list(roles)
    if not roles:
        raise ValidationError({"roles": "Choose at least one role the event affects."})
    return roles


@transaction.atomic
def create_event(*, actor: Any, roles: Iterable[Role], message: str = "", **fields: Any) -> Event:
    """Add an event to the register (curators). It must name its source and at least one role."""
    policy.require_curator(actor)
    roles = _check_roles(roles)
    event = create_row(actor, Event(**fields), message=message)
    update_row(actor, event, {"roles": roles}, message=message or "roles")
    flag_packs(actor=actor, event=event)
    return event


@transaction.atomic
def update_event(*, actor: Any, event: Event, message: str = "", **changes: Any) -> Event:
    policy.require_curator(actor)
    if "roles" in changes:
        changes["roles"] = _check_roles(changes["roles"])
    event = update_row(actor, event, changes, message=message)
    if changes.keys() & {"roles", "kind", "date", "title"}:
        flag_packs(actor=actor, event=event)
    return event


# A pack written before a change of regulation, law or national guidance may now say something wrong. An
# event dated within this many days before today, or any time ahead, flags the national packs of the roles
# it affects; an older one is history the pack was written after.
FLAG_PACKS_WITHIN_DAYS = 365
FLAGGING_KINDS = (REGULATION, LAW)


def flag_packs(*, actor: Any, event: Event, today: dt.date | None = None) -> list[Any]:
    """Flag for review the national pack of every role a recent or coming regulation or guidance event
    affects (`roles.services.flag_pack_for_review`, which keeps one open flag per reason)."""
    today = today or timezone.localdate()
    if event.kind not in FLAGGING_KINDS or event.date < today - dt.timedelta(days=FLAG_PACKS_WITHIN_DAYS):
        return []
    reason = f"{KIND_LABELS[event.kind]} on {event.date:%-d %B %Y}: {event.title}"
    flags = [roles_services.flag_pack_for_review(actor=actor, role=role, reason=reason) for role in event.roles.all()]
    return [f for f in flags if f is not None]


def delete_event(*, actor: Any, event: Event) -> None:
    policy.require_curator(actor)
    delete_row(actor, event)


def events() -> QuerySet[Event]:
    """The register, oldest first, with what its pages and exports show fetched in two queries."""
    return Event.objects.select_related("region").prefetch_related("roles")


# A trust's events -----------------------------------------------------------------------------------


def current_deployments(trust: Trust) -> QuerySet[Deployment]:
    """The trust's deployments of roles it deploys or plans (discontinued ones left out), by title."""
    return Deployment.objects.filter(trust=trust, status__in=CURRENT_STATUSES).order_by("local_title")


def trust_role_ids(trust: Trust) -> set[int]:
    """The roles the trust deploys or plans: its current deployments' roles."""
    return set(current_deployments(trust).exclude(role=None).values_list("role_id", flat=True))


def concerns(region_id: int | None) -> Q:
    """Events that concern a trust in `region_id`: national ones, and its own region's."""
    return Q(region__isnull=True) | Q(region_id=region_id)


def for_trust(trust: Trust) -> QuerySet[Event]:
    """The events that affect a role the trust deploys or plans, national or of its region, in date order."""
    return (
        events().filter(concerns(trust.region_id), roles__in=trust_role_ids(trust)).distinct().order_by("date", "title")
    )


def for_role(role: Role, region_id: int | None, *, today: dt.date) -> QuerySet[Event]:
    """Upcoming events that affect `role` for a trust in `region_id`."""
    return events().filter(concerns(region_id), roles=role, date__gte=today).order_by("date", "title")


@dataclass(frozen=True)
class Dated:
    """An event as a trust sees it: how long it has, and which of its roles it affects."""

    event: Event
    months: int  # whole months from today to the event (negative once past)
    days: int
    roles: list[Role]

    @property
    def upcoming(self) -> bool:
        return self.days >= 0

    @property
    def when(self) -> str:
        """'today', 'in 7 months', 'in 12 days', '3 months ago'."""
        if self.days == 0:
            return "today"
        if self.upcoming:
            return f"in {_count(self.months, 'month')}" if self.months else f"in {_count(self.days, 'day')}"
        months = -self.months
        if months >= 24:
            return f"{months // 12} years ago"
        return f"{_count(months, 'month')} ago" if months else f"{_count(-self.days, 'day')} ago"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def dated(rows: Iterable[Event], *, today: dt.date, role_ids: set[int] | None = None) -> list[Dated]:
    """Each event with the time to it from `today` and (of its roles) those in `role_ids`, when given."""
    out = []
    for event in rows:
        roles = [r for r in event.roles.all() if role_ids is None or r.pk in role_ids]
        days = (event.date - today).days
        # Whole months counted forward from the earlier date, so 11 months and a day ago is 11 months ago.
        months = months_between(today, event.date) if days >= 0 else -months_between(event.date, today)
        out.append(Dated(event, months, days, roles))
    return out


def trust_events(trust: Trust, *, today: dt.date) -> tuple[list[Dated], list[Dated]]:
    """(upcoming, past) events of the trust, each in date order (the past ones most recent first)."""
    role_ids = trust_role_ids(trust)
    rows = dated(for_trust(trust), today=today, role_ids=role_ids)
    upcoming = [d for d in rows if d.upcoming]
    past = [d for d in reversed(rows) if not d.upcoming]
    return upcoming, past


def may_read_trust_events(user: Any, trust: Trust) -> bool:
    """A trust's events page is its members'; national readers and curators may read any trust's, since the
    events are public and the roles a trust deploys are on the national map."""
    return policy.can_see_in(user, trust.pk) or policy.reads_national(user)


# Calendar feeds -------------------------------------------------------------------------------------


def new_token() -> str:
    return secrets.token_urlsafe(32)


@transaction.atomic
def reset_feed(*, actor: Any, trust: Trust) -> CalendarFeed:
    """Create the trust's calendar feed, or give it a new address (the old one stops working). Managers only."""
    policy.require_manager(actor, trust.pk, "Only the trust's managers set up or reset its calendar feed.")
    feed = CalendarFeed.objects.filter(trust=trust).first()
    if feed is None:
        return create_row(actor, CalendarFeed(trust=trust, token=new_token()), message="calendar feed created")
    return update_row(actor, feed, {"token": new_token()}, message="calendar feed address reset")


def feed_for_token(token: str) -> CalendarFeed | None:
    """The feed whose address holds `token`, or None. The lookup is by the unique index; a wrong token
    matches nothing, and an empty or overlong one is not looked up."""
    if not token or len(token) > 64:
        return None
    feed = CalendarFeed.objects.select_related("trust").filter(token=token).first()
    if feed is None or not secrets.compare_digest(feed.token, token):
        return None
    return feed


# Reference data -------------------------------------------------------------------------------------


def _reference_fields(entry: dict[str, Any], regions: dict[str, Region], roles: dict[str, Role]) -> dict[str, Any]:
    key = entry["key"]
    unknown = sorted(set(entry["roles"]) - set(roles))
    if unknown:
        raise ValueError(f"events.json, event {key}: roles not in the catalogue: {', '.join(unknown)}")
    if entry.get("kind") not in KIND_LABELS:
        raise ValueError(f"events.json, event {key}: kind {entry.get('kind')!r} is not one of {', '.join(KIND_LABELS)}")
    region = entry.get("region")
    if region and region not in regions:
        raise ValueError(f"events.json, event {key}: region {region!r} is not a region code")
    return {
        "date": dt.date.fromisoformat(entry["date"]),
        "title": entry["title"],
        "kind": entry["kind"],
        "description": entry.get("description", ""),
        "source_url": entry.get("source_url", ""),
        "source_citation": entry.get("source_citation", ""),
        "region": regions.get(region) if region else None,
        "illustrative": False,
        "roles": sorted((roles[slug] for slug in entry["roles"]), key=lambda r: r.pk),
    }


def _differences(event: Event, fields: dict[str, Any]) -> dict[str, Any]:
    """The fields (and roles) of `fields` that differ from the stored event."""
    changes = {k: v for k, v in fields.items() if k != "roles" and getattr(event, k) != v}
    if sorted(r.pk for r in event.roles.all()) != [r.pk for r in fields["roles"]]:
        changes["roles"] = fields["roles"]
    return changes


def load_events(*, actor: Any = policy.SYSTEM, path: Path | None = None) -> dict[str, int]:
    """Load the sourced national events of `forewarning/data/events.json`. Idempotent: an event is found by
    its key and changed only where the file differs, so loading again writes (and audits) nothing. A curator's
    own events (no key) are never touched."""
    data = json.loads((path or DATA_DIR / "events.json").read_text(encoding="utf-8"))
    regions = {r.code: r for r in Region.objects.all()}
    roles = {r.slug: r for r in Role.objects.all()}
    counts = {"events": 0, "events_changed": 0}
    with transaction.atomic():
        existing = {e.reference_key: e for e in events().exclude(reference_key=None)}
        for entry in data["events"]:
            counts["events"] += 1
            fields = _reference_fields(entry, regions, roles)
            event = existing.get(entry["key"])
            if event is None:
                create_event(actor=actor, message=REFERENCE_MESSAGE, reference_key=entry["key"], **fields)
                counts["events_changed"] += 1
                continue
            changes = _differences(event, fields)
            if changes:
                update_event(actor=actor, event=event, message=REFERENCE_MESSAGE, **changes)
                counts["events_changed"] += 1
    return counts
