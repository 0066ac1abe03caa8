"""Synthetic staff-in-post extracts, shaped like an ESR extract, for the demo, the tests and the benchmark.

Every person in them is invented: names come from a short list, dates of birth are random, and NI
numbers use the QQ prefix, which HMRC reserves for specimens and never issues. The roles, titles,
codes, bands and working patterns follow what real extracts look like, including their faults:
titles decorated with bands, teams and sites; abbreviations and misspellings; occupation codes and
job roles left blank or contradicting the title; missing and impossible bands and WTE; and a few
duplicated assignments.

Pure Python and polars: no Django, so the benchmark can generate a file before the database exists.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from newroles.workforce.synthetic_posts import (
    ADMIN,
    ESR_AREAS,
    ESTATES,
    FORENAMES,
    ROLE_SPECS,
    SITES,
    SURNAMES,
    TAGS,
    TEAM_WORDS,
    RoleSpec,
)

# ESR-style header names, as a trust's standard staff-in-post report spells them.
HEADERS = (
    "Org Code",
    "Organisation",
    "Cost Centre",
    "Assignment Number",
    "Employee Number",
    "Surname",
    "Forename",
    "Date of Birth",
    "NI Number",
    "Position Title",
    "Job Role",
    "Occupation Code",
    "Staff Group",
    "Area of Work",
    "Grade",
    "Contracted WTE",
    "Assignment Start Date",
)


@dataclass
class ExtractOptions:
    """How large and how messy a synthetic extract is."""

    rows: int
    trusts: Sequence[str] = ("TAH",)
    seed: int = 2026  # the trusts' organisation units and posts
    row_seed: int | None = None  # the staff in them (another month of the same trust: same seed, another row_seed)
    teams: Sequence[str] | None = None  # team names to use for the organisation units (default: TEAM_WORDS)
    units_per_trust: int | None = None  # default: grows with the rows, 20 to 400
    titles_per_unit: int = 32  # distinct decorated titles each unit uses, roughly
    typo_rate: float = 0.04
    wrong_code_rate: float = 0.06
    blank_code_rate: float = 0.15
    missing_band_rate: float = 0.01
    bad_band_rate: float = 0.003
    bad_wte_rate: float = 0.004
    duplicate_rate: float = 0.002
    extra_titles: dict[str, Sequence[str]] = field(default_factory=dict)  # slug ("" = none) -> more base titles


def _typo(rng: random.Random, title: str) -> str:
    """One realistic slip: a swapped pair, a dropped or a doubled letter, in a word of five or more."""
    words = title.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long_words:
        return title
    i = rng.choice(long_words)
    word = words[i]
    j = rng.randrange(1, len(word) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        word = word[:j] + word[j + 1] + word[j] + word[j + 2 :]
    elif kind == 1:
        word = word[:j] + word[j + 1 :]
    else:
        word = word[:j] + word[j] + word[j:]
    words[i] = word
    return " ".join(words)


def _coding(rng: random.Random, spec: RoleSpec, options: ExtractOptions) -> tuple[str, str]:
    """A post's (job role, occupation code): usually the role's own, sometimes blank or wrong."""
    roll = rng.random()
    if roll < options.wrong_code_rate and spec.wrong_codes:
        return rng.choice(spec.wrong_codes)
    if roll < options.wrong_code_rate + options.blank_code_rate:
        return "", ""
    return rng.choice(spec.job_roles), rng.choice(spec.codes)


def _decorate(rng: random.Random, title: str, team: str, band: str, cost_centre: str) -> str:
    """A title as a trust's position list might hold it: with a team, site, band, cost centre or tag."""
    roll = rng.random()
    if roll < 0.08:
        out = f"{title} {cost_centre}"
    elif roll < 0.30:
        out = f"{title} - {team}"
    elif roll < 0.42:
        out = f"{title}, {rng.choice(SITES)}"
    elif roll < 0.52 and band not in {"medical", ""}:
        out = rng.choice((f"Band {band} {title}", f"{title} Band {band}", f"{title} (B{band})"))
    elif roll < 0.58:
        out = f"{title} {rng.choice(TAGS)}"
    elif roll < 0.64:
        out = f"{title} - {team} - {rng.choice(SITES)}"
    elif roll < 0.70:
        out = f"{title} ({team})"
    else:
        out = title
    roll = rng.random()
    if roll < 0.05:
        out = out.upper()
    elif roll < 0.08:
        out = out.lower()
    return out


def _grade(rng: random.Random, band: str) -> str:
    if band == "medical":
        return rng.choice(("Consultant", "Specialty Doctor", "Specialty Registrar", "Core Training", "XN34"))
    if band.startswith("8"):
        return rng.choice((f"Band 8 - Range {band[1].upper()}", f"Band {band.upper()}"))
    return rng.choice((f"Band {band}", f"Band {band}", f"AfC Band {band}", band))


