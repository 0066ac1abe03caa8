"""Checks on the national role packs as reference data: a pack for every new or extended role, every part of
it written for that role and citing its public sources, a review date on each, and no paragraph copied from
one pack into another.

A role the catalogue marks as a new title for an existing role (the mental health practitioner) gets no pack
of its own: its job description, competencies, regulation, supervision and training are those of the
holder's profession, which is the catalogue's reason for calling it a new title.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest

from newroles.conftest import client_for
from newroles.roles.models import PACK_COMPONENTS, Role, RolePack
from newroles.roles.tests.test_catalogue_data import AFC_BANDS, PACKS_DIR, band_index, pack, roles, roles_by_slug

NEW_OR_EXTENDED = ("new_role", "extended_role")
PACKED_ROLES = sorted(role["slug"] for role in roles() if role["newness"] in NEW_OR_EXTENDED)
COMPONENT_KEYS = [key for key, _ in PACK_COMPONENTS]
SOURCES_HEADING = re.compile(r"^### Sources[ \t]*$", re.MULTILINE)
# Text packs may share on purpose (none yet): add a paragraph here, lower-cased and on one line, with why.
DELIBERATE_COMMON_TEXT: set[str] = set()
MIN_SHARED_CHARS = 60


def component_text(value: Any) -> str:
    return value["text"] if isinstance(value, dict) else value


def body_and_sources(text: str) -> tuple[str, list[str]]:
    """The component's text before its '### Sources' heading, and the items of its sources list."""
    parts = SOURCES_HEADING.split(text)
    if len(parts) != 2:
        return text, []
    items = [line[2:].strip() for line in parts[1].splitlines() if line.startswith("- ")]
    return parts[0], items


def paragraphs(text: str) -> list[str]:
    """Paragraphs and list items of the text, one line each, lower-cased (the sources list left out)."""
    body, _ = body_and_sources(text)
    found = []
    for block in re.split(r"\n\s*\n", body):
        for item in re.split(r"\n(?=\s*(?:[-*]|\d+\.)\s)", block):
            line = " ".join(item.split()).casefold()
            if len(line) >= MIN_SHARED_CHARS:
                found.append(line)
    return found


def test_the_catalogue_marks_roles_as_new_or_extended() -> None:
    assert len(PACKED_ROLES) >= 14
    assert "mental_health_practitioner" not in PACKED_ROLES, "a new title for an existing role has no pack"


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_every_new_or_extended_role_has_a_pack(slug: str) -> None:
    assert (PACKS_DIR / f"{slug}.json").is_file(), f"no national pack for {slug}"
    data = pack(slug)
    assert data["role"] == slug
    assert data["title"].startswith("National role pack: ")


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_every_component_is_written(slug: str) -> None:
    data = pack(slug)
    assert data["not_yet_written"] == [], f"{slug}: parts listed as not yet written"
    assert set(data["components"]) == set(COMPONENT_KEYS)
    for key in COMPONENT_KEYS:
        body, _ = body_and_sources(component_text(data["components"][key]))
        assert len(body.strip()) >= 200, f"{slug}.{key} is too short to be written for the role"


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_every_component_cites_its_sources(slug: str) -> None:
    for key, value in pack(slug)["components"].items():
        text = component_text(value)
        assert len(SOURCES_HEADING.findall(text)) == 1, f"{slug}.{key}: one '### Sources' heading, at the end"
        _, sources = body_and_sources(text)
        assert sources, f"{slug}.{key} cites no source"
        for source in sources:
            assert len(source) >= 20 and re.search(r"\b(19|20)\d\d\b", source), (
                f"{slug}.{key}: a source names its publisher, title and year: {source!r}"
            )


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_every_pack_has_a_review_date(slug: str) -> None:
    data = pack(slug)
    review_by = date.fromisoformat(data["review_by"])
    assert date(2026, 6, 1) <= review_by <= date(2028, 12, 31), "reviewed within about a year of writing"


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_the_job_description_says_what_the_role_cannot_do(slug: str) -> None:
    text = pack(slug)["components"]["job_description"].casefold()
    assert "cannot" in text or "does not" in text


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_recruitment_offers_interview_questions(slug: str) -> None:
    body, _ = body_and_sources(pack(slug)["components"]["recruitment"])
    assert "interview" in body.casefold() and body.count("?") >= 4


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_the_career_pathway_runs_through_catalogued_roles(slug: str) -> None:
    by_slug = roles_by_slug()
    pathway = pack(slug)["components"]["career_pathway"]
    assert set(pathway) == {"text", "steps"} and any(step["role"] == slug for step in pathway["steps"])
    for step in pathway["steps"]:
        assert step["role"] in by_slug and step["title"].strip()
        target, band = by_slug[step["role"]], step["band"]
        assert band is None or band in AFC_BANDS
        if band is not None and not step.get("in_training") and not target["medical"]:
            assert band_index(target["band_min"]) <= band_index(band) <= band_index(target["band_max"]), step


