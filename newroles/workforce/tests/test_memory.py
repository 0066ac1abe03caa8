"""Remembered answers: a title is matched once; later months and other trusts' extracts recall its answer,
which changes only when what it depends on changes (the catalogue, the trust's own decisions, the
normaliser), and then is matched again. Titles and codes only are kept."""

from __future__ import annotations

from collections.abc import Callable
from unittest import mock

import pytest

from newroles.roles import normaliser as pure
from newroles.roles import services as roles
from newroles.roles.models import Role
from newroles.workforce import services
from newroles.workforce.models import ExtractImport, ExtractTitle, TitleAnswer, TitleDecision
from newroles.workforce.tests.conftest import APRIL, MARCH, SURNAMES, person, post, rows_of

MAY = MARCH.replace(month=5)
FEW = [
    (6, post("Peer Support Worker", grade="Band 4")),
    (4, post("Recovery Navigator", grade="Band 4")),
    (3, post("Nursing Associate", grade="Band 4", job_role="Nursing Associate", code="NGD")),
]


def answer(trust, month, title: str) -> ExtractTitle:  # type: ignore[no-untyped-def]
    return ExtractTitle.objects.get(trust=trust, month=month, title=title, extract__is_current=True)


def done(obj: ExtractImport) -> ExtractImport:
    assert obj.status == ExtractImport.DONE, obj.error
    return obj


def test_a_title_is_matched_once_and_recalled_in_later_months(sheffield, run_import: Callable) -> None:
    march = done(run_import(sheffield, rows_of(*FEW)))
    assert march.summary["answers_learned"] == 3 and march.summary["answers_recalled"] == 0
    assert not ExtractTitle.objects.filter(extract=march, remembered=True).exists()

    april = done(run_import(sheffield, rows_of(*FEW, (2, post("Employment Specialist"))), month=APRIL))
    # Only the title never seen before went to the normaliser.
    assert april.summary["answers_recalled"] == 3 and april.summary["answers_learned"] == 1
    assert april.summary["titles_remembered"] == 3
    for title in ("Peer Support Worker", "Recovery Navigator", "Nursing Associate"):
        before, after = answer(sheffield, MARCH, title), answer(sheffield, APRIL, title)
        assert after.remembered and not before.remembered
        assert (after.role_id, after.confidence, after.method, after.in_training, after.cleaned) == (
            before.role_id, before.confidence, before.method, before.in_training, before.cleaned,
        )  # fmt: skip
    assert not answer(sheffield, APRIL, "Employment Specialist").remembered
    assert TitleAnswer.objects.count() == 4


def test_another_trusts_extract_recalls_the_national_answers(sheffield, rotherham, run_import: Callable) -> None:
    done(run_import(sheffield, rows_of(*FEW)))
    theirs = done(run_import(rotherham, rows_of(*FEW)))
    assert theirs.summary["answers_recalled"] == 3 and theirs.summary["answers_learned"] == 0


def test_a_catalogue_alias_makes_the_answers_matched_again(sheffield, run_import: Callable, rita) -> None:
    done(run_import(sheffield, rows_of(*FEW)))
    assert answer(sheffield, MARCH, "Recovery Navigator").role_id is None
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    roles.save_alias(actor=rita, role=str_worker, title="Recovery Navigator")

    april = done(run_import(sheffield, rows_of(*FEW), month=APRIL))
    assert april.summary["answers_recalled"] == 0 and april.summary["answers_learned"] == 3
    assert answer(sheffield, APRIL, "Recovery Navigator").role_id == str_worker.pk
    # ... and from then on they are recalled again, under the new catalogue.
    may = done(run_import(sheffield, rows_of(*FEW), month=MAY))
    assert may.summary["answers_recalled"] == 3
    assert answer(sheffield, MAY, "Recovery Navigator").role_id == str_worker.pk
    # The answers given under the old catalogue were replaced, not kept beside the new ones.
    assert TitleAnswer.objects.filter(title="Recovery Navigator").count() == 1


def test_a_role_edit_makes_the_answers_matched_again(sheffield, run_import: Callable, rita) -> None:
    done(run_import(sheffield, rows_of(*FEW)))
    roles.save_role(actor=rita, slug="peer_support_worker", name="Peer support worker (lived experience)")
    april = done(run_import(sheffield, rows_of(*FEW), month=APRIL))
    assert april.summary["answers_recalled"] == 0


def test_a_trusts_own_decision_changes_its_answers_only(sheffield, rotherham, run_import: Callable, eve) -> None:
    done(run_import(sheffield, rows_of(*FEW)))
    str_worker = Role.objects.get(slug="support_time_recovery_worker")
    services.decide_title(
        actor=eve, trust=sheffield, key="recovery navigator", outcome=TitleDecision.OTHER_ROLE, role=str_worker
    )
    april = done(run_import(sheffield, rows_of(*FEW), month=APRIL))
    assert april.summary["answers_recalled"] == 0  # its answers now rest on its own titles too
    assert answer(sheffield, APRIL, "Recovery Navigator").role_id == str_worker.pk
    # Another trust keeps recalling the national answers, in which the title is still unresolved.
    theirs = done(run_import(rotherham, rows_of(*FEW), month=APRIL))
    assert theirs.summary["answers_recalled"] == 3
    assert answer(rotherham, APRIL, "Recovery Navigator").role_id is None
    # The trust's next month recalls the answers given under its decision.
    may = done(run_import(sheffield, rows_of(*FEW), month=MAY))
    assert may.summary["answers_recalled"] == 3


def test_a_new_normaliser_version_makes_the_answers_matched_again(sheffield, run_import: Callable) -> None:
    done(run_import(sheffield, rows_of(*FEW)))
    same = done(run_import(sheffield, rows_of(*FEW), month=APRIL))
    assert same.summary["answers_recalled"] == 3
    with mock.patch.object(pure, "NORMALISER_VERSION", pure.NORMALISER_VERSION + 1):
        bumped = done(run_import(sheffield, rows_of(*FEW), month=MAY))
    assert bumped.summary["answers_recalled"] == 0 and bumped.summary["answers_learned"] == 3


@pytest.mark.parametrize("field", ["title", "job_role", "occupation_code", "cleaned", "candidates"])
def test_remembered_answers_hold_titles_and_codes_only(sheffield, run_import: Callable, field: str) -> None:
    rows = rows_of(*FEW)
    done(run_import(sheffield, rows))
    names = {f.name for f in TitleAnswer._meta.get_fields()}
    assert not names & {"assignment_number", "surname", "forename", "date_of_birth", "ni_number", "headcount"}
    stored = " ".join(str(v) for v in TitleAnswer.objects.values_list(field, flat=True))
    for i in range(len(rows)):
        for value in person(i).values():
            assert value not in stored
    for surname in [*SURNAMES, "Ottoline"]:
        assert surname not in stored
