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

# ESR staff groups (the extract's own spelling, not the NWD staff groups of the catalogue).
NURSING = "Nursing and Midwifery Registered"
ADDITIONAL = "Additional Clinical Services"
MEDICAL = "Medical and Dental"
AHP = "Allied Health Professionals"
SCIENTIFIC = "Add Prof Scientific and Technic"
ADMIN = "Administrative and Clerical"
ESTATES = "Estates and Ancillary"
STUDENTS = "Students"


@dataclass(frozen=True)
class RoleSpec:
    """How one kind of post appears in an extract: its titles, codes, staff group and bands."""

    slug: str  # the role the titles mean ("" for posts that are no catalogue role)
    weight: float  # share of staff
    titles: tuple[str, ...]
    job_roles: tuple[str, ...]
    codes: tuple[str, ...]
    staff_group: str
    bands: tuple[str, ...]
    wrong_codes: tuple[tuple[str, str], ...] = ()  # (job role, occupation code) recorded in error


ROLE_SPECS: tuple[RoleSpec, ...] = (
    RoleSpec(
        "mental_health_nurse",
        24,
        (
            "Staff Nurse",
            "Registered Mental Health Nurse",
            "RMN",
            "Community Psychiatric Nurse",
            "CPN",
            "Charge Nurse",
            "Ward Manager",
            "Deputy Ward Manager",
            "Clinical Nurse Specialist",
            "Sister",
            "Community Mental Health Nurse",
            "Registerd Mental Health Nurse",
            "Staff Nurse (Bank)",
            "Modern Matron",
        ),
        ("Staff Nurse", "Sister/Charge Nurse", "Modern Matron", "Nurse Manager", "Specialist Nurse Practitioner"),
        ("N0D", "N4D", "N6D", "N6E", "NCD"),
        NURSING,
        ("5", "5", "6", "6", "6", "7", "8a"),
    ),
    RoleSpec(
        "healthcare_support_worker",
        22,
        (
            "Healthcare Support Worker",
            "Healthcare Assistant",
            "HCA",
            "HCSW",
            "Nursing Assistant",
            "Senior Healthcare Assistant",
            "Clinical Support Worker",
            "Mental Health Support Worker",
            "Support Worker",
            "Nursing Assistant (Bank)",
            "Health Care Assistant",
        ),
        ("Healthcare Assistant", "Support Worker", "Nursing Assistant/Auxiliary"),
        ("H1D", "H2D", "N9D", "N9E"),
        ADDITIONAL,
        ("2", "3", "3", "3"),
    ),
    RoleSpec(
        "psychiatrist",
        5,
        (
            "Consultant Psychiatrist",
            "Specialty Doctor - Psychiatry",
            "Specialty Registrar - General Adult Psychiatry",
            "CT2 Psychiatry",
            "ST4 Old Age Psychiatry",
            "Consultant Psychiatrist - Older Adults",
            "Locum Consultant Psychiatrist",
        ),
        ("Consultant", "Specialty Registrar", "Specialty Doctor", "Core Training"),
        ("051", "052", "053", "054", "055"),
        MEDICAL,
        ("medical",),
    ),
    RoleSpec(
        "clinical_psychologist",
        3,
        (
            "Clinical Psychologist",
            "Senior Clinical Psychologist",
            "Principal Clinical Psychologist",
            "Consultant Clinical Psychologist",
            "Clin Psychologist",
            "Clinical Pyschologist",
        ),
        ("Clinical Psychologist", "Consultant Clinical Psychologist"),
        ("S1L", "S2L", "SAL"),
        SCIENTIFIC,
        ("7", "8a", "8a", "8b", "8c"),
    ),
    RoleSpec(
        "occupational_therapist",
        4,
        (
            "Occupational Therapist",
            "Senior Occupational Therapist",
            "OT",
            "Occupational Therapist - Band 6",
            "Occupatinal Therapist",
        ),
        ("Occupational Therapist",),
        ("S1C", "S0C"),
        AHP,
        ("5", "6", "6", "7"),
    ),
    RoleSpec(
        "social_worker",
        2.5,
        ("Social Worker", "Senior Social Worker", "Mental Health Social Worker", "Social Worker (AMHP)"),
        ("Social Worker",),
        ("S1U", "S0U"),
        SCIENTIFIC,
        ("6", "6", "7"),
    ),
    RoleSpec(
        "assistant_psychologist",
        2,
        ("Assistant Psychologist", "Asst Psychologist", "Psychology Assistant"),
        ("Assistant Psychologist",),
        ("S9L",),
        SCIENTIFIC,
        ("4", "5"),
    ),
    RoleSpec(
        "pharmacist",
        1,
        ("Clinical Pharmacist", "Pharmacist", "Lead Pharmacist - Mental Health"),
        ("Pharmacist",),
        ("S2P", "SAP"),
        SCIENTIFIC,
        ("7", "8a", "8b"),
    ),
    RoleSpec(
        "cbt_therapist",
        1.5,
        ("CBT Therapist", "High Intensity Therapist", "Cognitive Behavioural Psychotherapist", "HI CBT Therapist"),
        ("Therapist",),
        ("S1X",),
        SCIENTIFIC,
        ("7", "7", "8a"),
    ),
    RoleSpec(
        "peer_support_worker",
        2.2,
        (
            "Peer Support Worker",
            "PSW",
            "Peer Worker",
            "Senior Peer Support Worker",
            "Peer Mentor",
            "Peer Supporter",
            "Lived Experience Practitioner",
            "Peer Support Wroker",
            "Peer Recovery Worker",
        ),
        ("Support Worker", "Healthcare Assistant", ""),
        ("H1D", "H2D", "N9D", ""),
        ADDITIONAL,
        ("3", "4", "4", "5"),
    ),
    RoleSpec(
        "nursing_associate",
        2,
        (
            "Nursing Associate",
            "Registered Nursing Associate",
            "Trainee Nursing Associate",
            "TNA",
            "Nurse Associate",
            "Nursing Associate (Bank)",
        ),
        ("Nursing Associate", "Trainee Nursing Associate"),
        ("NGD", "NGE", "NHD", "NHE"),
        NURSING,
        ("3", "4", "4"),
        wrong_codes=(("Healthcare Assistant", "N9D"), ("Staff Nurse", "N6D")),
    ),
    RoleSpec(
        "mental_health_practitioner",
        1.6,
        (
            "Mental Health Practitioner",
            "MHP",
            "Mental Health Practitioner - Primary Care",
            "Senior Mental Health Practitioner",
        ),
        ("Staff Nurse", "Social Worker", "Occupational Therapist", ""),
        ("N6D", "S1U", "S1C", ""),
        NURSING,
        ("6", "6", "7"),
    ),
    RoleSpec(
        "clinical_associate_in_psychology",
        0.7,
        (
            "Clinical Associate in Psychology",
            "Clinical Associate Psychologist",
            "CAP",
            "Trainee Clinical Associate Psychologist",
        ),
        ("Therapist", ""),
        ("S1L", ""),
        SCIENTIFIC,
        ("5", "6"),
        wrong_codes=(("Healthcare Assistant", "H1D"), ("Support Worker", "N9D")),
    ),
    RoleSpec(
        "physician_associate",
        0.5,
        (
            "Physician Associate",
            "Physician Associate - Psychiatry",
            "PA - Inpatient Psychiatry",
            "Physicians Associate",
        ),
        ("Physician Associate",),
        ("S1X", ""),
        SCIENTIFIC,
        ("7", "7", "8a"),
    ),
    RoleSpec(
        "advanced_practitioner",
        0.8,
        (
            "Advanced Clinical Practitioner",
            "ACP",
            "Advanced Nurse Practitioner",
            "Trainee Advanced Clinical Practitioner",
        ),
        ("Advanced Practitioner", "Staff Nurse", ""),
        ("N6D", ""),
        NURSING,
        ("7", "8a", "8a"),
    ),
    RoleSpec(
        "mental_health_wellbeing_practitioner",
        0.6,
        ("Mental Health Wellbeing Practitioner", "MHWP", "Trainee Mental Health Wellbeing Practitioner"),
        ("Therapist", ""),
        ("",),
        SCIENTIFIC,
        ("4", "5"),
    ),
    RoleSpec(
        "psychological_wellbeing_practitioner",
        1.2,
        ("Psychological Wellbeing Practitioner", "PWP", "Trainee PWP", "Senior PWP"),
        ("Therapist", ""),
        ("",),
        SCIENTIFIC,
        ("4", "5", "6"),
    ),
    RoleSpec(
        "education_mental_health_practitioner",
        0.6,
        ("Education Mental Health Practitioner", "EMHP", "Trainee Educational Mental Health Practitioner"),
        ("Therapist", ""),
        ("",),
        SCIENTIFIC,
        ("4", "5"),
    ),
    RoleSpec(
        "childrens_wellbeing_practitioner",
        0.4,
        ("Children's Wellbeing Practitioner", "CWP", "Childrens Wellbeing Practitioner"),
        ("Therapist", ""),
        ("",),
        SCIENTIFIC,
        ("4", "5"),
    ),
    RoleSpec(
        "support_time_recovery_worker",
        1,
        ("Support Time Recovery Worker", "STR Worker", "Support, Time and Recovery Worker"),
        ("Support, Time, Recovery Worker", "Support Worker"),
        ("H1D", "N9D"),
        ADDITIONAL,
        ("3", "4"),
    ),
    RoleSpec(
        "multi_professional_approved_clinician",
        0.15,
        ("Multi-Professional Approved Clinician", "Non-Medical Responsible Clinician", "MPAC"),
        ("Consultant Nurse", ""),
        ("NAD", ""),
        NURSING,
        ("8a", "8b"),
    ),
    RoleSpec(
        "nurse_consultant",
        0.2,
        ("Nurse Consultant", "Consultant Nurse"),
        ("Nurse Consultant",),
        ("NAD", "NAE"),
        NURSING,
        ("8a", "8b"),
    ),
    RoleSpec(
        "social_prescribing_link_worker",
        0.2,
        ("Social Prescribing Link Worker", "Link Worker", "Social Prescriber"),
        ("Support Worker", ""),
        ("",),
        ADMIN,
        ("4", "5"),
    ),
    RoleSpec(
        "",
        16,
        (
            "Administrator",
            "Medical Secretary",
            "Team Administrator",
            "Ward Clerk",
            "Receptionist",
            "Team Manager",
            "Service Manager",
            "Domestic Assistant",
            "Porter",
            "HR Advisor",
            "Finance Officer",
            "Information Analyst",
            "Activity Coordinator",
            "Housekeeper",
            "Employment Specialist",
            "Care Coordinator",
            "Practitioner",
            "Clinician",
            "Recovery Navigator",
            "Wellbeing Lead",
            "Sensory Integration Specialist",
            "Bank Staff",
        ),
        ("Administrator", "Clerical Worker", "Manager", "Domestic", "Porter", "Technician", "Support Worker"),
        ("G0A", "G2A", "G4A", "G1A", "G3A", ""),
        ADMIN,
        ("2", "3", "4", "5", "6", "7"),
    ),
)

