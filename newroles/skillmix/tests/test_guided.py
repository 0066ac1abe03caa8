"""The guided questions: several roles one at a time, and the catalogue's answers shown as its answers."""

from __future__ import annotations

import pytest

from newroles.accounts import policy
from newroles.mapping import services as mapping
from newroles.roles.models import Role
from newroles.skillmix.guided import MAX_SOURCES, chosen_sources
from newroles.skillmix.guided_questions import CATALOGUE_MARK, GUIDED_STEPS, guided_question, guided_steps

pytestmark = pytest.mark.django_db


@pytest.fixture
def peer(sheffield):
    role = Role.objects.get(slug="peer_support_worker")
    return mapping.create_deployment(actor=policy.SYSTEM, trust=sheffield, local_title="Peer Worker", role=role)


def pk(slug: str) -> str:
    return str(Role.objects.get(slug=slug).pk)


def test_each_role_chosen_asks_its_band_and_then_for_another() -> None:
    assert guided_steps({}) == ["band", "level", "source", "scope", "novel", "evidence", "check"]
    assert guided_steps({"source": "none"})[2:4] == ["source", "scope"]
    two = {"source": pk("mental_health_nurse"), "source_2": pk("occupational_therapist"), "source_3": "none"}
    assert guided_steps(two)[2:8] == ["source", "source_band", "source_2", "source_2_band", "source_3", "scope"]
    every = {f"source_{n}" if n > 1 else "source": str(n) for n in range(1, MAX_SOURCES + 1)}
    assert guided_steps(every)[-5:] == ["source_4_band", "scope", "novel", "evidence", "check"]
    assert set(guided_steps(every)) - {"check"} == set(GUIDED_STEPS)


def test_roles_after_a_no_are_ignored() -> None:
    answers = {"source": pk("mental_health_nurse"), "source_2": "none", "source_3": pk("social_worker")}
    assert [key for key, _ in chosen_sources(answers)] == ["source"]


def test_every_further_role_is_asked_in_its_own_words_and_offers_no_role_twice(peer) -> None:
    answers = {"source": pk("mental_health_nurse"), "source_2": pk("social_worker"), "source_3": pk("pharmacist")}
    texts = [guided_question(step, peer, "intended", answers).text for step in ("source", "source_2", "source_3")]
    assert len(set(texts)) == 3
    assert texts[1] == "Whose tasks will the Peer support worker posts take on as well (a second role)?"
    offered = dict(guided_question("source_3", peer, "intended", answers).choices)
    assert pk("mental_health_nurse") not in offered and pk("social_worker") not in offered
    assert offered["none"] == "No other role"


def test_the_catalogues_answers_are_marked_as_its_own(peer) -> None:
    level = guided_question("level", peer, "intended", {})
    assert dict(level.choices)["support"].endswith(CATALOGUE_MARK)
    assert not dict(level.choices)["associate"].endswith(CATALOGUE_MARK)
    assert level.hint.startswith("The role catalogue puts Peer support worker posts at support level. Recruited")
    novel = guided_question("novel", peer, "actual", {})
    assert dict(novel.choices) == {"yes": "Yes" + CATALOGUE_MARK, "no": "No"}
    assert "lived experience" in novel.hint and novel.text.startswith("Do the Peer support worker posts")


def test_a_title_without_a_catalogue_role_has_no_catalogue_answer(sheffield) -> None:
    unmatched = mapping.create_deployment(
        actor=policy.SYSTEM, trust=sheffield, local_title="Recovery Navigator", role=None
    )
    for step in ("level", "novel"):
        question = guided_question(step, unmatched, "intended", {})
        assert not any(label.endswith(CATALOGUE_MARK) for _, label in question.choices)
