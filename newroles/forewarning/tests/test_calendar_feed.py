"""The trust's calendar feed: RFC 5545 structure, a token that is required and can be reset (audited, by the
trust's managers only), and nothing but public event data."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.forewarning import ical, services
from newroles.forewarning.models import CalendarFeed
from newroles.forewarning.tests.conftest import deploy, event, today
from newroles.roles.leadtime import add_months

LONG = "Plan the trainee posts; budget, supervision and backfill; then recruit. " * 3 + "Über café, ñandú: ok."


@pytest.fixture
def feed(sheffield, register) -> CalendarFeed:  # type: ignore[no-untyped-def]
    deploy(sheffield, "Nursing Associate", "nursing_associate")
    deploy(sheffield, "Physician Associate", "physician_associate")
    event("Intake; commas, and a backslash \\ here", add_months(today(), 9), "nursing_associate",
          description=LONG, source_citation="Publisher, 'Title'; 2026")  # fmt: skip
    return services.reset_feed(actor=policy.SYSTEM, trust=sheffield)


def _get(token: str):  # type: ignore[no-untyped-def]
    return Client().get(f"/public/forewarning/{token}.ics")  # a calendar app: never signed in


def _unfold(body: str) -> list[str]:
    return body.replace("\r\n ", "").split("\r\n")[:-1]


def test_the_feed_is_a_well_formed_icalendar_file(feed):
    response = _get(feed.token)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    raw = response.content
    body = raw.decode("utf-8")
    assert body.endswith("\r\n") and "\n" not in body.replace("\r\n", "")  # CRLF line endings only
    for physical in raw.split(b"\r\n"):
        assert len(physical) <= 75, physical  # folded at 75 octets
    lines = _unfold(body)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    begins = [i for i, line in enumerate(lines) if line == "BEGIN:VEVENT"]
    ends = [i for i, line in enumerate(lines) if line == "END:VEVENT"]
    assert len(begins) == len(ends) == 4  # the trust's four events: two of its roles' past and upcoming
    for start, end in zip(begins, ends, strict=True):
        block = lines[start:end]
        names = [line.split(":", 1)[0].split(";", 1)[0] for line in block[1:]]
        assert {"UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"} <= set(names)
        assert len(set(n for n in names)) == len(names)  # each property once
        assert re.fullmatch(r"DTSTART;VALUE=DATE:\d{8}", next(x for x in block if x.startswith("DTSTART")))
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(set(uids)) == len(uids)


def test_text_is_escaped_and_folding_keeps_utf8_characters_whole(feed):
    body = _get(feed.token).content.decode("utf-8")
    lines = _unfold(body)
    assert "SUMMARY:Intake\\; commas\\, and a backslash \\\\ here" in lines
    description = next(line for line in lines if line.startswith("DESCRIPTION:") and "Plan the trainee" in line)
    assert "budget\\, supervision and backfill\\; then recruit." in description
    assert "Über café\\, ñandú: ok." in description  # survived folding whole
    assert "\\n\\nRoles: Nursing associate\\n\\nSource: Publisher\\, 'Title'\\; 2026 https://" in description


def test_fold_never_splits_a_character_and_continuation_lines_start_with_a_space():
    folded = ical.fold("DESCRIPTION:" + "é" * 100)
    parts = folded.split("\r\n")
    assert all(len(p.encode("utf-8")) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == "DESCRIPTION:" + "é" * 100


def test_only_the_trusts_events_and_only_public_data_are_in_it(feed, sheffield):
    body = _get(feed.token).content.decode("utf-8")
    assert "Psychiatry curriculum" not in body and "Peer worker cohort" not in body
    assert "Nursing Associate" not in body  # the trust's own deployment titles are not published
    assert feed.token not in body


def test_a_wrong_or_missing_token_is_404(feed):
    assert _get("not-the-token").status_code == 404
    assert _get(feed.token[:-1]).status_code == 404
    assert Client().get("/public/forewarning/.ics").status_code == 404


def test_reset_gives_a_new_address_and_the_old_one_stops_working(feed, sheffield, alice):
    old = feed.token
    response = client_for(alice).post("/forewarning/trusts/TAH/calendar/")
    assert response.status_code == 302
    new = CalendarFeed.objects.get(trust=sheffield).token
    assert new != old and len(new) >= 40
    assert _get(old).status_code == 404 and _get(new).status_code == 200
    record = ChangeRecord.objects.filter(content_type__model="calendarfeed").order_by("-pk").first()
    assert record is not None and record.message == "calendar feed address reset"
    assert new not in str(record.before) + str(record.after) and old not in str(record.before)  # digests only


def test_a_manager_sets_the_feed_up_and_sees_its_address(sheffield, alice, register):
    client = client_for(alice)
    assert "Set up a calendar feed" in client.get("/forewarning/trusts/TAH/").content.decode()
    client.post("/forewarning/trusts/TAH/calendar/")
    token = CalendarFeed.objects.get(trust=sheffield).token
    assert f"/public/forewarning/{token}.ics" in client.get("/forewarning/trusts/TAH/").content.decode()


@pytest.mark.parametrize("who,status", [("eve", 403), ("bob", 403), ("charlie", 404), ("nadia", 403)])
def test_only_the_trusts_managers_reset_the_feed(request, feed, who, status):
    user = request.getfixturevalue(who)
    assert client_for(user).post("/forewarning/trusts/TAH/calendar/").status_code == status
    assert CalendarFeed.objects.get(pk=feed.pk).token == feed.token


def test_members_see_the_address_and_national_readers_do_not(feed, bob, nadia):
    assert feed.token in client_for(bob).get("/forewarning/trusts/TAH/").content.decode()
    page = client_for(nadia).get("/forewarning/trusts/TAH/").content.decode()
    assert page.count("Nursing associate intake") == 1 and feed.token not in page


def test_dtstamp_is_utc_and_the_all_day_event_ends_the_next_day(feed):
    lines = _unfold(_get(feed.token).content.decode("utf-8"))
    starts = [dt.datetime.strptime(x.rsplit(":", 1)[1], "%Y%m%d").date() for x in lines if x.startswith("DTSTART")]
    ends = [dt.datetime.strptime(x.rsplit(":", 1)[1], "%Y%m%d").date() for x in lines if x.startswith("DTEND")]
    assert [e - s for s, e in zip(starts, ends, strict=True)] == [dt.timedelta(days=1)] * len(starts)
    assert all(re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", x) for x in lines if x.startswith("DTSTAMP"))
