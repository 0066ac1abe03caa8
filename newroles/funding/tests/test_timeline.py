"""The funding timeline: a bar per line, recurrent lines drawn to the horizon, today marked, and the table."""

from __future__ import annotations

import datetime as dt

import pytest

from newroles.funding import warnings
from newroles.funding.models import FundingLine
from newroles.funding.tests.conftest import TODAY, fund
from newroles.funding.timeline import funding_timeline

pytestmark = pytest.mark.django_db


def test_the_timeline_draws_every_line_and_lists_it_with_its_warnings(peer):
    ending = fund(peer, name="Pilot money", funding_type="time_limited", end_date=dt.date(2026, 9, 30))
    fund(peer, name="Pilot money", start_date=dt.date(2026, 11, 1))  # the same name: kept apart on the chart
    lines = list(FundingLine.objects.select_related("deployment__role", "trust").prefetch_related("shares"))
    found = warnings.for_lines(lines, today=TODAY)
    timeline = funding_timeline(lines, found, today=TODAY, trust_name="Sheffield")
    svg = str(timeline["svg"])
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert 'aria-label="Timeline of Sheffield&#x27;s funding lines' in svg
    assert "Today" in svg and "Recurrent" in svg and "Time-limited" in svg
    assert [row.label for row in timeline["rows"]] == ["Peer Worker: Pilot money", "Peer Worker: Pilot money (2)"]
    first = timeline["rows"][0]
    assert first.line == ending and first.ends_text == "30 September 2026"
    assert [w.kind for w in first.warnings] == [warnings.CLIFF_6, warnings.ENDS_MID_YEAR]
    assert timeline["rows"][1].ends_text == "Recurrent: no end date"


def test_no_lines_no_chart():
    assert funding_timeline([], {}, today=TODAY, trust_name="Sheffield") == {"svg": None, "rows": []}
