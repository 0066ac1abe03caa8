"""Joint-funding partners' shares as people write them ("ICB North 60; Council 40") and the rule they obey.

Pure: no database. The form, the import and the services all read and check shares here, so a share list
means the same wherever it is typed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError

HUNDRED = Decimal("100")
SEPARATORS = re.compile(r"[;\n|]+")
# "ICB North 60", "ICB North: 60%", "ICB North = 60 %", "ICB North - 60.5%": the last number is the share.
_PART = re.compile(r"^(?P<name>.*?\S)[\s:=\-–]*(?P<percent>\d+(?:\.\d+)?)\s*%?$")
EXAMPLE = "ICB North 60; Council 40"


@dataclass(frozen=True)
class Share:
    """One partner's share as given: its name, its percentage and, once looked up, its organisation."""

    partner_name: str
    percent: Decimal
    organisation: Any = None


def percent_text(value: Decimal) -> str:
    """60.00 -> "60", 12.50 -> "12.5"."""
    return f"{value.normalize():f}"


def shares_text(shares: Sequence[Any]) -> str:
    """Shares written back the way they are typed: "ICB North 60; Council 40"."""
    return "; ".join(f"{s.partner_name} {percent_text(s.percent)}" for s in shares)


def parse_shares(text: str) -> list[Share]:
    """Read "ICB North 60; Council 40" (semicolons or new lines between partners; % optional).

    Raises ValidationError naming every part it cannot read.
    """
    shares: list[Share] = []
    problems: list[str] = []
    for part in (p.strip() for p in SEPARATORS.split(text or "")):
        if not part:
            continue
        match = _PART.match(part)
        if match is None or not re.search(r"[^\W\d_]", match["name"]):  # a name has a letter in it
            problems.append(f"'{part}' has no share: write each partner with its share, e.g. '{EXAMPLE}'")
            continue
        try:
            percent = Decimal(match["percent"])
        except InvalidOperation:  # pragma: no cover - the pattern allows digits only
            problems.append(f"'{part}' has no share")
            continue
        shares.append(Share(match["name"].strip(" :=-–"), percent))
    if problems:
        raise ValidationError("; ".join(problems) + ".")
    return shares


def check_shares(shares: Sequence[Share]) -> None:
    """Joint funding has two partners or more, each named once with a share above 0 and at most 100 (to two
    decimal places), and the shares add to exactly 100. Raises ValidationError with every problem."""
    if not shares:
        return
    problems: list[str] = []
    if len(shares) < 2:
        problems.append("Joint funding needs two partners or more: with one, record it as the funder")
    seen: set[str] = set()
    for share in shares:
        key = share.partner_name.casefold()
        if not share.partner_name:
            problems.append("Every partner needs a name")
        elif key in seen:
            problems.append(f"{share.partner_name} is named twice")
        seen.add(key)
        if share.percent <= 0 or share.percent > HUNDRED:
            problems.append(f"{share.partner_name}'s share must be more than 0% and at most 100%")
        elif share.percent != share.percent.quantize(Decimal("0.01")):
            problems.append(f"{share.partner_name}'s share has more than two decimal places")
    total = sum((s.percent for s in shares), Decimal(0))
    if total != HUNDRED:
        problems.append(f"The shares add to {percent_text(total)}%; they must add to exactly 100%")
    if problems:
        raise ValidationError("; ".join(problems) + ".")
