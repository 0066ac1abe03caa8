"""Illustrative funding lines for the demo trusts, with dates set from today so the warnings keep showing.

Nothing here is any trust's real funding: every line's notes say so. Sheffield (TAH, the demo editor's
trust) is given lines that raise every kind of warning at least once; Rotherham Doncaster and South
Humber (RXE) a few more; South West Yorkshire Partnership (RXG) lines that raise none, to show what
sustainable funding looks like. The other trusts on the demo map get a line or two for some of their
roles (drawn from a fixed seed), so the national page has counts large enough to show.

The "shorter than the time to recruit and train" warning needs a role whose lead times are known (the
catalogue leaves unknown ones empty rather than guess): it is shown on a demo trust's role whose role has
them, and left out when no demo role has.
"""

from __future__ import annotations

import calendar
import datetime as dt
import random
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from newroles.accounts import policy
from newroles.funding import services
from newroles.funding.models import COST_FIELDS, RECURRENT, TIME_LIMITED, FundingLine
from newroles.funding.shares import Share
from newroles.mapping.models import Deployment
from newroles.organisations.models import Trust
from newroles.roles.leadtime import add_months, recruit_and_train_months

SEED = 2025
NOTE = "Illustrative demo funding, not the trust's real funding."
MESSAGE = "demo: illustrative funding"
EVERY_COST = dict.fromkeys(COST_FIELDS, True)
WARNING_TRUST = "TAH"
OTHER_TRUST = "RXE"
CLEAN_TRUST = "RXG"


def _month_end(day: dt.date) -> dt.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _march_31_after(day: dt.date) -> dt.date:
    """The first 31 March on or after `day`: the end of the financial year `day` falls in."""
    end = dt.date(day.year, 3, 31)
    return end if end >= day else dt.date(day.year + 1, 3, 31)


def _covers(*names: str) -> dict[str, bool]:
    return {name: name in {f"covers_{n}" for n in names} for name in COST_FIELDS}


def _icb(trust: Trust) -> str:
    return trust.icb.name if trust.icb_id else ""  # type: ignore[union-attr]


def _icb_name(trust: Trust) -> str:
    return _icb(trust) or "Integrated care board"


def _add(trust: Trust, deployment: Deployment, shares: list[Share] | None = None, **fields: Any) -> FundingLine:
    fields.setdefault("notes", NOTE)
    return services.create_line(
        actor=policy.SYSTEM, trust=trust, deployment=deployment, shares=shares, message=MESSAGE, **fields
    )


def _by_slug(trust: Trust) -> dict[str, Deployment]:
    return {d.role.slug: d for d in trust.deployments.select_related("role").order_by("local_title") if d.role_id}


def _warning_trust(trust: Trust, today: dt.date) -> int:
    """Sheffield: every kind of warning at least once."""
    roles = _by_slug(trust)
    count = 0
    peer = roles.get("peer_support_worker")
    if peer:
        # A cliff within 6 months, mid-year, jointly funded by a majority partner with nothing agreed, and
        # no backfill.
        end = _month_end(add_months(today, 4))
        if (end.month, end.day) == (3, 31):
            end = _month_end(add_months(today, 5))
        _add(
            trust, peer, name="Community transformation: peer support", funder_kind="icb",
            funder_name=_icb(trust), funding_type=TIME_LIMITED, amount_per_year=Decimal("186400.00"),
            start_date=_month_start(add_months(today, -20)), end_date=end, posts=6, wte=Decimal("5.20"),
            shares=[Share(_icb_name(trust), Decimal(70)), Share("Sheffield City Council", Decimal(30))],
            contract_holder="The trust", contract_status="agreed",
            conditions="Posts must be filled by people with lived experience of mental health services.",
            **_covers("salary", "on_costs", "supervision", "support"),
        )  # fmt: skip
        count += 1
    mpac = roles.get("multi_professional_approved_clinician")
    if mpac:
        # Training paid for, then nothing: the course ends within 12 months and no line pays the salary after.
        _add(
            trust, mpac, name="Approved clinician training places", funder_kind="nhse_wte",
            funder_name="NHS England workforce, training and education", funding_type=TIME_LIMITED,
            amount_per_year=Decimal("24000.00"), start_date=_month_start(add_months(today, -8)),
            end_date=_month_end(add_months(today, 9)), posts=2, contract_status="in_negotiation",
            contract_note="The salary after qualification is not yet agreed with the ICB.",
            conditions="Trainee funding requires a band 8a post to be created for each trainee who qualifies.",
            **_covers("training"),
        )  # fmt: skip
        count += 1
    cap = roles.get("clinical_associate_in_psychology")
    if cap:
        # Held up by unclear purpose and value, but paid from the baseline with every cost covered.
        _add(
            trust, cap, name="Clinical associates in psychology (baseline)", funder_kind="trust_baseline",
            funder_name="The trust", funding_type=RECURRENT, amount_per_year=Decimal("98250.50"),
            start_date=_month_start(add_months(today, -14)), posts=2, wte=Decimal("2.00"),
            contract_status="unclear", contract_note="Commissioners ask what the role adds beyond assistant "
            "psychologists before they fund more posts.", **EVERY_COST,
        )  # fmt: skip
        count += 1
    return count


