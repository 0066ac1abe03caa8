"""The data-quality report: where a trust's staff-record coding is erratic, month by month.

Every finding is computed from the stored aggregates (titles and counts), so it describes titles and
codes, never people: each comes with the number of staff affected and example titles. Shown outside
the trust, counts below the small-count threshold are suppressed and examples are the cleaned titles
(team, ward and site suffixes removed) rather than the titles as written.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from newroles.organisations.models import Trust
from newroles.roles.models import ESTABLISHED, Role
from newroles.workforce.models import ExtractImport, ExtractTitle, TitleDecision
from newroles.workforce.services import previous_month

EXAMPLES = 5


@dataclass
class Example:
    """One example behind a finding: a title (or a role, for coding spread), its staff and what is wrong."""

    text: str
    count: int
    detail: str = ""
    is_title: bool = True  # False for a role's name (coding spread)
    by_trust: dict[int, int] = field(default_factory=dict)  # so a national example's count is protected


@dataclass
class Finding:
    """One kind of data-quality problem in a month: staff affected, examples, and last month's count."""

    key: str
    label: str
    explanation: str
    count: int = 0
    examples: list[Example] = field(default_factory=list)
    previous: int | None = None
    checked: bool = True  # False when the extract lacked what the check needs (an assignment number column)
    note: str = ""
    by_trust: dict[int, int] = field(default_factory=dict)
    previous_by_trust: dict[int, int] = field(default_factory=dict)
    # The trusts that sent both months: the previous count, and so the change, covers these alone.
    compared: frozenset[int] = frozenset()

    @property
    def compared_by_trust(self) -> dict[int, int]:
        """This month's count of the compared trusts, trust by trust."""
        return {t: self.by_trust.get(t, 0) for t in self.compared}

    @property
    def others_by_trust(self) -> dict[int, int]:
        """This month's count of the trusts left out of the comparison (they did not send the previous month)."""
        return {t: n for t, n in self.by_trust.items() if t not in self.compared}

    @property
    def change(self) -> int | None:
        """The change since the previous month over the trusts that sent both: a trust that joins or
        leaves does not show up as a change."""
        return None if self.previous is None else sum(self.compared_by_trust.values()) - self.previous


# (key, label, explanation); SHORT_LABELS name the findings where space is short (table headers).
DEFINITIONS: list[tuple[str, str, str]] = [
    (
        "coding_spread",
        "One role under several job roles or occupation codes",
        "Staff the normaliser placed in one new role, recorded under more than one ESR job role or NHS "
        "occupation code. ESR does not link title, job role and occupation code, so any combination can be entered.",
    ),
    (
        "code_conflict",
        "Codes that contradict titles",
        "The occupation code or job role names another kind of post than the title, for example a clinical "
        "associate in psychology coded as a healthcare support worker.",
    ),
    (
        "unresolved",
        "Titles that resolve to no role",
        "Titles the normaliser could not match to a catalogue role with confidence, and the trust has not decided.",
    ),
    ("band_missing", "Missing band", "Staff with no grade or pay band."),
    (
        "band_unreadable",
        "Band that is not an Agenda for Change band",
        "Grades that are neither a band nor a medical grade.",
    ),
    (
        "band_outside",
        "Band outside the role's range",
        "Staff in a catalogue role at a band outside the role's usual range.",
    ),
    ("wte_missing", "Missing WTE", "Staff with no contracted WTE."),
    ("wte_impossible", "Impossible WTE", "WTE of 0 or less, or more than 1.5: left out of the WTE totals."),
    ("duplicates", "Duplicate assignments", "Rows whose assignment number appears more than once in the extract."),
]  # fmt: skip


SHORT_LABELS = {
    "coding_spread": "Several codes",
    "code_conflict": "Code conflicts",
    "unresolved": "No role",
    "band_missing": "No band",
    "band_unreadable": "Unreadable band",
    "band_outside": "Band out of range",
    "wte_missing": "No WTE",
    "wte_impossible": "Impossible WTE",
    "duplicates": "Duplicates",
}


def _title_text(title: dict[str, Any], outside: bool) -> str:
    if outside:
        return title["cleaned"] or "(no title)"
    return title["title"] or "(no title)"


