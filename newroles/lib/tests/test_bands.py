"""Agenda for Change bands: one list, in order, shared by the catalogue, the staff record and the typology."""

from __future__ import annotations

import pytest

from newroles.lib.bands import AFC_BANDS, BAND_CHOICES, band_index
from newroles.skillmix import typology


def test_bands_sort_8a_to_8d_between_7_and_9() -> None:
    assert sorted(["9", "8b", "7", "8a", "8d", "8c"], key=band_index) == ["7", "8a", "8b", "8c", "8d", "9"]
    assert band_index(" 8A ") == AFC_BANDS.index("8a")


def test_anything_else_is_not_a_band() -> None:
    with pytest.raises(ValueError):
        band_index("10")


def test_choices_name_each_band() -> None:
    assert BAND_CHOICES[0] == ("1", "Band 1") and BAND_CHOICES[-1] == ("9", "Band 9")


def test_the_typology_uses_the_same_bands() -> None:
    assert typology.AFC_BANDS is AFC_BANDS