def generate(options: ExtractOptions) -> pl.DataFrame:
    """The extract as a data frame of strings, columns as in HEADERS."""
    rng = random.Random(options.seed)
    n = options.rows
    team_words = tuple(options.teams or TEAM_WORDS)
    specs = list(ROLE_SPECS)
    weights = [s.weight for s in specs]
    trusts = list(options.trusts)
    per_trust = max(1, n // len(trusts))
    units_per_trust = options.units_per_trust or max(20, min(400, per_trust // 400))

    # Organisation units: "TAH 349 Maple Ward" with a cost centre and an area of work.
    units: list[tuple[str, str, str, str, str]] = []  # (trust, organisation, cost centre, area, team)
    for trust in trusts:
        for u in range(units_per_trust):
            team = team_words[u % len(team_words)]
            number = 100 + u
            area = ESR_AREAS[0] if "CAMHS" not in team and "MHST" not in team else ESR_AREAS[2]
            units.append((trust, f"{trust} {number} {team}", f"{number}{rng.randrange(100, 999)}", area, team))

    # Each unit has a fixed list of posts (a decorated title with its job role and occupation code), so
    # distinct titles grow with the units, as in life; a few rows deviate from their post's coding.
    unit_posts: list[list[tuple[RoleSpec, str, str, str, str]]] = []
    for _, _, cost_centre, _, team in units:
        posts: list[tuple[RoleSpec, str, str, str, str]] = []
        for _ in range(options.titles_per_unit):
            spec = specs[rng.choices(range(len(specs)), weights)[0]]
            base = rng.choice((*spec.titles, *options.extra_titles.get(spec.slug, ())))
            if rng.random() < options.typo_rate:
                base = _typo(rng, base)
            band = rng.choice(spec.bands)
            title = _decorate(rng, base, team, band, cost_centre)
            job_role, code = _coding(rng, spec, options)
            posts.append((spec, title, job_role, code, band))
        unit_posts.append(posts)

    if options.row_seed is not None:
        rng = random.Random(options.row_seed)
    columns: dict[str, list[str]] = {h: [] for h in HEADERS}
    person = 10_000_000 + rng.randrange(1_000_000)
    last = options.titles_per_unit - 1
    for i in range(n):
        unit_index = rng.randrange(len(units))
        trust, organisation, cost_centre, area, _ = units[unit_index]
        # Commoner posts dominate each unit: the first posts of its list are used most.
        spec, title, job_role, code, band = unit_posts[unit_index][min(int(rng.expovariate(0.15)), last)]
        roll = rng.random()
        if roll < 0.05:
            job_role, code = _coding(rng, spec, options)
        elif roll < 0.15:
            band = rng.choice(spec.bands)  # the same post at another band (a trainee, a protected grade)
        roll = rng.random()
        if roll < options.missing_band_rate:
            grade = ""
        elif roll < options.missing_band_rate + options.bad_band_rate:
            grade = rng.choice(("Band 10", "N/A", "TBC", "Grade X"))
        else:
            grade = _grade(rng, band)
        roll = rng.random()
        if roll < options.bad_wte_rate:
            wte = rng.choice(("", "0", "37.5", "-1"))
        else:
            wte = rng.choice(("1.00", "1.00", "1.00", "0.80", "0.60", "0.50", "0.40", "1.00", "0.93"))
        person += 1
        if i and rng.random() < options.duplicate_rate:
            assignment = columns["Assignment Number"][-1]  # the extract repeated the row before
        else:
            assignment = f"{person}-{rng.choice((1, 1, 1, 2))}"
        columns["Org Code"].append(trust)
        columns["Organisation"].append(organisation)
        columns["Cost Centre"].append(cost_centre)
        columns["Assignment Number"].append(assignment)
        columns["Employee Number"].append(str(person))
        columns["Surname"].append(rng.choice(SURNAMES))
        columns["Forename"].append(rng.choice(FORENAMES))
        columns["Date of Birth"].append(
            f"{rng.randrange(1960, 2004)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        )
        columns["NI Number"].append(f"QQ{rng.randrange(100000, 999999)}{rng.choice('ABCD')}")
        columns["Position Title"].append(title)
        columns["Job Role"].append(job_role)
        columns["Occupation Code"].append(code)
        columns["Staff Group"].append(spec.staff_group if spec.slug else rng.choice((ADMIN, ADMIN, ESTATES)))
        columns["Area of Work"].append(area)
        columns["Grade"].append(grade)
        columns["Contracted WTE"].append(wte)
        columns["Assignment Start Date"].append(f"{rng.randrange(2000, 2026)}-{rng.randrange(1, 13):02d}-01")
    return pl.DataFrame(columns, schema=dict.fromkeys(HEADERS, pl.String))


def write_xlsx(path: str | Path, frame: pl.DataFrame) -> Path:
    """Write a frame as an XLSX workbook with openpyxl (polars' own writer needs xlsxwriter, not installed)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Staff in post")
    sheet.append(frame.columns)
    for row in frame.iter_rows():
        sheet.append(list(row))
    workbook.save(path)
    return Path(path)


def write_extract(path: str | Path, options: ExtractOptions, *, file_format: str = "csv") -> Path:
    """Write a synthetic extract as CSV (UTF-8) or XLSX and return its path."""
    path = Path(path)
    frame = generate(options)
    if file_format == "xlsx":
        write_xlsx(path, frame)
    else:
        frame.write_csv(path)
    return path