def _lead_time_line(trusts: list[Trust], today: dt.date) -> int:
    """A line one month shorter than the role's time to recruit and train, followed by recurrent funding,
    at the first demo trust with a role whose lead times are known."""
    for trust in trusts:
        for deployment in trust.deployments.select_related("role").order_by("local_title"):
            needed = recruit_and_train_months(deployment.role)
            if not needed or needed < 2 or deployment.status == "discontinued" or deployment.funding_lines.exists():
                continue
            start = _month_start(add_months(today, -1))
            end = add_months(start, needed - 1) - dt.timedelta(days=1)
            _add(
                trust, deployment, name="National programme: first cohort", funder_kind="nhse_programme",
                funder_name="NHS England national programme", funding_type=TIME_LIMITED,
                amount_per_year=Decimal("61000.00"), start_date=start, end_date=end, posts=2, **EVERY_COST,
            )  # fmt: skip
            _add(
                trust, deployment, name="Baseline from the end of the programme", funder_kind="trust_baseline",
                funder_name="The trust", funding_type=RECURRENT, amount_per_year=Decimal("61000.00"),
                start_date=end + dt.timedelta(days=1), posts=2, **EVERY_COST,
            )  # fmt: skip
            return 2
    return 0


def _other_trust(trust: Trust, today: dt.date) -> int:
    """Rotherham: a cliff within 12 months on one role; joint funding with an agreement on another."""
    roles = _by_slug(trust)
    count = 0
    na = roles.get("nursing_associate")
    if na:
        _add(
            trust, na, name="Nursing associate expansion", funder_kind="nhse_programme",
            funder_name="NHS England national programme", funding_type=TIME_LIMITED,
            amount_per_year=Decimal("152000.00"), start_date=_month_start(add_months(today, -24)),
            end_date=_month_end(add_months(today, 10)), posts=5, wte=Decimal("5.00"), **EVERY_COST,
        )  # fmt: skip
        count += 1
    psw = roles.get("peer_support_worker")
    if psw:
        _add(
            trust, psw, name="Joint peer support service", funder_kind="icb", funder_name=_icb(trust),
            funding_type=RECURRENT, amount_per_year=Decimal("120000.00"),
            start_date=_month_start(add_months(today, -30)), posts=4, wte=Decimal("3.60"),
            shares=[Share(_icb_name(trust), Decimal(60)), Share("Doncaster Council", Decimal(40))],
            partner_agreement="Either partner gives 12 months' notice; the trust then funds the posts from its "
            "baseline for the following year.", contract_holder="The trust", **EVERY_COST,
        )  # fmt: skip
        count += 1
    return count


def _clean_trust(trust: Trust, today: dt.date) -> int:
    """South West Yorkshire: funding that raises no warning (recurrent, or running on, covering every cost)."""
    count = 0
    for deployment in trust.deployments.select_related("role").order_by("local_title")[:3]:
        if deployment.status == "discontinued" or deployment.funding_lines.exists():
            continue
        start = _month_start(add_months(today, -18))
        if recruit_and_train_months(deployment.role) is None:  # a known lead time could outrun a pilot year
            # Time-limited to a financial year's end, then recurrent from the next day.
            end = _march_31_after(add_months(today, 1))
            _add(
                trust, deployment, name="Pilot year funding", funder_kind="icb", funder_name=_icb(trust),
                funding_type=TIME_LIMITED, amount_per_year=Decimal("54000.00"), start_date=start, end_date=end,
                posts=1, **EVERY_COST,
            )  # fmt: skip
            start = end + dt.timedelta(days=1)
            count += 1
        _add(
            trust, deployment, name="Baseline budget", funder_kind="trust_baseline", funder_name="The trust",
            funding_type=RECURRENT, amount_per_year=Decimal("54000.00"), start_date=start, posts=1, **EVERY_COST,
        )  # fmt: skip
        count += 1
    return count


