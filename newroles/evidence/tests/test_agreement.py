"""Agreement between two coders, worked by hand in each test: percentage, Cohen's kappa, Krippendorff's alpha."""

from __future__ import annotations

from fractions import Fraction

import pytest
from django.urls import reverse

from newroles.conftest import client_for
from newroles.evidence import agreement, analysis, services
from newroles.evidence.tests.conftest import code

Y, N = True, False


def test_a_worked_example() -> None:
    a = [Y, Y, N, N, Y, N, N, N, Y, N]
    b = [Y, N, N, N, Y, N, Y, N, Y, N]
    result = agreement.agreement(a, b)
    # Agree on 8 of 10 paragraphs (they differ at 1 and 6): p_o = 8/10.
    assert result.observed == Fraction(8, 10) and result.agreed == 8 and result.disagreements == (1, 6)
    # Each coder says yes to 4 of 10: p_e = 0.4 x 0.4 + 0.6 x 0.6 = 0.16 + 0.36 = 0.52.
    assert result.expected == Fraction(52, 100)
    # kappa = (0.8 - 0.52) / (1 - 0.52) = 0.28 / 0.48 = 7/12.
    assert result.kappa == Fraction(7, 12)
    # alpha (nominal): 20 values, 8 yes and 12 no. Coincidences: 2 mismatched pairs in each of the 2 differing
    # units, so D_o = 4/20 = 0.2; D_e = 2 x 8 x 12 / (20 x 19) = 192/380; alpha = 1 - 0.2 x 380/192 = 29/48.
    assert result.alpha == pytest.approx(29 / 48)
    assert result.percent == pytest.approx(80.0)


def test_perfect_agreement() -> None:
    result = agreement.agreement([Y, N, Y, N], [Y, N, Y, N])
    # p_o = 1; p_e = 0.5 x 0.5 + 0.5 x 0.5 = 0.5; kappa = (1 - 0.5) / 0.5 = 1. alpha: D_o = 0, so 1.
    assert (result.observed, result.expected, result.kappa) == (1, Fraction(1, 2), 1)
    assert result.alpha == pytest.approx(1.0)


def test_agreement_no_better_than_chance() -> None:
    a = [Y, Y, N, N]
    b = [Y, N, Y, N]
    result = agreement.agreement(a, b)
    # p_o = 2/4 = 0.5; p_e = 0.5 x 0.5 + 0.5 x 0.5 = 0.5; kappa = 0 / 0.5 = 0.
    assert (result.observed, result.expected, result.kappa) == (Fraction(1, 2), Fraction(1, 2), 0)
    # alpha: 8 values, 4 and 4; D_o = 4/8 (two differing units, two pairs each); D_e = 2 x 4 x 4 / (8 x 7) = 32/56;
    # alpha = 1 - 0.5 x 56/32 = 1 - 28/32 = 1/8.
    assert result.alpha == pytest.approx(1 / 8)


def test_one_coder_using_the_code_everywhere_the_other_nowhere() -> None:
    result = agreement.agreement([Y, Y, Y], [N, N, N])
    # p_o = 0; p_e = 1 x 0 + 0 x 1 = 0; kappa = (0 - 0) / 1 = 0.
    assert (result.observed, result.expected, result.kappa) == (0, 0, 0)


def test_kappa_is_not_defined_when_chance_agreement_is_one() -> None:
    # Both coders use the code on every paragraph (one coder using one code throughout, and the other too):
    # p_e = 1 x 1 + 0 x 0 = 1, so kappa would divide by zero; alpha has a single value in its domain.
    result = agreement.agreement([Y, Y, Y], [Y, Y, Y])
    assert result.expected == 1 and result.kappa is None and result.alpha is None
    assert result.observed == 1
    none = agreement.agreement([N, N], [N, N])
    assert none.kappa is None and none.alpha is None


def test_no_units() -> None:
    assert agreement.agreement([], []).kappa is None


def test_agreement_from_codings_and_its_page(rita, ray, interview, codebook) -> None:
    shortages = code("reasons.staff_shortages")
    funding = code("funding.backfill_supervision")
    paragraphs = {p.index: p for p in interview.paragraphs.all()}
    # rita codes shortages on paragraphs 1 and 2; ray on 1 only. Funding: both on 4.
    for coder, index, c in ((rita, 1, shortages), (rita, 2, shortages), (ray, 1, shortages), (rita, 4, funding),
                            (ray, 4, funding)):  # fmt: skip
        services.code_segment(actor=coder, paragraph=paragraphs[index], start=0, end=5, codes=[c])
    by_code = {row.code.key: row for row in analysis.agreement_by_code(rita, ray)}
    # Shortages over 5 paragraphs: differ at 2 only, p_o = 4/5; rita 2/5 yes, ray 1/5:
    # p_e = 2/5 x 1/5 + 3/5 x 4/5 = 2/25 + 12/25 = 14/25; kappa = (20/25 - 14/25) / (11/25) = 6/11.
    row = by_code["reasons.staff_shortages"]
    assert row.result.observed == Fraction(4, 5) and row.result.kappa == Fraction(6, 11)
    assert [(p.index, a, b) for p, a, b in row.disagreements] == [(2, True, False)]
    # Funding: both on paragraph 4 only: p_o = 1; p_e = 1/25 + 16/25 = 17/25; kappa = 1.
    assert by_code["funding.backfill_supervision"].result.kappa == 1

    page = client_for(rita).get(reverse("evidence:agreement"), {"coder_a": rita.pk, "coder_b": ray.pk})
    text = page.content.decode()
    assert page.status_code == 200 and "0.545" in text and "80.0" in text  # 6/11 = 0.545...
    assert "applied by rita only" in text
