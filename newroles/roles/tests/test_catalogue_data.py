"""Checks on the national role catalogue and the national role packs (reference data, no database).

The files are read relative to this test, so the checks run before any model exists:
``newroles/roles/data/catalogue.json`` (format in ``SCHEMA.md`` beside it) and one pack per case-study role in
``newroles/roles/data/packs/<slug>.json``. Occupation codes are checked against NHS England's Occupation Code
Manual lookup in the shared folder beside the repository.
"""

from __future__ import annotations

import csv
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

DATA_DIR = Path(__file__).resolve().parents[1] / "data"
CATALOGUE_PATH = DATA_DIR / "catalogue.json"
PACKS_DIR = DATA_DIR / "packs"
OCCUPATION_CODES_PATH = (
    Path(__file__).resolve().parents[3].parent / "shared" / "data" / "nhs_occupation_codes_v22_1.csv"
)

NEW_ROLES = {
    "peer_support_worker",
    "mental_health_practitioner",
    "nursing_associate",
    "physician_associate",
    "advanced_practitioner",
    "multi_professional_approved_clinician",
    "mental_health_wellbeing_practitioner",
    "clinical_associate_in_psychology",
    "childrens_wellbeing_practitioner",
    "education_mental_health_practitioner",
    "associate_psychological_practitioner",
    "psychological_wellbeing_practitioner",
    "paramedic",
    "social_prescribing_link_worker",
    "health_and_wellbeing_coach",
}
ESTABLISHED_ROLES = {
    "mental_health_nurse",
    "psychiatrist",
    "clinical_psychologist",
    "assistant_psychologist",
    "occupational_therapist",
    "social_worker",
    "approved_mental_health_professional",
    "healthcare_support_worker",
    "support_time_recovery_worker",
    "pharmacist",
    "nurse_consultant",
    "cbt_therapist",
    "counsellor",
    "psychotherapist",
    "physiotherapist",
    "dietitian",
    "arts_therapist",
}
CASE_STUDY_ROLES = {
    "advanced_practitioner",
    "clinical_associate_in_psychology",
    "education_mental_health_practitioner",
    "mental_health_wellbeing_practitioner",
    "multi_professional_approved_clinician",
    "nursing_associate",
    "peer_support_worker",
    "physician_associate",
}

# Enumerations exactly as SCHEMA.md spells them.
STAFF_GROUPS = {
    "HCHS doctors",
    "Nurses & health visitors",
    "Midwives",
    "Ambulance staff",
    "Scientific, therapeutic & technical staff",
    "Support to doctors, nurses & midwives",
    "Support to ambulance staff",
    "Support to ST&T staff",
    "NHS infrastructure support",
    "Other staff or those with unknown classification",
}
NEWNESS = {"new_role", "new_title", "extended_role", "established"}
REGULATORS = {"nmc", "gmc", "hcpc", "swe", "gphc", "accredited_register", "none"}
STATUTORY_REGULATORS = {"nmc", "gmc", "hcpc", "swe", "gphc"}
REGISTRATION = {"statutory", "voluntary", "none"}
AFC_BANDS = ["1", "2", "3", "4", "5", "6", "7", "8a", "8b", "8c", "8d", "9"]
ENTRY_ROUTES = {"degree", "apprenticeship", "in_service", "trainee_post", "postgraduate"}
TEAM_TYPES = {
    "community",
    "inpatient",
    "crisis",
    "camhs",
    "talking_therapies",
    "perinatal",
    "early_intervention",
    "forensic",
    "learning_disability",
    "older_adults",
    "primary_care",
    "liaison",
    "schools",
}
ALIAS_KINDS = {"abbreviation", "variant", "former_title", "trainee"}
CODE_SYSTEMS = {"occupation_code", "nwd_job_role", "sds_job_role"}

