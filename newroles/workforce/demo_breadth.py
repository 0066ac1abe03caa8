"""More demo staff records: six months for more trusts, so national, regional and trend pages show figures.

With Sheffield (TAH) and Rotherham Doncaster and South Humber (RXE) alone, a national total minus one's
own trust gives the other away, so most national and regional figures are stars, and a trend has two
months. This adds, after `demo.load_workforce_demo` has imported those two trusts' last two months:

- four earlier months for each of them, from the same organisation units and posts (their extracts'
  `seed`), a little smaller the further back, as a trust growing slowly;
- six months of one national extract for twelve more trusts, six of them in the same region (North East
  and Yorkshire, Y63), so a region's pages hold figures from several trusts.

Every extract is synthetic (see synthetic.py: invented people, the roles' typical bands and codes, the
usual coding faults) and imported through the real import path, a national extract as an administrator
would import it. Rows are kept small (about 700 staff for each of the other trusts) so the demo loads quickly.

An earlier month is the newest month's extract with some rows left out (about 1.5% a month, at random):
generating an extract row by row is the slow part, so each is generated once and thinned for the months
before it, which is also how a slowly growing workforce looks from month to month.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import polars as pl
from django.utils import timezone

from newroles.accounts import policy
from newroles.organisations.demo import DEMO_TEAMS
from newroles.organisations.models import Trust
from newroles.workforce import services
from newroles.workforce.demo import DEMO_ROWS, MAPPING
from newroles.workforce.models import ExtractImport
from newroles.workforce.synthetic import ExtractOptions, generate

MONTHS = 6
# Twelve more trusts: four in Sheffield's and Rotherham's region (Y63) and eight elsewhere.
MORE_TRUSTS = ("TAD", "RX4", "RGD", "RXG", "RVN", "RRP", "RWX", "RXT", "RT1", "RXA", "RWK", "RYG")
ROWS_PER_TRUST = 700
NATIONAL_MAPPING = {**MAPPING, "trust_code": "Org Code"}


def demo_months(count: int = MONTHS, today: dt.date | None = None) -> list[dt.date]:
    """The `count` months before this one, oldest first (the last two are `demo.demo_months()`)."""
    month = (today or timezone.localdate()).replace(day=1)
    out = []
    for _ in range(count):
        month = (month - dt.timedelta(days=1)).replace(day=1)
        out.append(month)
    return out[::-1]


def load_breadth_demo() -> int:
    """Import the earlier months and the other trusts' extracts (once: skipped when any trust beyond the
    first two, or any earlier month, has a staff record). Returns the imports made."""
    months = demo_months()
    earlier = months[:-2]
    if (
        ExtractImport.objects.filter(month__lt=months[-2]).exists()
        or ExtractImport.objects.filter(trust__ods_code__in=MORE_TRUSTS).exists()
    ):
        return 0
    made = 0
    with tempfile.TemporaryDirectory(prefix="newroles-demo-") as folder:
        made += _earlier_months(Path(folder), earlier)
        made += _more_trusts(Path(folder), months)
    return made


def _thinned(frame: pl.DataFrame, months_back: int, seed: int) -> pl.DataFrame:
    """The extract as it might have been `months_back` months earlier: about 1.5% fewer staff a month.

    Without the assignment start dates (a column many staff-in-post reports leave out): checking a file's
    dates for dates of birth, as every upload is checked, was most of these imports' time.
    """
    frame = frame.drop("Assignment Start Date")
    if months_back == 0:
        return frame
    return frame.sample(fraction=max(0.5, 1 - 0.015 * months_back), seed=seed + months_back, shuffle=False)


def _earlier_months(folder: Path, months: list[dt.date]) -> int:
    """The demo's two trusts, months before the two `load_workforce_demo` imported: the same units and posts."""
    made = 0
    for code, count in DEMO_ROWS.items():
        trust = Trust.objects.filter(ods_code=code).first()
        if trust is None or not ExtractImport.objects.filter(trust=trust).exists():
            continue
        teams = [name for name, *_ in DEMO_TEAMS.get(code, [])] + ["Pharmacy", "Psychology Service", "Estates"]
        options = ExtractOptions(
            rows=count, trusts=(code,), seed=sum(map(ord, code)), row_seed=100, units_per_trust=len(teams),
            teams=teams, titles_per_unit=40, wrong_code_rate=0.25, typo_rate=0.08, bad_band_rate=0.01,
            bad_wte_rate=0.01, duplicate_rate=0.004,
        )  # fmt: skip
        frame = generate(options)
        for back, month in enumerate(reversed(months), start=1):
            path = folder / f"{code}-esr-staff-in-post-{month:%Y-%m}.csv"
            _thinned(frame, back, seed=len(code)).write_csv(path)
            services.import_file(
                actor=policy.SYSTEM, trust=trust, path=path, month=month, mapping=MAPPING, filename=path.name,
                processes=1,
            )  # fmt: skip
            made += 1
    return made


def _more_trusts(folder: Path, months: list[dt.date]) -> int:
    """One national extract a month for the other trusts, each trust's units and posts the same every month."""
    codes = tuple(c for c in MORE_TRUSTS if Trust.objects.filter(ods_code=c).exists())
    if not codes:
        return 0
    options = ExtractOptions(
        rows=ROWS_PER_TRUST * len(codes), trusts=codes, seed=6326, row_seed=200, units_per_trust=8,
        titles_per_unit=24, wrong_code_rate=0.15, typo_rate=0.05,
    )  # fmt: skip
    frame = generate(options)
    made = 0
    # Newest first: the map takes its figures from a trust's latest month only, so it is updated once.
    for back, month in enumerate(reversed(months)):
        path = folder / f"national-esr-staff-in-post-{month:%Y-%m}.csv"
        _thinned(frame, back, seed=6326).write_csv(path)
        result = services.run_national_import(
            actor=policy.SYSTEM, path=path, filename=path.name, month=month, mapping=NATIONAL_MAPPING, processes=1
        )
        made += len(result.imports)
    return made
