"""Months between dates and a planned start against a role's lead times."""

import datetime as dt
from types import SimpleNamespace

import pytest

from newroles.roles.leadtime import add_months, months_between, planning_gap, recruit_and_train_months

D = dt.date


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2026, 1, 15), D(2026, 4, 15), 3),
        (D(2026, 1, 15), D(2026, 4, 14), 2),
        (D(2026, 1, 31), D(2026, 2, 28), 1),
        (D(2026, 3, 1), D(2026, 3, 31), 0),
        (D(2026, 4, 15), D(2026, 1, 15), -3),
        (D(2025, 12, 2), D(2027, 12, 2), 24),
    ],
)
def test_months_between(start, end, months):
    assert months_between(start, end) == months


def test_add_months_clips_to_the_month_end():
    assert add_months(D(2026, 1, 31), 1) == D(2026, 2, 28)
    assert add_months(D(2027, 11, 30), 3) == D(2028, 2, 29)
    assert add_months(D(2026, 12, 2), 6) == D(2027, 6, 2)


def role(recruit, qualify):
    return SimpleNamespace(recruit_months=recruit, qualify_months=qualify)


def test_a_lead_time_equal_to_the_gap_is_enough_and_one_month_over_is_not():
    today = D(2026, 12, 2)
    assert not planning_gap(role(6, None), D(2027, 6, 2), today).short
    assert planning_gap(role(7, None), D(2027, 6, 2), today).short


def test_unknown_lead_times_never_warn_and_say_so():
    gap = planning_gap(role(None, None), D(2027, 1, 2), D(2026, 12, 2))
    assert not gap.short and not gap.too_short_to_train
    assert gap.sentence() == "Planned start in 1 month; the role's lead times are not known."
    assert recruit_and_train_months(role(6, None)) is None
    assert planning_gap(None, D(2027, 1, 2), D(2026, 12, 2)) is None
    assert planning_gap(role(6, 18), None, D(2026, 12, 2)) is None


def test_the_sentence_gives_both_figures():
    gap = planning_gap(role(6, 18), D(2027, 3, 2), D(2026, 12, 2))
    assert gap.short and gap.too_short_to_train
    assert gap.sentence() == (
        "Planned start in 3 months; recruiting a trained post-holder takes 6 months, "
        "and qualified post-holders take 18 months from trainee start."
    )
    assert recruit_and_train_months(role(6, 18)) == 24
    assert planning_gap(role(6, 18), D(2026, 10, 2), D(2026, 12, 2)).sentence().startswith("Planned start passed 2")
