"""`newroles funding warnings`: every warning, or one trust's, as JSON for scripts or a table for people."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.core.management import CommandError, call_command

from newroles.funding.tests.conftest import fund
from newroles.funding.warnings import WARNING_KINDS

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("funding", "warnings", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def funded(peer, rotherham_peer):  # type: ignore[no-untyped-def]
    sheffield = fund(peer, funding_type="time_limited", end_date=dt.date(2026, 9, 30), covers_backfill=True,
                     covers_supervision=True, covers_support=True)  # fmt: skip
    fund(rotherham_peer, covers_backfill=True, covers_supervision=True)
    return sheffield


def test_json_lists_every_warning_with_counts_by_kind(funded, peer):
    data = json.loads(run("--format", "json", "--today", "2026-06-15"))
    assert data["today"] == "2026-06-15"
    assert [(w["trust"], w["kind"]) for w in data["warnings"]] == [
        ("RXE", "no_support"),
        ("TAH", "cliff_6"),
        ("TAH", "ends_mid_year"),
    ]
    cliff = data["warnings"][1]
    assert cliff["deployment_id"] == peer.pk and cliff["line_id"] == funded.pk
    assert cliff["url"] == f"/funding/lines/{funded.pk}/"
    assert cliff["message"].startswith("ICB North (time-limited), £40,000 a year from ICB North, ends on 30 September")
    assert data["counts"]["cliff_6"] == 1 and data["counts"]["joint_dependency"] == 0 and data["total"] == 3
    assert list(data["counts"]) == list(WARNING_KINDS)


def test_one_trusts_warnings_as_a_table(funded):
    out = run("--trust", "tah", "--today", "2026-06-15")
    assert "Funding ends within 6 months with nothing after it" in out and "Peer Worker" in out
    assert "RXE" not in out
    assert "TOTAL" in out and "│        2 │" in out


def test_an_unknown_trust_or_date_is_an_error(funded):
    with pytest.raises(CommandError, match="No trust has the ODS code ZZZ"):
        run("--trust", "ZZZ")
    with pytest.raises(CommandError):
        call_command("funding", "warnings", "--today", "15/06/2026", stdout=io.StringIO())
