"""The catalogue's checked facts and its added roles, each with its source (reference data, no database).

Every fact below is asserted where the catalogue states it, with the citation beside it in the same text and
the public source it names in the catalogue's `sources`: a fact whose source is dropped fails here.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
PACK_COMPONENTS = (
    "job_description", "person_specification", "competency_framework", "sops", "career_pathway", "pay_and_banding",
    "governance_and_regulation", "supervision_model", "training_and_education", "recruitment", "evaluation_evidence",
)  # fmt: skip
ADDED_ROLES = ("assistant_practitioner", "employment_specialist", "community_connector")


@cache
def catalogue() -> dict[str, Any]:
    return json.loads((DATA / "catalogue.json").read_text(encoding="utf-8"))


def role(slug: str) -> dict[str, Any]:
    return next(r for r in catalogue()["roles"] if r["slug"] == slug)


def has_source(words: str) -> bool:
    return any(words in source for source in catalogue()["sources"])


# (slug, field, the fact as written, the citation in the same text, words of the source in `sources`)
FACTS = [
    ("nursing_associate", "newness_reason", "announced by the Government in December 2015", "(NMC; RCNi)",
     "the plan was announced by the Government in December 2015"),
    ("nursing_associate", "newness_reason", "from 28 January to 11 March 2016", "(HEE)",
     "consultation 28 January to 11 March 2016"),
    ("nursing_associate", "newness_reason", "response of 26 May 2016", "(HEE)",
     "'Green light for new nursing associate role' (26 May 2016)"),
    ("mental_health_practitioner", "newness_reason", "in print by 2002", "(Kingdon, Psychiatric Bulletin)",
     "Kingdon D, 'The mental health practitioner"),
    ("mental_health_practitioner", "newness_reason", "Mental Health Policy Implementation Guide (2001)",
     "Mental Health Policy Implementation Guide (2001)", "Mental Health Policy Implementation Guide (2001)"),
    ("mental_health_practitioner", "newness_reason", "began in April 2021", "(NHS England)",
     "Additional Roles Reimbursement Scheme in April 2021"),
    ("mental_health_wellbeing_practitioner", "newness_reason",
     "first trainees began one-year university programmes in 2022", "(NHS Psychological Professions Network)",
     "cohorts from September 2022 and January 2023"),
    ("mental_health_wellbeing_practitioner", "newness_reason", "a second national cohort followed in 2023",
     "(Drink and Drugs News, 2024)", "MHWP introduced in 2022, second cohort 2023"),
    ("approved_mental_health_professional", "regulation_note", "a local social services authority approves the AMHP",
     "Regulations 2008", "Approval) (England) Regulations 2008"),
    ("approved_mental_health_professional", "regulation_note", "Social Work England approves and monitors AMHP courses",
     "course standards applied from summer 2025", "AMHP and BIA course standards applied from summer 2025"),
    ("approved_mental_health_professional", "newness_reason", "most AMHPs are still social workers",
     "(Community Care, 2022)", "Community Care, 'AMHP and approved mental capacity professional"),
]  # fmt: skip


@pytest.mark.parametrize(("slug", "field", "fact", "citation", "source"), FACTS, ids=[f[2][:40] for f in FACTS])
def test_every_checked_fact_is_stated_cited_and_sourced(slug: str, field: str, fact: str, citation: str, source: str):
    text = role(slug)[field]
    assert fact in text
    assert citation in text, "the text names where the fact comes from"
    assert has_source(source), "the catalogue lists the source"


def test_mental_health_practitioners_first_year_is_the_earliest_sourced_use_not_the_arrs_posts() -> None:
    assert role("mental_health_practitioner")["first_year"] == 2002
    assert role("mental_health_practitioner")["newness"] == "new_title"
    assert role("mental_health_wellbeing_practitioner")["first_year"] == 2022
    assert role("nursing_associate")["first_year"] == 2017  # first trainees; announced December 2015


def test_an_amhp_is_an_approval_on_top_of_a_profession_not_a_regulated_profession() -> None:
    amhp = role("approved_mental_health_professional")
    mpac = role("multi_professional_approved_clinician")
    # Modelled like the approved clinician: no regulator of its own, the holder registered in a profession.
    assert (amhp["regulator"], amhp["registration"]) == ("none", "statutory")
    assert (mpac["regulator"], mpac["registration"]) == ("none", "statutory")
    note = amhp["regulation_note"]
    assert "does not approve or register the people" in note
    for profession in ("social worker", "nurse", "occupational therapist", "psychologist"):
        assert profession in note
    assert "doctors cannot be AMHPs" in note


# ---------------------------------------------------------------------------------------------- added roles


@pytest.mark.parametrize("slug", ADDED_ROLES)
def test_an_added_role_is_complete_and_its_newness_is_sourced(slug: str) -> None:
    r = role(slug)
    assert r["newness"] in ("new_role", "extended_role") and len(r["newness_reason"]) > 200
    assert r["aliases"] and r["band_min"] and r["band_max"] and r["lead_time_months"] > 0
    assert r["supervision"]["supervisor"] and r["supervision"]["hours_per_week_per_wte"] > 0
    assert all(r["pen_portrait"][part].strip() for part in ("what", "why", "challenges"))
    assert catalogue()["roles"][-len(ADDED_ROLES) :][ADDED_ROLES.index(slug)]["slug"] == slug, "added at the end"


@pytest.mark.parametrize(
    ("slug", "citations"),
    [
        ("assistant_practitioner", {"Skills for Health, 2009": "Core standards for assistant practitioners (2009)",
                                    "IfATE ST0215": "standard ST0215"}),
        ("employment_specialist", {"Hutchinson and colleagues, 2018": "Hutchinson J and colleagues",
                                   "April 2018": "expansion announced April 2018",
                                   "Central and North West London from 2004": "services manager post created in 2004"}),
        ("community_connector", {
            "East London NHS Foundation Trust": "Community Connectors competency and CPD framework",
            "HEE's Care Navigation competency framework, 2016": "Care Navigation: A Competency Framework (2016)",
            "NHS England names mental health community connectors": "mental health community connectors",
        }),
    ],
)  # fmt: skip
def test_an_added_roles_reason_cites_sources_the_catalogue_lists(slug: str, citations: dict[str, str]) -> None:
    for citation, source in citations.items():
        assert citation in role(slug)["newness_reason"]
        assert has_source(source), source


@pytest.mark.parametrize("slug", ADDED_ROLES)
def test_an_added_role_has_a_national_pack_with_every_component_written(slug: str) -> None:
    pack = json.loads((DATA / "packs" / f"{slug}.json").read_text(encoding="utf-8"))
    assert pack["role"] == slug and pack["not_yet_written"] == []
    assert pack["as_of"] == "2026" and pack["review_by"] == "2027-03-31"
    for key in PACK_COMPONENTS:
        value = pack["components"][key]
        text = value if isinstance(value, str) else value["text"]
        assert len(text.strip()) > 150, key
    assert pack["components"]["career_pathway"]["steps"]
    assert pack["components"]["pay_and_banding"]["job_profile"].strip()
    job = pack["components"]["job_description"].casefold()
    assert "cannot" in job or "does not" in job
    assert pack["components"]["recruitment"].count("?") >= 4