ROLE_KEYS = {
    "slug",
    "name",
    "staff_group",
    "newness",
    "newness_reason",
    "first_year",
    "regulator",
    "registration",
    "regulation_note",
    "medical",
    "band_min",
    "band_max",
    "entry_routes",
    "training_note",
    "supervision",
    "supervises_others",
    "lead_time_months",
    "lead_times",
    "typical_teams",
    "case_study",
    "pen_portrait",
    "aliases",
    "codes",
}
PACK_COMPONENTS = {
    "job_description",
    "person_specification",
    "competency_framework",
    "sops",
    "career_pathway",
    "pay_and_banding",
    "governance_and_regulation",
    "supervision_model",
    "training_and_education",
    "recruitment",
    "evaluation_evidence",
}
PEN_PORTRAIT_PARTS = ("what", "why", "challenges")
FULL_PORTRAIT_MIN_CHARS = 200

# Smartcard job role codes the catalogue must carry, by role.
REQUIRED_SDS_CODES = {
    "nursing_associate": {"R9809", "R9816"},
    "physician_associate": {"R9813"},
    "mental_health_practitioner": {"R9808"},
    "support_time_recovery_worker": {"R1710"},
}


@cache
def catalogue() -> dict[str, Any]:
    return json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))


def roles() -> list[dict[str, Any]]:
    return catalogue()["roles"]


def roles_by_slug() -> dict[str, dict[str, Any]]:
    return {role["slug"]: role for role in roles()}


@cache
def occupation_codes() -> dict[str, dict[str, str]]:
    with OCCUPATION_CODES_PATH.open(newline="", encoding="utf-8") as f:
        return {row["occupation_code"]: row for row in csv.DictReader(f)}


@cache
def pack(slug: str) -> dict[str, Any]:
    return json.loads((PACKS_DIR / f"{slug}.json").read_text(encoding="utf-8"))


def band_index(band: str) -> int:
    return AFC_BANDS.index(band)


def normalise_title(title: str) -> str:
    """Lower case, letters and digits only, single spaces: the form titles are matched on."""
    return re.sub(r"[^a-z0-9]+", " ", title.casefold()).strip()


def role_ids(role: dict[str, Any]) -> str:
    return role["slug"]


# ---------------------------------------------------------------- catalogue: shape


def test_catalogue_has_as_of_sources_and_roles() -> None:
    data = catalogue()
    assert set(data) == {"as_of", "sources", "roles"}
    assert data["as_of"] == "2026"
    assert data["sources"], "the catalogue names the public sources it rests on"
    assert all(isinstance(source, str) and source.strip() for source in data["sources"])
    assert isinstance(data["roles"], list)


def test_all_required_slugs_are_present() -> None:
    slugs = {role["slug"] for role in roles()}
    missing = (NEW_ROLES | ESTABLISHED_ROLES) - slugs
    assert not missing, f"missing roles: {sorted(missing)}"


def test_slugs_are_unique_and_well_formed() -> None:
    slugs = [role["slug"] for role in roles()]
    assert len(slugs) == len(set(slugs))
    for slug in slugs:
        assert re.fullmatch(r"[a-z0-9_]+", slug), slug


