"""The coding proposal for new roles without an NHS occupation code of their own (reference data).

`roles/data/coding_crosswalk.json` says, for each such role, which occupation code and ESR job role trusts
should use today, which ESR staff group and area of work best separate the role, why, and what the
occupation code manual could add. It is national reference data read from the file, like the catalogue's
sources: it changes by review, not by editing in the app. How trusts actually code each role is live
evidence from their staff records, worked out by the staff-record app, which shows the two side by side.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CROSSWALK_PATH = Path(__file__).resolve().parent / "data" / "coding_crosswalk.json"


@dataclass(frozen=True)
class CodingRecommendation:
    """How to record one role in the staff record today, and what the manual could add."""

    role: str  # catalogue slug
    occupation_codes: tuple[str, ...]
    trainee_occupation_codes: tuple[str, ...]
    esr_job_role: str
    esr_staff_group: str
    area_of_work: str
    isolated_by: str  # what separates the role in the staff record today: "job role" or "title"
    reason: str
    proposal: str
    sources: tuple[str, ...]

    @property
    def all_codes(self) -> tuple[str, ...]:
        return self.occupation_codes + self.trainee_occupation_codes


@dataclass(frozen=True)
class Crosswalk:
    """The whole proposal: its date, what it is, its sources and one recommendation per role."""

    as_of: str
    about: str
    sources: tuple[str, ...]
    recommendations: tuple[CodingRecommendation, ...]

    def for_role(self, slug: str) -> CodingRecommendation | None:
        return next((r for r in self.recommendations if r.role == slug), None)


def _recommendation(entry: dict[str, Any]) -> CodingRecommendation:
    return CodingRecommendation(
        role=entry["role"],
        occupation_codes=tuple(entry["occupation_codes"]),
        trainee_occupation_codes=tuple(entry.get("trainee_occupation_codes", ())),
        esr_job_role=entry["esr_job_role"],
        esr_staff_group=entry["esr_staff_group"],
        area_of_work=entry["area_of_work"],
        isolated_by=entry["isolated_by"],
        reason=entry["reason"],
        proposal=entry["proposal"],
        sources=tuple(entry["sources"]),
    )


@cache
def crosswalk(path: Path = CROSSWALK_PATH) -> Crosswalk:
    """The proposal as the file holds it (read once per process)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return Crosswalk(
        as_of=data["as_of"],
        about=data["about"],
        sources=tuple(data["sources"]),
        recommendations=tuple(_recommendation(e) for e in data["roles"]),
    )
