"""How long a role takes to bring in, and whether a planned date leaves enough time.

The briefing's national ask is forewarning ("Mental Health Wellbeing Practitioners did not land well due
to the tight turnaround"). A catalogue role carries two figures, each sourced or left empty:

- `recruit_months`: from approval of the post to a trained post-holder starting;
- `qualify_months`: from a trainee starting to a qualified post-holder in post.

A trust that cannot find trained post-holders must recruit a trainee and wait for them to qualify, so the
time to *recruit and train* is the sum of the two. Forewarning, funding and readiness all compare dates
with these figures here, so the three say the same thing. Unknown stays unknown: no figure is guessed.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from typing import Any


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole calendar months from `start` to `end` (negative when `end` is earlier).

    A month counts once its day is reached: 15 January to 15 April is 3, to 14 April is 2. Month ends
    count as reached on the last day of a shorter month (31 January to 28 February is 1).
    """
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day and not _is_month_end(end):
        months -= 1
    return months


def _is_month_end(day: dt.date) -> bool:
    return (day + dt.timedelta(days=1)).month != day.month


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, clipped to the month's end (31 January + 1 = 28 or 29 February)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def recruit_and_train_months(role: Any) -> int | None:
    """Months from deciding to have a post to a qualified post-holder in it when the trust trains its own:
    recruiting a trainee plus the training route. None when either figure is unknown."""
    if role is None or role.recruit_months is None or role.qualify_months is None:
        return None
    return role.recruit_months + role.qualify_months


@dataclass(frozen=True)
class Gap:
    """A planned date measured against a role's lead times."""

    months_available: int
    recruit_months: int | None
    qualify_months: int | None

    @property
    def too_short_to_recruit(self) -> bool:
        """Not even a trained post-holder can be recruited in the time left."""
        return self.recruit_months is not None and self.months_available < self.recruit_months

    @property
    def too_short_to_train(self) -> bool:
        """A trainee recruited now would not be qualified in post by the date."""
        if self.recruit_months is None or self.qualify_months is None:
            return False
        return self.months_available < self.recruit_months + self.qualify_months

    @property
    def short(self) -> bool:
        return self.too_short_to_recruit

    def sentence(self) -> str:
        """One sentence a trust lead can act on, e.g. 'Planned start in 3 months; recruiting a trained
        post-holder takes 6 months, and qualified post-holders take 18 months from trainee start.'"""
        n = self.months_available
        when = f"in {_months_text(n)}" if n >= 0 else f"passed {_months_text(-n)} ago"
        parts = []
        if self.recruit_months is not None:
            parts.append(f"recruiting a trained post-holder takes {_months_text(self.recruit_months)}")
        if self.qualify_months is not None:
            parts.append(f"qualified post-holders take {_months_text(self.qualify_months)} from trainee start")
        if not parts:
            return f"Planned start {when}; the role's lead times are not known."
        return f"Planned start {when}; " + ", and ".join(parts) + "."


def _months_text(months: int) -> str:
    return f"{months} month{'s' if months != 1 else ''}"


def planning_gap(role: Any, planned_start: dt.date | None, today: dt.date) -> Gap | None:
    """The time left before `planned_start` against the role's lead times; None without a role or a date.

    The gap is short when the months left are fewer than the months to recruit a trained post-holder:
    a lead time equal to the gap is enough, one month over it is not.
    """
    if role is None or planned_start is None:
        return None
    return Gap(
        months_available=months_between(today, planned_start),
        recruit_months=role.recruit_months,
        qualify_months=role.qualify_months,
    )
