"""The normaliser built from the database answers as the one built from catalogue.json."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from newroles.roles.models import Role, RoleAlias
from newroles.roles.normaliser import Normaliser, load_catalogue_roles, load_occupation_codes
from newroles.roles.titles import catalogue_roles
from newroles.workforce.models import TitleDecision
from newroles.workforce.normalisers import normaliser_for, trust_aliases

pytestmark = pytest.mark.django_db

HERE = Path(__file__).resolve().parent
ROLES_DATA = HERE.parents[1] / "roles" / "data"


def test_the_database_normaliser_matches_the_json_one_on_the_labelled_set() -> None:
    from_json = Normaliser(
        load_catalogue_roles(ROLES_DATA / "catalogue.json"),
        load_occupation_codes(ROLES_DATA / "nhs_occupation_codes_v22_1.csv"),
    )
    from_db = normaliser_for(None)
    with open(ROLES_DATA.parent / "tests" / "data" / "labelled_titles.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    differ = [
        row["title"]
        for row in rows
        if from_json.normalise(row["title"], row["job_role"] or None, row["occupation_code"] or None)
        != from_db.normalise(row["title"], row["job_role"] or None, row["occupation_code"] or None)
    ]
    assert differ == []


def test_proposed_national_aliases_match_nothing() -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    RoleAlias.objects.create(role=psw, title="Lived Experience Navigator", status=RoleAlias.PROPOSED)
    assert all(a["title"] != "Lived Experience Navigator" for r in catalogue_roles() for a in r["aliases"])
    assert normaliser_for(None).normalise("Lived Experience Navigator").slug is None


def test_a_trusts_aliases_and_decisions_reach_its_normaliser(sheffield, rotherham) -> None:
    psw = Role.objects.get(slug="peer_support_worker")
    RoleAlias.objects.create(role=psw, title="Lived Experience Navigator", trust=sheffield)
    TitleDecision.objects.create(trust=sheffield, key="peer support", outcome=TitleDecision.NOT_NEW)
    assert trust_aliases(sheffield) == [("Lived Experience Navigator", "peer_support_worker"), ("peer support", None)]
    sheffields = normaliser_for(sheffield)
    assert sheffields.normalise("Lived Experience Navigator - CMHT").slug == "peer_support_worker"
    assert sheffields.normalise("Peer Support").slug is None
    assert normaliser_for(rotherham).normalise("Peer Support").slug == "peer_support_worker"
