"""Inter-coder agreement for one code between two coders: pure functions, no models.

The unit is a paragraph (a speaker turn) with the code present or absent, so each coder gives one yes/no
per paragraph. Percentage agreement and Cohen's kappa are worked out here, exactly (fractions); alpha comes
from the kept `krippendorff` package (nominal level). Kappa is "not defined" when the agreement expected by
chance is 1 (both coders gave every paragraph the same single answer): 1 - p_e would be a division by zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction


@dataclass(frozen=True)
class Agreement:
    """Agreement for one code over `units` paragraphs; kappa and alpha are None when not defined."""

    units: int
    agreed: int
    observed: Fraction  # p_o, the share of paragraphs where both coders agree
    expected: Fraction  # p_e, agreement expected by chance from each coder's own rate
    kappa: Fraction | None
    alpha: float | None
    disagreements: tuple[int, ...]  # the positions (in the order given) where the coders differ

    @property
    def percent(self) -> float:
        return float(self.observed * 100)


def cohen_kappa(a: Sequence[bool], b: Sequence[bool]) -> tuple[Fraction, Fraction, Fraction | None]:
    """(p_o, p_e, kappa) for two coders' yes/no answers on the same units; kappa None when p_e is 1."""
    if len(a) != len(b):
        raise ValueError("Both coders must answer for the same units.")
    n = len(a)
    if n == 0:
        return Fraction(0), Fraction(0), None
    p_o = Fraction(sum(x == y for x, y in zip(a, b, strict=True)), n)
    a_yes, b_yes = Fraction(sum(a), n), Fraction(sum(b), n)
    p_e = a_yes * b_yes + (1 - a_yes) * (1 - b_yes)
    kappa = None if p_e == 1 else (p_o - p_e) / (1 - p_e)
    return p_o, p_e, kappa


def krippendorff_alpha(a: Sequence[bool], b: Sequence[bool]) -> float | None:
    """Krippendorff's alpha (nominal) from the `krippendorff` package; None when only one value occurs."""
    import krippendorff  # numpy underneath: loaded only when agreement is worked out

    if not a or len(set(a) | set(b)) < 2:
        return None  # one value in the whole domain: alpha's expected disagreement is zero
    return float(krippendorff.alpha(reliability_data=[list(map(int, a)), list(map(int, b))],
                                    level_of_measurement="nominal"))  # fmt: skip


def agreement(a: Sequence[bool], b: Sequence[bool]) -> Agreement:
    p_o, p_e, kappa = cohen_kappa(a, b)
    differing = tuple(i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y)
    return Agreement(
        units=len(a),
        agreed=len(a) - len(differing),
        observed=p_o,
        expected=p_e,
        kappa=kappa,
        alpha=krippendorff_alpha(a, b),
        disagreements=differing,
    )
