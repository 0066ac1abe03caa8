"""Reading and writing files for the normaliser: a catalogue.json's roles in, and a CSV of titles in
and out (what `newroles normalise-titles` runs). Pure Python."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Normaliser


def load_catalogue_roles(path: str | Path) -> list[dict[str, Any]]:
    """Read the roles list from a catalogue.json file (schema in roles/data/SCHEMA.md)."""
    with open(path, encoding="utf-8") as handle:
        return list(json.load(handle)["roles"])


OUTPUT_COLUMNS = ("role_slug", "confidence", "method", "in_training")


def normalise_csv(in_path: str | Path, out_path: str | Path, normaliser: Normaliser) -> int:
    """Read a CSV with a `title` column (and optional `job_role`, `occupation_code`) and write it back
    with role_slug (empty when abstaining), confidence (0-1, 3 d.p.), method and in_training added.
    Returns the number of data rows written."""
    with open(in_path, newline="", encoding="utf-8-sig") as source:
        reader = csv.DictReader(source)
        fields = [f.strip() for f in reader.fieldnames or []]
        if "title" not in fields:
            found = ", ".join(fields) if fields else "no header row"
            raise ValueError(f"{in_path}: no 'title' column (found: {found})")
        reader.fieldnames = fields
        clashes = [c for c in OUTPUT_COLUMNS if c in fields]
        if clashes:
            raise ValueError(f"{in_path}: input already has output column(s) {', '.join(clashes)}")
        rows = list(reader)
    matches = normaliser.normalise_many(rows)
    with open(out_path, "w", newline="", encoding="utf-8") as target:
        writer = csv.DictWriter(target, fieldnames=[*fields, *OUTPUT_COLUMNS], extrasaction="ignore")
        writer.writeheader()
        for row, match in zip(rows, matches, strict=True):
            writer.writerow(
                {
                    **row,
                    "role_slug": match.slug or "",
                    "confidence": f"{match.confidence:.3f}",
                    "method": match.method,
                    "in_training": "true" if match.in_training else "false",
                }
            )
    return len(rows)
