"""A trust's events as an iCalendar file (RFC 5545), written by hand: a handful of properties need no library.

What RFC 5545 asks of a writer, and where it is done here:
- lines end in CRLF (3.1);
- a content line longer than 75 octets is folded: CRLF then one space, never inside a UTF-8 character (3.1);
- in TEXT values backslash, semicolon and comma are escaped and a newline is written as \\n (3.3.11);
- an all-day event is DTSTART;VALUE=DATE with DTEND the next day (3.6.1); every VEVENT has UID and DTSTAMP.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from newroles.forewarning.models import KIND_LABELS, Event

PRODID = "-//newroles//Forewarning events//EN"
UID_DOMAIN = "forewarning.newroles"
MAX_OCTETS = 75


def escape_text(value: str) -> str:
    """A TEXT value: backslash first, then semicolon and comma; newlines as \\n, carriage returns dropped."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")


def fold(line: str) -> str:
    """Fold a content line to at most 75 octets a line, continuation lines starting with a space."""
    out: list[str] = []
    current, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(current))
            current, size, limit = [], 0, MAX_OCTETS - 1  # the leading space takes one octet
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n ".join(out)


def _date(day: dt.date) -> str:
    return day.strftime("%Y%m%d")


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def vevent(event: Event, *, roles: Iterable[str], stamp: dt.datetime) -> list[str]:
    """The content lines (unfolded) of one event, with the names of the roles it affects."""
    source = event.source_text
    description = "\n\n".join(
        part for part in (event.description, f"Roles: {', '.join(roles)}", f"Source: {source}") if part
    )
    lines = [
        "BEGIN:VEVENT",
        f"UID:event-{event.pk}@{UID_DOMAIN}",
        f"DTSTAMP:{_stamp(event.updated_at or stamp)}",
        f"DTSTART;VALUE=DATE:{_date(event.date)}",
        f"DTEND;VALUE=DATE:{_date(event.date + dt.timedelta(days=1))}",
        f"SUMMARY:{escape_text(event.title)}",
        f"DESCRIPTION:{escape_text(description)}",
        f"CATEGORIES:{escape_text(KIND_LABELS.get(event.kind, event.kind))}",
        "TRANSP:TRANSPARENT",
    ]
    if event.source_url:
        lines.append(f"URL:{event.source_url}")
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events: Iterable[tuple[Event, list[str]]], *, stamp: dt.datetime) -> str:
    """A whole VCALENDAR: `events` are (event, names of the roles it affects) pairs."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
    ]
    for event, roles in events:
        lines += vevent(event, roles=roles, stamp=stamp)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
