"""The coding proposal's reference data (roles/data/coding_crosswalk.json): one recommendation, with its
reason and sources, for every new role that has no NHS occupation code of its own, and codes that exist."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from newroles.roles.crosswalk import CROSSWALK_PATH, crosswalk

DATA = Path(__file__).resolve().parents[1] / "data"


def catalogue_roles() -> dict[str, dict]:
    return {r["slug"]: r for r in json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))["roles"]}


def manual() -> dict[str, dict[str, str]]:
    with open(DATA / "nhs_occupation_codes_v22_1.csv", newline="", encoding="utf-8") as f:
        return {row["occupation_code"]: row for row in csv.DictReader(f)}


def test_every_new_role_without_an_occupation_code_has_exactly_one_recommendation() -> None:
    roles = catalogue_roles()
    without_code = {
        slug for slug, r in roles.items()
        if r["newness"] != "established" and not any(c["system"] == "occupation_code" for c in r["codes"])
    }  # fmt: skip
    covered = [rec.role for rec in crosswalk().recommendations]
    assert len(covered) == len(set(covered))
    assert set(covered) == without_code


def test_recommended_codes_exist_and_are_current_in_the_manual() -> None:
    codes = manual()
    for rec in crosswalk().recommendations:
        assert rec.occupation_codes, rec.role
        for code in rec.all_codes:
            assert code in codes, (rec.role, code)
            assert codes[code]["is_currently_valid"] == "True", (rec.role, code)
        for code in rec.trainee_occupation_codes:
            assert codes[code]["occupation_level"] == "Student/Trainee", (rec.role, code)


def test_every_recommendation_says_why_what_to_propose_and_where_it_comes_from() -> None:
    data = json.loads(CROSSWALK_PATH.read_text(encoding="utf-8"))
    assert data["sources"] and data["about"]
    for rec in crosswalk().recommendations:
        assert len(rec.reason) > 80 and rec.proposal.strip(), rec.role
        assert rec.sources and all(s.strip() for s in rec.sources), rec.role
        assert rec.esr_job_role and rec.esr_staff_group and rec.area_of_work, rec.role
        assert rec.isolated_by in ("job role", "title"), rec.role


def test_a_role_said_to_be_separated_by_its_job_role_has_that_job_role_in_the_catalogue() -> None:
    roles = catalogue_roles()
    for rec in crosswalk().recommendations:
        job_roles = {c["code"] for c in roles[rec.role]["codes"] if c["system"] == "nwd_job_role"}
        if rec.isolated_by == "job role":
            assert rec.esr_job_role in job_roles, rec.role
