"""An import's result counts confident matches, guesses waiting for review and unmatched titles apart,
wherever the figures appear."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from newroles.conftest import client_for
from newroles.workforce import services
from newroles.workforce.models import ExtractImport
from newroles.workforce.tests.conftest import MARCH, post, rows_of, write_csv

pytestmark = pytest.mark.django_db

# Twelve rows: six matched with confidence (an exact alias), four guessed (a misspelling matched
# loosely, below the review confidence) and two matched to no role.
TWELVE = [
    (6, post("Peer Support Worker", grade="Band 4")),
    (4, post("Pear Support Worker", grade="Band 4")),
    (2, post("Ward Clerk", grade="Band 3")),
]


@pytest.fixture
def twelve(sheffield, run_import) -> ExtractImport:  # type: ignore[no-untyped-def]
    obj = run_import(sheffield, rows_of(*TWELVE))
    assert obj.status == ExtractImport.DONE, obj.error
    return obj


def test_a_guess_is_not_counted_as_a_match(twelve: ExtractImport) -> None:
    figures = {"staff_confident": 6, "staff_review": 4, "staff_unmatched": 2,
               "titles_confident": 1, "titles_review": 1, "titles_unmatched": 1}  # fmt: skip
    assert {k: twelve.summary[k] for k in figures} == figures
    assert services.import_match_figures(twelve) == figures
    assert services.month_match_figures(twelve.trust, MARCH) == figures


def test_an_import_recorded_before_the_split_is_read_from_its_titles(twelve: ExtractImport) -> None:
    summary = {k: v for k, v in twelve.summary.items() if not k.startswith(("staff_", "titles_"))}
    ExtractImport.objects.filter(pk=twelve.pk).update(summary={**summary, "staff_resolved": 10})
    twelve.refresh_from_db()
    assert services.import_match_figures(twelve)["staff_review"] == 4


def test_the_import_result_page_counts_the_three_apart(alice, twelve: ExtractImport) -> None:
    page = client_for(alice).get(twelve.get_absolute_url()).content.decode()
    assert "10 of 12" not in page
    assert "6 of 12, with confidence" in page
    assert 'Rows with a guessed role to review</dt><dd class="nhsuk-summary-list__value">4:' in page
    assert 'Rows not matched to a role</dt><dd class="nhsuk-summary-list__value">2</dd>' in page
    assert "1 matched with confidence, 1 guessed and waiting for review, 1 not matched" in page


def test_the_trust_page_and_its_import_list_count_the_three_apart(alice, twelve: ExtractImport) -> None:
    page = client_for(alice).get(reverse("workforce:trust", args=["TAH"])).content.decode()
    assert "Of 12 staff, 6 are matched to a catalogue role with confidence" in page
    assert "4 have a guessed role waiting for review and 2 are not matched" in page
    assert "6 with confidence, 4 guessed (to review), 2 not matched" in page  # the import list
    # The role's count says how many of its staff are a guess.
    counts = services.counts_by_role([twelve.trust_id], MARCH)
    peer = next(c for c in counts if c.role and c.role.slug == "peer_support_worker")
    assert (peer.headcount, peer.guessed) == (10, 4)
    assert "of which 4 guessed, to review" in page


def test_the_titles_page_sums_up_the_month(alice, twelve: ExtractImport) -> None:
    page = client_for(alice).get(reverse("workforce:titles", args=["TAH"])).content.decode()
    assert "6 staff are matched to a role with confidence" in page
    assert "4 have a guessed role waiting for review and 2 are not matched" in page


def test_a_decision_turns_a_guess_into_a_match(alice, sheffield, twelve: ExtractImport) -> None:
    from newroles.roles.models import Role
    from newroles.workforce.models import TitleDecision

    services.decide_title(actor=alice, trust=sheffield, key="pear support worker", outcome=TitleDecision.ACCEPTED,
                          role=Role.objects.get(slug="peer_support_worker"))  # fmt: skip
    now = services.month_match_figures(sheffield, MARCH)
    assert (now["staff_confident"], now["staff_review"], now["staff_unmatched"]) == (10, 0, 2)
    # The import's own result still says what the import found.
    twelve.refresh_from_db()
    assert services.import_match_figures(twelve)["staff_review"] == 4


def test_the_command_line_counts_the_three_apart(sheffield, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "twelve.csv", rows_of(*TWELVE))
    out = io.StringIO()
    call_command("workforce", "import", str(path), "--trust", "tah", "--month", "2025-03", stdout=out)
    assert (
        "TAH March 2025: 12 rows, 3 titles; staff: 6 matched to a role with confidence, 4 guessed and waiting for "
        "review, 2 not matched" in out.getvalue()
    )
