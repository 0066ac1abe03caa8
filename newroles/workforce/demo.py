"""Demo staff-record extracts for Sheffield (TAH) and Rotherham Doncaster and South Humber (RXE).

Two months each, generated (every person invented, see synthetic.py) and imported through the real
import path, so the pages show real-looking findings: unresolved local titles, a clinical associate
in psychology coded as a healthcare support worker, new roles under several codes, missing and
impossible bands and WTE, duplicated assignments, and figures that differ from the map's.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from django.utils import timezone

from newroles.accounts import policy
from newroles.organisations.demo import DEMO_TEAMS
from newroles.organisations.models import Trust
from newroles.workforce import services
from newroles.workforce.models import ExtractImport
from newroles.workforce.synthetic import ExtractOptions, write_extract

DEMO_ROWS = {"TAH": 2600, "RXE": 1900}
MAPPING = {
    "title": "Position Title", "job_role": "Job Role", "occupation_code": "Occupation Code",
    "staff_group": "Staff Group", "band": "Grade", "wte": "Contracted WTE", "org_unit": "Organisation",
    "cost_centre": "Cost Centre", "area_of_work": "Area of Work", "assignment_number": "Assignment Number",
}  # fmt: skip


def demo_months(today: dt.date | None = None) -> list[dt.date]:
    """The two months before this one, oldest first: the demo's extracts."""
    first = (today or timezone.localdate()).replace(day=1)
    last = (first - dt.timedelta(days=1)).replace(day=1)
    before = (last - dt.timedelta(days=1)).replace(day=1)
    return [before, last]


def load_workforce_demo(rows: dict[str, int] | None = None) -> int:
    """Import the demo extracts (once: skipped when any staff record exists). Returns the imports made."""
    if ExtractImport.objects.exists():
        return 0
    made = 0
    with tempfile.TemporaryDirectory(prefix="newroles-demo-") as folder:
        for code, count in (rows or DEMO_ROWS).items():
            trust = Trust.objects.filter(ods_code=code).first()
            if trust is None:
                continue
            teams = [name for name, *_ in DEMO_TEAMS.get(code, [])] + ["Pharmacy", "Psychology Service", "Estates"]
            for index, month in enumerate(demo_months()):
                options = ExtractOptions(
                    rows=count + 60 * index, trusts=(code,), seed=sum(map(ord, code)), row_seed=index,
                    units_per_trust=len(teams), teams=teams, titles_per_unit=40, wrong_code_rate=0.25,
                    typo_rate=0.08, bad_band_rate=0.01, bad_wte_rate=0.01, duplicate_rate=0.004,
                )  # fmt: skip
                path = write_extract(Path(folder) / f"{code}-esr-staff-in-post-{month:%Y-%m}.csv", options)
                services.import_file(
                    actor=policy.SYSTEM, trust=trust, path=path, month=month, mapping=MAPPING, filename=path.name,
                    processes=1,
                )  # fmt: skip
                made += 1
            services.remember_mapping(actor=policy.SYSTEM, trust=trust, mapping=MAPPING)
    return made
