"""The demo's staff record: two months for two trusts, imported through the real path, with findings to show."""

from __future__ import annotations

import pytest

from newroles.workforce import quality, services
from newroles.workforce.demo import demo_months, load_workforce_demo
from newroles.workforce.models import ExtractImport, StaffRecordSuggestion

pytestmark = pytest.mark.django_db


def test_the_demo_imports_two_months_for_tah_and_rxe(sheffield, rotherham) -> None:
    assert load_workforce_demo({"TAH": 400, "RXE": 300}) == 4
    imports = ExtractImport.objects.filter(is_current=True)
    assert sorted((i.trust.ods_code, i.month) for i in imports) == sorted(
        (code, month) for code in ("TAH", "RXE") for month in demo_months()
    )
    assert all(i.status == ExtractImport.DONE and i.summary["assignment_checked"] for i in imports)
    report = quality.report([sheffield.pk], demo_months()[-1])
    found = {f.key: f.count for f in report.findings}
    assert found["unresolved"] > 0 and found["band_missing"] + found["band_unreadable"] > 0
    assert report.previous_month == demo_months()[0]
    assert services.titles_to_resolve(sheffield)
    assert StaffRecordSuggestion.objects.filter(trust=sheffield).exists()
    assert load_workforce_demo() == 0  # once
