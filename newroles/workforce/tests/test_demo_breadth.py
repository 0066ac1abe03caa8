"""The demo's breadth: six months for a dozen more trusts, and earlier months for the first two."""

from __future__ import annotations

import pytest

from newroles.organisations.models import Trust
from newroles.workforce import demo_breadth
from newroles.workforce.demo import load_workforce_demo
from newroles.workforce.models import ExtractImport

pytestmark = pytest.mark.django_db


def test_six_months_for_fourteen_trusts_six_in_one_region(sheffield, rotherham, monkeypatch) -> None:
    monkeypatch.setattr(demo_breadth, "ROWS_PER_TRUST", 60)
    monkeypatch.setattr(demo_breadth, "DEMO_ROWS", {"TAH": 300, "RXE": 250})
    load_workforce_demo({"TAH": 300, "RXE": 250})
    assert demo_breadth.load_breadth_demo() == 4 * 2 + 6 * len(demo_breadth.MORE_TRUSTS)
    current = ExtractImport.objects.filter(is_current=True, status=ExtractImport.DONE)
    months = demo_breadth.demo_months()
    by_trust: dict[int, set] = {}
    for trust_id, month in current.values_list("trust_id", "month"):
        by_trust.setdefault(trust_id, set()).add(month)
    assert len(by_trust) == 14 and all(m == set(months) for m in by_trust.values())
    region = Trust.objects.filter(pk__in=by_trust, region__code="Y63").count()
    assert region >= 5
    assert demo_breadth.load_breadth_demo() == 0  # once
