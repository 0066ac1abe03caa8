"""Agenda for Change pay bands, in order (pure Python, no Django)."""

from __future__ import annotations

AFC_BANDS: tuple[str, ...] = ("1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9")
BAND_CHOICES = [(b, f"Band {b}") for b in AFC_BANDS]


def band_index(band: str) -> int:
    """Position of a band in AFC_BANDS (8a < 8b < ... < 9); ValueError for anything else."""
    return AFC_BANDS.index(band.strip().lower())
