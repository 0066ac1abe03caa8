"""The data-quality report: each finding counted, with example titles and the change since last month."""

from __future__ import annotations

import pytest

from newroles.workforce import quality
from newroles.workforce.tests.conftest import APRIL, MARCH, STANDARD, post, rows_of

pytestmark = pytest.mark.django_db


def findings(trust_ids, month, **kwargs):  # type: ignore[no-untyped-def]
    return {f.key: f for f in quality.report(trust_ids, month, **kwargs).findings}


def test_each_finding_is_counted_with_example_titles(sheffield, imported) -> None:
    f = findings([sheffield.pk], MARCH)
    assert f["code_conflict"].count == 2
    assert [(e.text, e.count, e.detail) for e in f["code_conflict"].examples] == [
        ("Clinical Associate Psychologist", 2, "coded Healthcare Assistant, H1D")
    ]
    assert f["unresolved"].count == 6
    assert {e.text for e in f["unresolved"].examples} == {"Recovery Navigator", "Ward Clerk"}
    assert f["band_missing"].count == 1 and f["band_unreadable"].count == 1
    assert "Band 10 (1)" in f["band_unreadable"].note
    assert f["band_outside"].count == 5
    assert f["band_outside"].examples[0].text == "Nursing Associate"
    assert f["band_outside"].examples[0].detail == "the role is bands 3–4"
    assert f["wte_missing"].count == 1 and f["wte_impossible"].count == 1
    assert f["duplicates"].count == 0 and f["duplicates"].checked
    # Peer support workers recorded as "Support Worker"/H1D and with no codes: one job role, one code.
    assert f["coding_spread"].count == 0


def test_one_role_under_several_codes(sheffield, run_import) -> None:
    run_import(sheffield, rows_of(
        (4, post("Nursing Associate", grade="Band 4", job_role="Nursing Associate", code="NGD")),
        (3, post("Nursing Associate - Oak Ward", grade="Band 4", job_role="Healthcare Assistant", code="H1D")),
        (2, post("Registered Nursing Associate", grade="Band 4", job_role="Staff Nurse", code="N6D")),
    ))  # fmt: skip
    f = findings([sheffield.pk], MARCH)["coding_spread"]
    assert f.count == 9 and f.by_trust == {sheffield.pk: 9}
    example = f.examples[0]
    assert example.text == "Nursing associate" and not example.is_title
    assert "job roles Nursing Associate (4); Healthcare Assistant (3); Staff Nurse (2)" in example.detail
    assert "occupation codes NGD (4); H1D (3); N6D (2)" in example.detail


def test_outside_the_trusts_the_codes_are_listed_without_counts(sheffield, rotherham, run_import) -> None:
    # Counts of a code over several trusts could be differenced with a trust's own, so none are shown.
    for trust, healthcare_assistants in ((sheffield, 1), (rotherham, 6)):
        run_import(trust, rows_of(
            (6, post("Nursing Associate", grade="Band 4", job_role="Nursing Associate", code="NGD")),
            (healthcare_assistants, post("Nursing Associate - Oak Ward", grade="Band 4",
                                         job_role="Healthcare Assistant", code="H1D")),
        ))  # fmt: skip
    report = quality.report([sheffield.pk, rotherham.pk], MARCH, outside=True)
    detail = next(f for f in report.findings if f.key == "coding_spread").examples[0].detail
    assert "job roles Nursing Associate; Healthcare Assistant" in detail and "(7)" not in detail


def test_duplicates_are_not_checked_without_an_assignment_number(sheffield, run_import) -> None:
    from newroles.workforce.tests.conftest import MAPPING

    mapping = {k: v for k, v in MAPPING.items() if k != "assignment_number"}
    run_import(sheffield, rows_of(*STANDARD), mapping=mapping)
    assert not findings([sheffield.pk], MARCH)["duplicates"].checked


def test_the_change_since_the_previous_month(sheffield, run_import, imported) -> None:
    run_import(sheffield, rows_of((9, post("Recovery Navigator")), (2, post("Ward Clerk"))), month=APRIL)
    report = quality.report([sheffield.pk], APRIL)
    assert report.previous_month == MARCH
    unresolved = next(f for f in report.findings if f.key == "unresolved")
    assert (unresolved.count, unresolved.previous, unresolved.change) == (11, 6, 5)


def test_outside_the_trust_examples_are_cleaned_titles(sheffield, imported) -> None:
    f = findings([sheffield.pk], MARCH, outside=True)
    assert {e.text for e in f["unresolved"].examples} == {"recovery navigator", "ward clerk"}


def test_the_national_report_adds_up_trusts(sheffield, rotherham, run_import, imported) -> None:
    run_import(rotherham, rows_of((3, post("Recovery Navigator"))))
    report = quality.report([sheffield.pk, rotherham.pk], MARCH, outside=True)
    unresolved = next(f for f in report.findings if f.key == "unresolved")
    assert unresolved.count == 9 and unresolved.by_trust == {sheffield.pk: 6, rotherham.pk: 3}
    assert [t.ods_code for t in report.trusts] == ["RXE", "TAH"]


def test_no_data_no_findings(sheffield) -> None:
    report = quality.report([sheffield.pk], None)
    assert report.findings == [] and quality.months_with_data([sheffield.pk]) == []