KINDS = ["trust_baseline", "nhse_programme", "icb", "nhse_wte", "local_authority", "pcn_arrs", "charity_research"]
NAMES = {
    "trust_baseline": "Baseline budget",
    "nhse_programme": "National programme funding",
    "icb": "ICB transformation funding",
    "nhse_wte": "Training places",
    "local_authority": "Public health grant",
    "pcn_arrs": "Primary care network posts",
    "charity_research": "Research grant",
}


def _national_spread(trusts: list[Trust], today: dt.date) -> int:
    """A line or two for some roles at the other trusts on the demo map, so national counts are not all small."""
    rng = random.Random(SEED)
    count = 0
    for trust in trusts:
        for deployment in trust.deployments.select_related("role").order_by("local_title"):
            if deployment.status == "discontinued" or rng.random() > 0.75:
                continue
            kind = rng.choice(KINDS)
            recurrent = kind == "trust_baseline" or rng.random() < 0.2
            start = _month_start(add_months(today, -rng.randint(3, 40)))
            # Most time-limited money runs out within the year: the briefing's short funding timescales.
            months_left = rng.randint(1, 12) if rng.random() < 0.7 else rng.randint(13, 30)
            if recurrent:
                end = None
            elif rng.random() < 0.5:
                end = _march_31_after(add_months(today, months_left))
            else:
                end = _month_end(add_months(today, months_left))
            costs = {"covers_salary": kind != "nhse_wte", "covers_on_costs": rng.random() < 0.8,
                     "covers_training": kind == "nhse_wte" or rng.random() < 0.4, "covers_backfill": rng.random() < 0.2,
                     "covers_supervision": rng.random() < 0.35, "covers_support": rng.random() < 0.3,
                     "covers_recruitment": rng.random() < 0.25}  # fmt: skip
            posts = rng.randint(1, 8)
            _add(
                trust, deployment, name=NAMES[kind], funder_kind=kind,
                funder_name=_icb(trust) if kind == "icb" else "", funding_type=RECURRENT if recurrent else TIME_LIMITED,
                amount_per_year=Decimal(posts * rng.randint(28, 52) * 1000), start_date=start, end_date=end,
                posts=posts, wte=Decimal(posts) - Decimal(rng.choice([0, 0, "0.4", "0.8"])),
                contract_status=rng.choice(["agreed", "agreed", "agreed", "in_negotiation", "unclear"]), **costs,
            )  # fmt: skip
            count += 1
    return count


@transaction.atomic
def load_funding_demo(today: dt.date | None = None) -> int:
    """Load the illustrative funding lines (once: skipped when the register already has lines). Needs the
    demo map's deployments. Returns how many lines it added."""
    if FundingLine.objects.exists():
        return 0
    today = today or timezone.localdate()
    trusts = {t.ods_code: t for t in Trust.objects.filter(deployments__isnull=False).distinct().select_related("icb")}
    if WARNING_TRUST not in trusts:
        return 0
    count = _warning_trust(trusts[WARNING_TRUST], today)
    demo_trusts = [trusts[c] for c in (WARNING_TRUST, OTHER_TRUST) if c in trusts]
    count += _lead_time_line(demo_trusts, today)
    if OTHER_TRUST in trusts:
        count += _other_trust(trusts[OTHER_TRUST], today)
    if CLEAN_TRUST in trusts:
        count += _clean_trust(trusts[CLEAN_TRUST], today)
    others = sorted((t for c, t in trusts.items() if c not in (WARNING_TRUST, OTHER_TRUST, CLEAN_TRUST)),
                    key=lambda t: t.ods_code)  # fmt: skip
    count += _national_spread(others, today)
    return count