def _examples(
    counter: Counter[str], details: dict[str, str] | None = None, trusts: dict[str, Counter[int]] | None = None
) -> list[Example]:
    return [
        Example(text, count, (details or {}).get(text, ""), by_trust=dict((trusts or {}).get(text, {})))
        for text, count in counter.most_common(EXAMPLES)
    ]


def _month_findings(trust_ids: Sequence[int], month: dt.date, *, outside: bool) -> dict[str, Finding]:
    """Each finding for the trusts' month (one trust for a trust's report, many for the national one)."""
    findings = {key: Finding(key, label, explanation) for key, label, explanation in DEFINITIONS}
    imports = list(ExtractImport.objects.filter(trust_id__in=trust_ids, month=month, is_current=True))
    if not imports:
        return findings
    findings["duplicates"].checked = any(i.summary.get("assignment_checked") for i in imports)
    roles = Role.objects.in_bulk()
    not_new = set(TitleDecision.objects.filter(trust_id__in=trust_ids, outcome=TitleDecision.NOT_NEW)
                  .values_list("trust_id", "key"))  # fmt: skip
    titles = ExtractTitle.objects.filter(trust_id__in=trust_ids, month=month, extract__is_current=True).values(
        "trust_id", "title", "cleaned", "job_role", "occupation_code", "role_id", "code_conflict", "headcount",
        "band_missing", "band_unreadable", "band_outside", "wte_missing", "wte_impossible", "duplicate_rows",
    )  # fmt: skip
    example_counts: dict[str, Counter[str]] = defaultdict(Counter)
    example_details: dict[str, dict[str, str]] = defaultdict(dict)
    example_trusts: dict[str, dict[str, Counter[int]]] = defaultdict(lambda: defaultdict(Counter))

    def add(key: str, title: dict[str, Any], count: int, detail: str = "") -> None:
        if count <= 0:
            return
        finding = findings[key]
        finding.count += count
        finding.by_trust[title["trust_id"]] = finding.by_trust.get(title["trust_id"], 0) + count
        text = _title_text(title, outside)
        example_counts[key][text] += count
        example_trusts[key][text][title["trust_id"]] += count
        if detail:
            example_details[key].setdefault(text, detail)

    # Each new role's spread of job roles and occupation codes, gathered title by title.
    spread: dict[int, dict[str, Counter[str]]] = defaultdict(lambda: {"job_role": Counter(), "code": Counter()})
    spread_titles: dict[int, Counter[str]] = defaultdict(Counter)
    spread_trusts: dict[int, Counter[int]] = defaultdict(Counter)
    for title in titles:
        codes = ", ".join(x for x in (title["job_role"], title["occupation_code"]) if x)
        if title["code_conflict"]:
            add("code_conflict", title, title["headcount"], f"coded {codes}" if codes else "")
        if title["role_id"] is None and (title["trust_id"], title["cleaned"]) not in not_new:
            add("unresolved", title, title["headcount"])
        role = roles.get(title["role_id"]) if title["role_id"] else None
        add("band_missing", title, title["band_missing"])
        add("band_unreadable", title, title["band_unreadable"])
        if role is not None:
            add("band_outside", title, title["band_outside"], f"the role is {role.band_range.lower()}")
        add("wte_missing", title, title["wte_missing"])
        add("wte_impossible", title, title["wte_impossible"])
        add("duplicates", title, title["duplicate_rows"])
        if role is not None and role.newness != ESTABLISHED:
            if title["job_role"]:
                spread[role.pk]["job_role"][title["job_role"]] += title["headcount"]
            if title["occupation_code"]:
                spread[role.pk]["code"][title["occupation_code"]] += title["headcount"]
            spread_titles[role.pk][_title_text(title, outside)] += title["headcount"]
            spread_trusts[role.pk][title["trust_id"]] += title["headcount"]
    spread_finding = findings["coding_spread"]
    spread_examples = []
    for role_id, kinds in spread.items():
        if len(kinds["job_role"]) < 2 and len(kinds["code"]) < 2:
            continue
        staff = sum(spread_titles[role_id].values())
        spread_finding.count += staff
        for trust_id, n in spread_trusts[role_id].items():
            spread_finding.by_trust[trust_id] = spread_finding.by_trust.get(trust_id, 0) + n
        parts = []
        if kinds["job_role"]:
            parts.append("job roles " + "; ".join(_counted(kinds["job_role"], outside)))
        if kinds["code"]:
            parts.append("occupation codes " + "; ".join(_counted(kinds["code"], outside)))
        titles_seen = ", ".join(f"‘{t}’" for t, _ in spread_titles[role_id].most_common(2))
        spread_examples.append(
            Example(
                roles[role_id].name,
                staff,
                f"{'; '.join(parts)}. Titles: {titles_seen}",
                is_title=False,
                by_trust=dict(spread_trusts[role_id]),
            )
        )
    spread_finding.examples = sorted(spread_examples, key=lambda e: -e.count)[:EXAMPLES]

    unreadable = Counter()
    for i in imports:
        for value, count in i.summary.get("unreadable_bands", []):
            unreadable[value] += count
    if unreadable:
        findings["band_unreadable"].note = "Values seen: " + ", ".join(_counted(unreadable, outside)) + "."
    for key, finding in findings.items():
        if key != "coding_spread":
            finding.examples = _examples(example_counts[key], example_details[key], example_trusts[key])
    return findings


