"""Measure the title normaliser on the labelled set of messy titles written for the second edition.

    python benchmarks/measure_titles.py [--file newroles/workforce/tests/data/messy_titles_2026.csv] [--misses]

The set (written before the normaliser was tuned to it, not the set its own tests use) holds realistic
staff-record titles with the catalogue role a reviewer would give them, or none (admin, estates, other
professions). Prints:
- precision: of the titles the normaliser answered (any role), the share answered with the right role;
- confident precision: the same over answers at or above the import's review confidence (0.8);
- new-role coverage: of the titles whose role is a new, newly titled or extended role in the catalogue,
  the share answered at all;
- coverage of every titled role, and abstention on titles that name no catalogue role.
Ends with one line: `precision=P new_role_coverage=C`.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from newroles.roles.normaliser import Normaliser, load_catalogue_roles, load_occupation_codes  # noqa: E402

DATA = ROOT / "newroles" / "roles" / "data"
DEFAULT = ROOT / "newroles" / "workforce" / "tests" / "data" / "messy_titles_2026.csv"
REVIEW_CONFIDENCE = 0.8  # as newroles.workforce.month.REVIEW_CONFIDENCE (this script needs no Django)


def measure(path: Path, *, show_misses: bool = False) -> dict[str, float]:
    """The figures above for the labelled file at `path`."""
    catalogue = json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))
    newer = {role["slug"] for role in catalogue["roles"] if role.get("newness") != "established"}
    norm = Normaliser(
        load_catalogue_roles(DATA / "catalogue.json"), load_occupation_codes(DATA / "nhs_occupation_codes_v22_1.csv")
    )
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    answered = correct = sure = sure_correct = should = covered = new = new_covered = other = abstained = 0
    misses: list[str] = []
    for row in rows:
        expected = row["expected_slug"] or None
        match = norm.normalise(row["title"], row["job_role"] or None, row["occupation_code"] or None)
        if match.slug is not None:
            answered += 1
            correct += match.slug == expected
            if match.confidence >= REVIEW_CONFIDENCE:
                sure += 1
                sure_correct += match.slug == expected
        if expected is None:
            other += 1
            abstained += match.slug is None
        else:
            should += 1
            covered += match.slug is not None
            if expected in newer:
                new += 1
                new_covered += match.slug is not None
        if match.slug != expected:
            misses.append(f"  {row['title']!r}: expected {expected}, got {match.slug} ({match.confidence:.2f})")
    if show_misses:
        print("\n".join(misses))
    figures = {
        "rows": len(rows),
        "precision": correct / answered if answered else 1.0,
        "confident_precision": sure_correct / sure if sure else 1.0,
        "new_role_coverage": new_covered / new if new else 1.0,
        "coverage": covered / should if should else 1.0,
        "abstention": abstained / other if other else 1.0,
    }
    print(f"{len(rows)} labelled titles ({new} of new, newly titled or extended roles; {other} of no catalogue role)")
    print(f"precision on answered titles: {correct}/{answered} = {figures['precision']:.3f}")
    print(f"precision on confident answers (>= {REVIEW_CONFIDENCE}): {sure_correct}/{sure} = "
          f"{figures['confident_precision']:.3f}")  # fmt: skip
    print(f"coverage of new-role titles: {new_covered}/{new} = {figures['new_role_coverage']:.3f}")
    print(f"coverage of every titled role: {covered}/{should} = {figures['coverage']:.3f}")
    print(f"abstention on other titles: {abstained}/{other} = {figures['abstention']:.3f}")
    print(f"precision={figures['precision']:.3f} new_role_coverage={figures['new_role_coverage']:.3f}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", type=Path, default=DEFAULT)
    parser.add_argument("--misses", action="store_true", help="List every title answered otherwise than labelled.")
    args = parser.parse_args()
    measure(args.file, show_misses=args.misses)


if __name__ == "__main__":
    main()
