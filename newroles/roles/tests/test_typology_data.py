"""Checks on the skill-mix typology's facts about each role (``roles/data/typology.json``) and their loading.

The file is read directly, so the content checks need no database; the last tests check the loader puts the
facts on the catalogue's roles.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from newroles.accounts import policy
from newroles.lib.bands import AFC_BANDS, band_index
from newroles.lib.levels import LEVELS
from newroles.roles.models import Role
from newroles.roles.typology_facts import TypologyDataError, load_typology_facts, role_typology_fields

DATA_DIR = Path(__file__).resolve().parents[1] / "data"


@cache
def typology() -> dict[str, Any]:
    return json.loads((DATA_DIR / "typology.json").read_text(encoding="utf-8"))


@cache
def catalogue() -> dict[str, dict[str, Any]]:
    data = json.loads((DATA_DIR / "catalogue.json").read_text(encoding="utf-8"))
    return {role["slug"]: role for role in data["roles"]}


def facts() -> list[tuple[str, dict[str, Any]]]:
    return sorted(typology()["roles"].items())


def _sentence(text: Any) -> bool:
    return isinstance(text, str) and len(text.strip()) > 20 and text.strip().endswith((".", "'"))


def test_every_catalogue_role_has_a_level_with_a_reason_and_a_source() -> None:
    missing = sorted(set(catalogue()) - set(typology()["roles"]))
    assert not missing, f"roles with no level of training and expertise in typology.json: {missing}"
    for slug in catalogue():
        entry = typology()["roles"][slug]
        assert entry["level"] in LEVELS, slug
        assert _sentence(entry["level_reason"]), f"{slug}: the level needs its reason"
        assert entry["level_source"], f"{slug}: the level needs a source"


def test_no_facts_for_roles_the_catalogue_lacks() -> None:
    assert not set(typology()["roles"]) - set(catalogue())


def test_the_file_defines_every_level_and_cites_only_its_sources() -> None:
    data = typology()
    assert set(data) == {"as_of", "about", "levels", "sources", "roles"}
    assert tuple(data["levels"]) == LEVELS
    assert all(text.strip() for text in data["sources"].values())
    used = set()
    for slug, entry in facts():
        keys = entry["level_source"] + entry["new_practice_source"]
        keys += [key for relation in entry.get("new_title_of", []) for key in relation["source"]]
        unknown = set(keys) - set(data["sources"])
        assert not unknown, f"{slug}: unknown sources {unknown}"
        used |= set(keys)
    assert used == set(data["sources"]), "every source listed is cited"


@pytest.mark.parametrize(("slug", "entry"), facts(), ids=[slug for slug, _ in facts()])
def test_the_innovation_default_has_a_reason_and_a_source(slug: str, entry: dict[str, Any]) -> None:
    assert isinstance(entry["new_practice"], bool)
    assert _sentence(entry["new_practice_reason"])
    assert entry["new_practice_source"]


def test_only_doctors_are_at_the_medical_level() -> None:
    for slug, entry in facts():
        assert (entry["level"] == "medical") == catalogue()[slug]["medical"], slug


def test_the_levels_the_typology_rests_on() -> None:
    level = {slug: entry["level"] for slug, entry in facts()}
    # Registered associates and graduate-certificate practitioners on accredited registers.
    for slug in ("nursing_associate", "pharmacy_technician", "psychological_wellbeing_practitioner"):
        assert level[slug] == "associate", slug
    # Registered professionals, whether their register is statutory or accredited.
    for slug in ("mental_health_nurse", "occupational_therapist", "social_worker", "clinical_psychologist",
                 "paramedic", "pharmacist", "cbt_therapist", "psychotherapist"):  # fmt: skip
        assert level[slug] == "registered_professional", slug
    for slug in ("advanced_practitioner", "nurse_consultant", "multi_professional_approved_clinician"):
        assert level[slug] == "advanced", slug
    for slug in ("healthcare_support_worker", "peer_support_worker", "support_time_recovery_worker"):
        assert level[slug] == "support", slug


def test_lived_experience_is_new_to_most_teams() -> None:
    entry = typology()["roles"]["peer_support_worker"]
    assert entry["new_practice"] is True
    assert "lived experience" in entry["new_practice_reason"]


def test_new_titles_name_catalogue_roles_at_bands_both_roles_have() -> None:
    for slug, entry in facts():
        for relation in entry.get("new_title_of", []):
            older = catalogue()[relation["role"]]
            newer = catalogue()[slug]
            assert relation["role"] != slug
            assert relation["bands"] and set(relation["bands"]) <= set(AFC_BANDS)
            for role in (older, newer):
                low, high = band_index(role["band_min"]), band_index(role["band_max"])
                assert all(low <= band_index(band) <= high for band in relation["bands"]), (slug, role["slug"])
            assert _sentence(relation["reason"]) and relation["source"]


def test_the_catalogues_new_titles_say_what_they_are_new_titles_for() -> None:
    new_titles = {slug for slug, role in catalogue().items() if role["newness"] == "new_title"}
    for slug in new_titles:
        assert typology()["roles"][slug].get("new_title_of"), slug
    nurse = next(r for r in typology()["roles"]["mental_health_practitioner"]["new_title_of"])
    assert nurse["role"] == "mental_health_nurse" and "6" in nurse["bands"]


# Loading ------------------------------------------------------------------------------------------


def test_every_catalogue_role_carries_its_facts_once_loaded(db) -> None:
    assert not Role.objects.filter(level="").exists()
    assert not Role.objects.filter(level_reason="").exists()
    assert not Role.objects.filter(level_source="").exists()
    peer = Role.objects.get(slug="peer_support_worker")
    assert peer.level == "support" and peer.new_practice
    assert "Competence Framework for Mental Health Peer Support Workers" in peer.new_practice_source
    mhp = Role.objects.get(slug="mental_health_practitioner")
    assert {t["role"] for t in mhp.new_title_of} == {"mental_health_nurse", "occupational_therapist", "social_worker"}
    assert all("University of Sheffield" in t["source"] for t in mhp.new_title_of)


def test_loading_again_writes_nothing(db) -> None:
    assert load_typology_facts(actor=policy.SYSTEM)["typology_roles_changed"] == 0


def test_a_curated_role_still_gets_its_typology_facts(db) -> None:
    role = Role.objects.get(slug="nursing_associate")
    Role.objects.filter(pk=role.pk).update(curated=True, level="", level_reason="")
    load_typology_facts(actor=policy.SYSTEM)
    role.refresh_from_db()
    assert role.level == "associate" and role.level_reason


def test_a_wrong_file_is_refused_naming_the_role(db, tmp_path) -> None:
    data = json.loads(json.dumps(typology()))
    data["roles"]["nursing_associate"]["level"] = "senior"
    path = tmp_path / "typology.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TypologyDataError, match="nursing_associate: level 'senior'"):
        load_typology_facts(path=path)
    data = json.loads(json.dumps(typology()))
    data["roles"]["no_such_role"] = data["roles"]["nursing_associate"]
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(TypologyDataError, match=r"no_such_role: in typology\.json but not in the role catalogue"):
        load_typology_facts(path=path)


def test_an_unknown_source_key_is_refused() -> None:
    entry = dict(typology()["roles"]["nursing_associate"], level_source=["nowhere"])
    with pytest.raises(TypologyDataError, match="unknown source nowhere"):
        role_typology_fields("nursing_associate", entry, typology(), set(catalogue()))