def _counted(counter: Counter[str], outside: bool) -> list[str]:
    """The most common values with their staff; seen from outside, the values alone, most common first.

    These counts add up several trusts' staff, and unlike a finding's total they are not kept trust by
    trust, so they cannot be protected from differencing: outside the trusts they are left out.
    """
    if outside:
        return [value for value, _ in counter.most_common(4)]
    return [f"{value} ({n})" for value, n in counter.most_common(4)]


@dataclass
class Report:
    """The findings for a month, with the previous month's counts for comparison."""

    month: dt.date | None
    previous_month: dt.date | None
    findings: list[Finding]
    trusts: list[Trust] = field(default_factory=list)
    compared: list[Trust] = field(default_factory=list)  # the trusts that sent both months
    not_compared: list[Trust] = field(default_factory=list)  # sent this month but not the previous one


def _sent(trust_ids: Sequence[int], month: dt.date) -> set[int]:
    return set(
        ExtractImport.objects.filter(trust_id__in=list(trust_ids), month=month, is_current=True)
        .values_list("trust_id", flat=True)
    )  # fmt: skip


def report(trust_ids: Sequence[int], month: dt.date | None, *, outside: bool = False) -> Report:
    """The report for one trust (or, nationally, all trusts with data) for a month.

    The previous month's counts, and so the changes, cover only the trusts that sent both months: a
    difference between two different sets of trusts would say nothing about the coding."""
    if month is None:
        return Report(None, None, [])
    current = _month_findings(trust_ids, month, outside=outside)
    previous = previous_month(trust_ids, month)
    sent_now = _sent(trust_ids, month)
    both: set[int] = set()
    if previous is not None:
        both = sent_now & _sent(trust_ids, previous)
        before = _month_findings(sorted(both), previous, outside=outside)
        for key, finding in current.items():
            if before[key].checked and finding.checked:
                finding.previous = before[key].count
                finding.previous_by_trust = before[key].by_trust
                finding.compared = frozenset(both)
    trusts = list(Trust.objects.filter(pk__in={t for f in current.values() for t in f.by_trust}).order_by("name"))
    named = {t.pk: t for t in Trust.objects.filter(pk__in=sent_now).order_by("name")}
    compared = [t for pk, t in named.items() if pk in both]
    not_compared = [t for pk, t in named.items() if pk not in both] if previous is not None else []
    return Report(month, previous, list(current.values()), trusts, compared, not_compared)


def months_with_data(trust_ids: Sequence[int] | None = None) -> list[dt.date]:
    qs = ExtractImport.objects.filter(is_current=True)
    if trust_ids is not None:
        qs = qs.filter(trust_id__in=list(trust_ids))
    return sorted(set(qs.values_list("month", flat=True)), reverse=True)