ESR_AREAS = ("Mental Health", "Psychiatry", "Child and Adolescent Mental Health", "Learning Disabilities", "Other")
TEAM_WORDS = (
    "Maple Ward",
    "Oak Ward",
    "Ash Ward",
    "Willow Ward",
    "Cedar Ward",
    "Rowan Ward",
    "Birch Ward",
    "Elm Ward",
    "CMHT North",
    "CMHT South",
    "CMHT East",
    "CMHT West",
    "Crisis Team",
    "Home Treatment Team",
    "EIP Team",
    "Perinatal Team",
    "Liaison Psychiatry",
    "Memory Service",
    "Eating Disorders",
    "PICU",
    "Forensic Outreach",
    "Talking Therapies",
    "MHST",
    "CAMHS",
    "Rehab Unit",
    "Older Adults CMHT",
    "Assertive Outreach",
    "Street Triage",
    "Psychology Service",
    "Pharmacy",
    "Estates",
    "Finance",
    "Health Records",
    "Workforce",
)
SITES = (
    "Northern General",
    "Longley Centre",
    "Michael Carlisle Centre",
    "Forest Close",
    "Woodland View",
    "Tickhill Road",
    "Swallownest Court",
    "St Catherine's",
    "Hawthorn House",
    "The Beeches",
    "Riverside",
)
TAGS = ("(Bank)", "(FTC)", "(Secondment)", "- Bank", "(Mat Cover)", "(Rotational)", "- Nights", "(Acting)")
SURNAMES = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Patel",
    "Khan",
    "Robinson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
)
FORENAMES = (
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Noah",
    "Oliver",
    "George",
    "Arthur",
    "Muhammad",
    "Leo",
    "Harry",
    "Sophie",
    "Grace",
    "Jack",
    "Aisha",
    "Priya",
    "Tom",
    "Ellie",
    "Sam",
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
