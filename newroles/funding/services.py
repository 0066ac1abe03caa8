"""Every change to funding lines and joint-funding shares goes through these functions (atomic, checked
against the policy, audited), and a trust's totals are computed here from the rows.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.db.models.functions import Lower

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.funding.models import FUNDER_KIND_LABELS, RECURRENT, FundingLine, FundingShare
from newroles.funding.shares import Share, check_shares
from newroles.mapping.models import Deployment
from newroles.organisations.models import Organisation, Trust
from newroles.roles.leadtime import add_months

ZERO = Decimal("0.00")


def pounds(amount: Decimal | None) -> str:
    """£45,000 or £45,000.50: whole pounds without pence, exact either way (no float on the way)."""
    if amount is None:
        return "–"
    if amount == amount.to_integral_value():
        return f"£{amount:,.0f}"
    return f"£{amount:,.2f}"


def trust_lines(trust: Trust) -> QuerySet[FundingLine]:
    """The trust's funding lines with what their pages show, in date order."""
    return (
        FundingLine.objects.filter(trust=trust)
        .select_related("trust", "deployment__role", "funder", "evidence")
        .prefetch_related("shares")
        .order_by("deployment__local_title", "start_date", "pk")
    )


# Organisations named by text -----------------------------------------------------------------------


def organisations_named(names: Iterable[str]) -> dict[str, Organisation]:
    """Organisations outside the register whose name or ODS code is one of `names`, keyed by the name as
    given in lower case. One query, however many names."""
    keys = {n.strip().casefold() for n in names if n and n.strip()}
    if not keys:
        return {}
    found: dict[str, Organisation] = {}
    rows = Organisation.objects.annotate(lower_name=Lower("name"), lower_code=Lower("ods_code"))
    for org in rows.filter(lower_name__in=keys) | rows.filter(lower_code__in=keys):
        for key in (org.lower_name, org.lower_code):  # type: ignore[attr-defined]
            if key in keys:
                found.setdefault(key, org)
    return found


def _with_organisations(shares: Sequence[Share]) -> list[Share]:
    """Shares with their organisation filled in where the partner's name (or ODS code) names one."""
    known = organisations_named(s.partner_name for s in shares if s.organisation is None)
    return [
        s if s.organisation is not None else Share(s.partner_name, s.percent, known.get(s.partner_name.casefold()))
        for s in shares
    ]


# Funding lines ------------------------------------------------------------------------------------


def _check(line: FundingLine, shares: Sequence[Share] | None) -> None:
    """Validate the line and its shares together, so every problem is reported at once."""
    errors: dict[str, list[str]] = defaultdict(list)
    try:
        line.full_clean()
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            errors[name].extend(messages)
    if shares is not None:
        try:
            check_shares(shares)
        except ValidationError as exc:
            errors["shares"].extend(exc.messages)
    if errors:
        raise ValidationError(dict(errors))


@transaction.atomic
def create_line(
    *,
    actor: Any,
    trust: Trust,
    deployment: Deployment,
    shares: Sequence[Share] | None = None,
    message: str = "",
    **fields: Any,
) -> FundingLine:
    """Record a funding line for one of the trust's deployments, with its joint funders' shares if any.

    Only the trust's editors and managers (or admins) may; the deployment must be the trust's own; the
    shares, when given, must add to exactly 100%.
    """
    policy.require_editor(actor, trust)
    line = FundingLine(trust=trust, deployment=deployment, **fields)
    _check(line, shares)
    line = create_row(actor, line, message=message)
    if shares:
        set_shares(actor=actor, line=line, shares=shares, message=message)
    return line


@transaction.atomic
def update_line(
    *, actor: Any, line: FundingLine, shares: Sequence[Share] | None = None, message: str = "", **changes: Any
) -> FundingLine:
    """Change a funding line; `shares` (when not None) replaces its partners' shares, [] removing them."""
    policy.require_change(actor, line)
    draft = copy.copy(line)  # validated with the changes before anything is written
    for name, value in changes.items():
        setattr(draft, name, value)
    _check(draft, shares)
    line = update_row(actor, line, changes, message=message)
    if shares is not None:
        set_shares(actor=actor, line=line, shares=shares, message=message)
    return line


@transaction.atomic
def set_shares(*, actor: Any, line: FundingLine, shares: Sequence[Share], message: str = "") -> list[FundingShare]:
    """Make the line's partners' shares exactly `shares` (matched by partner name, ignoring case): shares
    no longer named are removed, changed ones updated, new ones added, each write audited."""
    check_shares(shares)
    shares = _with_organisations(shares)
    existing = {s.partner_name.casefold(): s for s in line.shares.all()}
    wanted = {s.partner_name.casefold(): s for s in shares}
    for key, row in existing.items():
        if key not in wanted:
            delete_row(actor, row, message=message)
    saved = []
    for key, share in wanted.items():
        values = {"partner_name": share.partner_name, "percent": share.percent, "organisation": share.organisation}
        row = existing.get(key)
        if row is None:
            saved.append(create_row(actor, FundingShare(funding_line=line, **values), message=message))
        else:
            saved.append(update_row(actor, row, values, message=message))
    return saved


@transaction.atomic
def delete_line(*, actor: Any, line: FundingLine) -> None:
    """Remove a funding line and its shares (each removal audited)."""
    policy.require_change(actor, line)
    for share in line.shares.all():
        delete_row(actor, share)
    delete_row(actor, line)


# Totals -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """A trust's funding a year, summed exactly in pounds and pence."""

    lines: int
    in_force: Decimal
    recurrent: Decimal
    time_limited: Decimal
    ending_within_year: Decimal
    by_funder_kind: list[tuple[str, Decimal]]


def totals(lines: Iterable[FundingLine], today: dt.date) -> Totals:
    """Amounts a year of the lines in force today: all, recurrent, time-limited, ending within 12 months,
    and by kind of funder (largest first)."""
    lines = list(lines)
    current = [line for line in lines if line.in_force(today)]
    horizon = add_months(today, 12)
    by_kind: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for line in current:
        by_kind[line.funder_kind] += line.amount_per_year
    return Totals(
        lines=len(lines),
        in_force=sum((line.amount_per_year for line in current), ZERO),
        recurrent=sum((line.amount_per_year for line in current if line.funding_type == RECURRENT), ZERO),
        time_limited=sum((line.amount_per_year for line in current if line.is_time_limited), ZERO),
        ending_within_year=sum(
            (line.amount_per_year for line in current if line.end_date and line.end_date <= horizon), ZERO
        ),
        by_funder_kind=sorted(((FUNDER_KIND_LABELS[k], v) for k, v in by_kind.items()), key=lambda kv: (-kv[1], kv[0])),
    )