def test_names_are_unique() -> None:
    names = [normalise_title(role["name"]) for role in roles()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_role_has_exactly_the_schema_keys(role: dict[str, Any]) -> None:
    assert set(role) == ROLE_KEYS


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_role_enums_are_valid(role: dict[str, Any]) -> None:
    assert role["staff_group"] in STAFF_GROUPS
    assert role["newness"] in NEWNESS
    assert role["regulator"] in REGULATORS
    assert role["registration"] in REGISTRATION
    assert set(role["entry_routes"]) <= ENTRY_ROUTES
    assert role["entry_routes"], "every role has at least one entry route"
    assert set(role["typical_teams"]) <= TEAM_TYPES
    assert role["typical_teams"], "every role names at least one typical team"
    assert len(role["entry_routes"]) == len(set(role["entry_routes"]))
    assert len(role["typical_teams"]) == len(set(role["typical_teams"]))


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_role_text_fields_are_filled(role: dict[str, Any]) -> None:
    for key in ("name", "newness_reason", "regulation_note", "training_note"):
        assert isinstance(role[key], str) and role[key].strip(), key


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_scalar_types(role: dict[str, Any]) -> None:
    assert isinstance(role["medical"], bool)
    assert isinstance(role["case_study"], bool)
    assert isinstance(role["supervises_others"], bool)
    assert isinstance(role["lead_time_months"], int) and not isinstance(role["lead_time_months"], bool)
    assert 0 < role["lead_time_months"] <= 36
    first_year = role["first_year"]
    assert first_year is None or (isinstance(first_year, int) and 1948 <= first_year <= 2026)


LEAD_TIME_KEYS = {"recruit_months", "recruit_source", "qualify_months", "qualify_source"}


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_every_lead_time_figure_has_a_source_and_unknown_stays_empty(role: dict[str, Any]) -> None:
    """Forewarning compares planned dates with these figures: each known one names a public source (with its
    address), and a figure no source gives is null rather than a guess."""
    lead = role["lead_times"]
    assert set(lead) == LEAD_TIME_KEYS
    for figure, source in (("recruit_months", "recruit_source"), ("qualify_months", "qualify_source")):
        months = lead[figure]
        if months is None:
            assert lead[source] == "", f"{figure} is unknown, so {source} should be empty"
            continue
        assert isinstance(months, int) and not isinstance(months, bool)
        assert 0 < months <= 120, f"{figure}={months} is outside the model's range"
        assert isinstance(lead[source], str) and len(lead[source]) >= 40, f"{figure} has no source"
        assert re.search(r"https?://\S+", lead[source]), f"{source} names no public address"


def test_the_new_training_routes_have_their_programme_lengths() -> None:
    """The roles the study calls new, whose training route is a fixed programme, each carry its length."""
    by_slug = roles_by_slug()
    expected = {
        "nursing_associate": 24, "physician_associate": 24, "mental_health_wellbeing_practitioner": 12,
        "psychological_wellbeing_practitioner": 12, "education_mental_health_practitioner": 12,
        "childrens_wellbeing_practitioner": 12, "clinical_associate_in_psychology": 18,
    }  # fmt: skip
    assert {slug: by_slug[slug]["lead_times"]["qualify_months"] for slug in expected} == expected


def test_new_roles_are_not_marked_established_and_established_roles_are() -> None:
    by_slug = roles_by_slug()
    for slug in NEW_ROLES:
        assert by_slug[slug]["newness"] != "established", slug
    for slug in ESTABLISHED_ROLES:
        assert by_slug[slug]["newness"] == "established", slug


def test_mental_health_practitioner_is_a_new_title_and_says_trusts_disagree() -> None:
    role = roles_by_slug()["mental_health_practitioner"]
    assert role["newness"] == "new_title"
    assert "disagree" in role["newness_reason"]


# ---------------------------------------------------------------- catalogue: bands and regulation


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_bands_are_agenda_for_change_and_ordered(role: dict[str, Any]) -> None:
    if role["medical"]:
        assert role["band_min"] is None and role["band_max"] is None, "medical roles have no AfC band"
        return
    assert role["band_min"] in AFC_BANDS
    assert role["band_max"] in AFC_BANDS
    assert band_index(role["band_min"]) <= band_index(role["band_max"])


def test_only_doctors_are_medical() -> None:
    medical = {role["slug"] for role in roles() if role["medical"]}
    assert medical == {"psychiatrist"}
    assert all(role["staff_group"] == "HCHS doctors" for role in roles() if role["medical"])


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_regulator_and_registration_agree(role: dict[str, Any]) -> None:
    if role["regulator"] in STATUTORY_REGULATORS:
        assert role["registration"] == "statutory"
    if role["regulator"] == "accredited_register":
        assert role["registration"] == "voluntary"
    if role["registration"] == "voluntary":
        assert role["regulator"] == "accredited_register"


def test_key_regulation_facts() -> None:
    by_slug = roles_by_slug()
    assert by_slug["nursing_associate"]["regulator"] == "nmc"
    assert "28 January 2019" in by_slug["nursing_associate"]["regulation_note"]
    assert by_slug["physician_associate"]["regulator"] == "gmc"
    assert "13 December 2024" in by_slug["physician_associate"]["regulation_note"]
    assert by_slug["psychiatrist"]["regulator"] == "gmc"
    assert by_slug["social_worker"]["regulator"] == "swe"
    assert by_slug["pharmacist"]["regulator"] == "gphc"
    assert by_slug["clinical_associate_in_psychology"]["registration"] != "statutory"
    assert by_slug["peer_support_worker"]["regulator"] == "none"


# ---------------------------------------------------------------- catalogue: supervision


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_supervision_is_complete_and_plausible(role: dict[str, Any]) -> None:
    supervision = role["supervision"]
    assert set(supervision) == {"supervisor", "frequency", "hours_per_week_per_wte"}
    assert supervision["supervisor"].strip()
    assert supervision["frequency"].strip()
    hours = supervision["hours_per_week_per_wte"]
    assert isinstance(hours, float)
    assert 0 < hours <= 5


def test_senior_registered_roles_supervise_others() -> None:
    by_slug = roles_by_slug()
    for slug in (
        "mental_health_nurse",
        "psychiatrist",
        "clinical_psychologist",
        "occupational_therapist",
        "social_worker",
        "nurse_consultant",
        "advanced_practitioner",
        "multi_professional_approved_clinician",
    ):
        assert by_slug[slug]["supervises_others"], slug
    for slug in ("peer_support_worker", "healthcare_support_worker", "assistant_psychologist"):
        assert not by_slug[slug]["supervises_others"], slug


# ---------------------------------------------------------------- catalogue: pen portraits


def test_exactly_the_eight_case_study_roles_are_flagged() -> None:
    assert {role["slug"] for role in roles() if role["case_study"]} == CASE_STUDY_ROLES


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_every_role_has_a_pen_portrait(role: dict[str, Any]) -> None:
    portrait = role["pen_portrait"]
    assert set(portrait) == set(PEN_PORTRAIT_PARTS)
    for part in PEN_PORTRAIT_PARTS:
        assert isinstance(portrait[part], str) and portrait[part].strip(), part


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_case_study_roles_have_full_dated_pen_portraits(slug: str) -> None:
    portrait = roles_by_slug()[slug]["pen_portrait"]
    for part in PEN_PORTRAIT_PARTS:
        assert len(portrait[part]) >= FULL_PORTRAIT_MIN_CHARS, f"{slug}.{part} is too short"
    assert "2026" in portrait["what"], "the description is dated 'as of 2026'"


# ---------------------------------------------------------------- catalogue: aliases


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_aliases_are_well_formed(role: dict[str, Any]) -> None:
    assert role["aliases"], "every role has at least one title variant"
    for alias in role["aliases"]:
        assert set(alias) == {"title", "kind", "in_training"}
        assert alias["title"].strip() == alias["title"] and alias["title"]
        assert alias["kind"] in ALIAS_KINDS
        assert isinstance(alias["in_training"], bool)
        if alias["kind"] == "trainee":
            assert alias["in_training"], alias["title"]


def test_no_alias_title_is_shared_by_two_roles() -> None:
    owner: dict[str, str] = {}
    for role in roles():
        titles = {normalise_title(alias["title"]) for alias in role["aliases"]}
        assert len(titles) == len(role["aliases"]), f"{role['slug']} repeats an alias"
        for title in titles:
            assert title not in owner, f"{title!r} belongs to {owner.get(title)} and {role['slug']}"
            owner[title] = role["slug"]


def test_no_alias_is_another_roles_name() -> None:
    names = {normalise_title(role["name"]): role["slug"] for role in roles()}
    for role in roles():
        for alias in role["aliases"]:
            name_owner = names.get(normalise_title(alias["title"]))
            assert name_owner in (None, role["slug"]), f"{alias['title']!r} is the name of {name_owner}"


def test_common_titles_are_recognised() -> None:
    owner = {normalise_title(alias["title"]): role["slug"] for role in roles() for alias in role["aliases"]}
    expected = {
        "PSW": "peer_support_worker",
        "Peer Worker": "peer_support_worker",
        "Lived Experience Practitioner": "peer_support_worker",
        "MHP": "mental_health_practitioner",
        "NA": "nursing_associate",
        "TNA": "nursing_associate",
        "Trainee Nursing Associate": "nursing_associate",
        "PA": "physician_associate",
        "Physician Assistant": "physician_associate",
        "ACP": "advanced_practitioner",
        "Advanced Nurse Practitioner": "advanced_practitioner",
        "MPAC": "multi_professional_approved_clinician",
        "NMRC": "multi_professional_approved_clinician",
        "Responsible Clinician": "multi_professional_approved_clinician",
        "Mental Health Well-being Practitioner": "mental_health_wellbeing_practitioner",
        "CAP": "clinical_associate_in_psychology",
        "CWP": "childrens_wellbeing_practitioner",
        "Educational Mental Health Practitioner": "education_mental_health_practitioner",
        "APP": "associate_psychological_practitioner",
        "Trainee PWP": "psychological_wellbeing_practitioner",
        "AMHP": "approved_mental_health_professional",
        "STR": "support_time_recovery_worker",
        "HCA": "healthcare_support_worker",
        "Nursing Assistant": "healthcare_support_worker",
        "RMN": "mental_health_nurse",
        "CPN": "mental_health_nurse",
        "Consultant Psychiatrist": "psychiatrist",
        "Specialty Doctor": "psychiatrist",
        "OT": "occupational_therapist",
        "High Intensity Therapist": "cbt_therapist",
        "Art Psychotherapist": "arts_therapist",
        "Dramatherapist": "arts_therapist",
    }
    for title, slug in expected.items():
        assert owner.get(normalise_title(title)) == slug, title


def test_ambiguous_abbreviations_are_marked_as_abbreviations() -> None:
    kinds = {alias["title"]: alias["kind"] for role in roles() for alias in role["aliases"]}
    for title in ("NA", "PA", "AP", "ACP", "CAP", "OT", "HCA"):
        assert kinds[title] == "abbreviation", title


def test_trainee_titles_are_in_training() -> None:
    for role in roles():
        for alias in role["aliases"]:
            words = normalise_title(alias["title"]).split()
            if words[0] in {"trainee", "student", "apprentice"}:
                assert alias["in_training"], alias["title"]


# ---------------------------------------------------------------- catalogue: codes


@pytest.mark.parametrize("role", roles(), ids=role_ids)
def test_codes_are_well_formed(role: dict[str, Any]) -> None:
    for code in role["codes"]:
        assert set(code) == {"system", "code", "label", "in_training"}
        assert code["system"] in CODE_SYSTEMS
        assert isinstance(code["code"], str) and code["code"].strip() == code["code"] and code["code"]
        assert isinstance(code["label"], str) and code["label"].strip()
        assert isinstance(code["in_training"], bool)
        if code["system"] == "sds_job_role":
            assert re.fullmatch(r"R\d{4}", code["code"]), code["code"]


def test_each_code_points_at_one_role() -> None:
    owner: dict[tuple[str, str], str] = {}
    for role in roles():
        for code in role["codes"]:
            key = (code["system"], code["code"].casefold())
            assert key not in owner, f"{key} belongs to {owner.get(key)} and {role['slug']}"
            owner[key] = role["slug"]


def test_every_occupation_code_exists_in_the_occupation_code_manual() -> None:
    known = occupation_codes()
    for role in roles():
        for code in role["codes"]:
            if code["system"] == "occupation_code":
                assert code["code"] in known, f"{role['slug']}: {code['code']} is not in the manual"
                assert code["label"] == known[code["code"]]["occupation_code_name"], code["code"]


def test_occupation_code_training_flags_follow_the_manual() -> None:
    known = occupation_codes()
    for role in roles():
        for code in role["codes"]:
            if code["system"] != "occupation_code":
                continue
            name = known[code["code"]]["occupation_code_name"]
            is_training_code = "Student" in name or "Trainee" in name
            assert code["in_training"] == is_training_code, f"{role['slug']}: {code['code']} {name}"


def test_qualified_occupation_codes_sit_in_the_roles_staff_group() -> None:
    known = occupation_codes()
    for role in roles():
        for code in role["codes"]:
            if code["system"] == "occupation_code" and not code["in_training"]:
                assert known[code["code"]]["broad_staff_group"] == role["staff_group"], (
                    f"{role['slug']}: {code['code']} is {known[code['code']]['broad_staff_group']}"
                )


def test_required_smartcard_codes_are_present() -> None:
    by_slug = roles_by_slug()
    for slug, required in REQUIRED_SDS_CODES.items():
        present = {code["code"] for code in by_slug[slug]["codes"] if code["system"] == "sds_job_role"}
        assert required <= present, slug
    trainee = next(code for code in by_slug["nursing_associate"]["codes"] if code["code"] == "R9816")
    assert trainee["in_training"]


def test_nursing_associate_occupation_codes_include_mental_health_settings() -> None:
    codes = {code["code"]: code for code in roles_by_slug()["nursing_associate"]["codes"]}
    for qualified in ("NGD", "NGE"):
        assert not codes[qualified]["in_training"]
    for student in ("NHD", "NHE"):
        assert codes[student]["in_training"]


# ---------------------------------------------------------------- role packs


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_case_study_role_has_a_pack(slug: str) -> None:
    assert (PACKS_DIR / f"{slug}.json").is_file(), f"no pack for {slug}"


def test_every_pack_is_for_a_catalogued_role() -> None:
    slugs = {role["slug"] for role in roles()}
    for path in PACKS_DIR.glob("*.json"):
        assert path.stem in slugs, path.name


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_pack_header(slug: str) -> None:
    data = pack(slug)
    assert set(data) == {"role", "version", "title", "as_of", "review_by", "components", "not_yet_written"}
    assert data["role"] == slug
    assert isinstance(data["version"], int) and data["version"] >= 1
    assert data["title"].startswith("National role pack: ")
    assert data["as_of"] == "2026"


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_pack_components_are_filled_or_declared_not_yet_written(slug: str) -> None:
    data = pack(slug)
    components = data["components"]
    assert set(components) == PACK_COMPONENTS
    not_yet_written = data["not_yet_written"]
    assert isinstance(not_yet_written, list)
    assert set(not_yet_written) <= PACK_COMPONENTS
    assert len(not_yet_written) == len(set(not_yet_written))
    for key in PACK_COMPONENTS:
        value = components[key]
        if key == "career_pathway":
            assert set(value) == {"text", "steps"}
            filled = bool(value["text"].strip()) and bool(value["steps"])
        elif key == "pay_and_banding":
            assert set(value) == {"text", "job_profile"}
            filled = bool(value["text"].strip()) and bool(value["job_profile"].strip())
        else:
            assert isinstance(value, str)
            filled = bool(value.strip())
        if key in not_yet_written:
            assert not filled, f"{slug}.{key} is written but listed as not yet written"
        else:
            assert filled, f"{slug}.{key} is empty and not listed in not_yet_written"


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_pack_career_pathway_steps_reference_catalogued_roles(slug: str) -> None:
    by_slug = roles_by_slug()
    steps = pack(slug)["components"]["career_pathway"]["steps"]
    assert any(step["role"] == slug for step in steps), "the pathway includes the role itself"
    for step in steps:
        assert set(step) <= {"role", "title", "band", "in_training"}
        assert {"role", "title", "band"} <= set(step)
        assert step["role"] in by_slug, f"{slug}: unknown role {step['role']}"
        assert step["title"].strip()
        band = step["band"]
        assert band is None or band in AFC_BANDS, band
        in_training = step.get("in_training", False)
        assert isinstance(in_training, bool)
        target = by_slug[step["role"]]
        if band is not None and not in_training and not target["medical"]:
            assert band_index(target["band_min"]) <= band_index(band) <= band_index(target["band_max"]), (
                f"{slug}: step {step['title']!r} at band {band} is outside {step['role']}'s range"
            )


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_pack_job_description_states_scope_limits(slug: str) -> None:
    text = pack(slug)["components"]["job_description"]
    assert "cannot" in text.casefold() or "does not" in text.casefold(), "teams need to know what the role cannot do"


@pytest.mark.parametrize("slug", sorted(CASE_STUDY_ROLES))
def test_pack_recruitment_offers_interview_questions(slug: str) -> None:
    text = pack(slug)["components"]["recruitment"]
    assert "interview" in text.casefold()
    assert text.count("?") >= 4, "sample interview questions are included"
