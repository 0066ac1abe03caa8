"""The normaliser on the labelled set of 290 messy titles written for the second edition of the staff
record (benchmarks/measure_titles.py prints the same figures): precision >= 0.98 on titles answered,
coverage >= 0.95 of titles of new, newly titled or extended roles."""

from __future__ import annotations

import csv
import importlib.util
import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
DATA = Path(__file__).resolve().parent / "data" / "messy_titles_2026.csv"


def _measure():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("measure_titles", ROOT / "benchmarks" / "measure_titles.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module.measure


def test_the_set_is_well_formed() -> None:
    slugs = {r["slug"] for r in json.loads((ROOT / "newroles/roles/data/catalogue.json").read_text())["roles"]}
    with open(DATA, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) >= 280
    assert {r["expected_slug"] for r in rows if r["expected_slug"]} <= slugs
    assert len({r["title"] for r in rows}) == len(rows)
    assert sum(1 for r in rows if not r["expected_slug"]) >= 50


def test_precision_and_new_role_coverage(capsys) -> None:  # type: ignore[no-untyped-def]
    figures = _measure()(DATA)
    print(capsys.readouterr().out)
    assert figures["precision"] >= 0.98
    assert figures["new_role_coverage"] >= 0.95