@pytest.mark.parametrize("slug", PACKED_ROLES)
def test_pay_and_banding_names_a_job_profile_or_says_there_is_none(slug: str) -> None:
    pay = pack(slug)["components"]["pay_and_banding"]
    assert set(pay) == {"text", "job_profile"} and len(pay["job_profile"]) >= 30


def test_no_paragraph_is_shared_between_packs() -> None:
    found: dict[str, set[str]] = {}
    for path in sorted(PACKS_DIR.glob("*.json")):
        for value in pack(path.stem)["components"].values():
            for line in paragraphs(component_text(value)):
                found.setdefault(line, set()).add(path.stem)
    shared = {line: slugs for line, slugs in found.items() if len(slugs) > 1 and line not in DELIBERATE_COMMON_TEXT}
    assert not shared, "\n".join(f"{sorted(slugs)}: {line[:100]}" for line, slugs in shared.items())


def test_no_two_packs_share_a_long_sentence() -> None:
    """Paragraphs reworded around a copied sentence are still copies."""
    sentences: dict[str, set[str]] = {}
    for path in sorted(PACKS_DIR.glob("*.json")):
        for value in pack(path.stem)["components"].values():
            body, _ = body_and_sources(component_text(value))
            for sentence in re.split(r"(?<=[.!?])\s+", " ".join(body.split())):
                if len(sentence) >= 90:
                    sentences.setdefault(sentence.casefold(), set()).add(path.stem)
    shared = {s: slugs for s, slugs in sentences.items() if len(slugs) > 1 and s not in DELIBERATE_COMMON_TEXT}
    assert not shared, "\n".join(f"{sorted(slugs)}: {s[:100]}" for s, slugs in shared.items())


@pytest.mark.django_db
def test_every_new_or_extended_role_has_a_written_national_pack_once_loaded() -> None:
    """The loader turns the files into national packs: every part written, none marked not yet written."""
    for role in Role.objects.filter(newness__in=NEW_OR_EXTENDED):
        national = RolePack.objects.filter(role=role, trust=None, is_current=True).first()
        assert national is not None, f"{role.slug} has no national pack"
        assert national.review_by is not None
        components = {c.key: c for c in national.components.all()}
        assert set(components) == set(COMPONENT_KEYS)
        for key, component in components.items():
            assert not component.not_yet_written and SOURCES_HEADING.search(component.text), f"{role.slug}.{key}"


@pytest.mark.django_db
def test_the_pack_page_shows_a_parts_sources_after_its_career_steps(nadia) -> None:  # type: ignore[no-untyped-def]
    national = RolePack.objects.get(role__slug="social_prescribing_link_worker", trust=None, is_current=True)
    page = client_for(nadia).get(f"/packs/{national.pk}/").content.decode()
    career = page.split('id="career_pathway"')[1].split("</section>")[0]
    assert career.index("Senior social prescribing link worker") < career.index("<h3>Sources</h3>")
    assert "Workforce development framework: social prescribing link workers" in career.split("<h3>Sources</h3>")[1]
    assert "Due to be checked against its sources by 30 April 2027" in page
