"""The worked cases of the typology (``docs/skillmix.md``): each a named test, with its reason text.

Cases name catalogue roles by slug, so each checks the rule (``typology.classify``) and the catalogue's facts
together (``roles/data/typology.json``, loaded with the reference data); a few also state the facts in the
older form (registration, no level) to show what that form cannot see.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from newroles.skillmix.roles_facts import classify_with_roles
from newroles.skillmix.typology import Classification, Shift, Side, classify

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[3] / "docs" / "skillmix.md"


def role(slug: str, band: str | None = None, **facts: Any) -> dict[str, Any]:
    return {"role": slug, **({"band": band} if band else {}), **facts}


def shift(recipient: dict[str, Any], *sources: dict[str, Any], **rest: Any) -> Classification:
    return classify_with_roles({"recipient": recipient, "adopted_from": list(sources), **rest})


# The cases the level rule was changed for ---------------------------------------------------------


def test_nursing_associate_taking_observations_from_a_band_5_nurse_is_delegation() -> None:
    # The registered nurse still assesses, plans and evaluates; the nursing associate's training is a level below.
    result = shift(role("nursing_associate", "4"), role("mental_health_nurse", "5"))
    assert result.kinds == ["delegation"]
    assert result.reasons["delegation"] == (
        "Nursing associate (band 4, associate level) adopts tasks from Mental health nurse (band 5, registered "
        "professional level: a higher level of training and expertise; bands 4 and 5 are one band apart), across "
        "an occupational boundary where levels of training, expertise, power and autonomy are not equal."
    )
    # Stated in the older form (both registered, no level), the two look alike: the rule derives one level.
    older = classify(Shift(Side("Nursing associate", "4", True), (Side("Mental health nurse", "5", True),)))
    assert older.kinds == ["horizontal_substitution"]


def test_band_7_psychologist_post_converted_to_a_cbt_therapist_is_horizontal_substitution() -> None:
    result = shift(role("cbt_therapist", "7"), role("clinical_psychologist", "7"))
    assert result.kinds == ["horizontal_substitution"]
    assert result.reasons["horizontal_substitution"] == (
        "CBT therapist (band 7, registered professional level) adopts tasks normally done by Clinical psychologist "
        "(band 7, registered professional level: the same level; both are band 7), a different discipline whose "
        "levels of training and expertise are similar."
    )
    # The older form reads an accredited (voluntary) register as no registration, so it still says delegation.
    older = classify(Shift(Side("CBT therapist", "7", False), (Side("Clinical psychologist", "7", True),)))
    assert older.kinds == ["delegation"]
    assert "not registered, so support level" in older.reasons["delegation"]


def test_band_7_psychologist_post_converted_to_a_family_therapist_is_horizontal_substitution() -> None:
    # Family and systemic psychotherapists are the catalogue's psychotherapists (UKCP, an accredited register).
    result = shift(role("psychotherapist", "7", occupation="Family therapist"), role("clinical_psychologist", "7"))
    assert result.kinds == ["horizontal_substitution"]
    assert result.reasons["horizontal_substitution"].startswith(
        "Family therapist (band 7, registered professional level) adopts tasks normally done by Clinical psychologist"
    )


def test_occupational_therapist_and_nurse_at_one_band_sharing_care_coordination_is_horizontal_substitution() -> None:
    # Different regulators (HCPC, NMC), one level.
    result = shift(role("occupational_therapist", "6"), role("mental_health_nurse", "6"))
    assert result.kinds == ["horizontal_substitution"]
    assert (
        "Mental health nurse (band 6, registered professional level: the same level; both are band 6)"
        in (result.reasons["horizontal_substitution"])
    )


def test_band_7_advanced_practitioner_from_a_band_8c_nurse_consultant_is_delegation() -> None:
    # 8a, 8b and 8c are each a step: 7 and 8c are three apart, not one.
    result = shift(role("advanced_practitioner", "7"), role("nurse_consultant", "8c"))
    assert result.kinds == ["delegation"]
    assert result.reasons["delegation"] == (
        "Advanced practitioner (band 7, advanced and consultant practice level) adopts tasks from Nurse consultant "
        "(band 8c, advanced and consultant practice level: the same level; bands 7 and 8c are 3 bands apart), "
        "across an occupational boundary where levels of training, expertise, power and autonomy are not equal."
    )
    assert shift(role("advanced_practitioner", "7"), role("nurse_consultant", "8a")).kinds == [
        "horizontal_substitution"
    ]


def test_band_6_nurse_absorbing_support_workers_tasks_after_cuts_is_no_kind() -> None:
    result = shift(role("mental_health_nurse", "6"), role("healthcare_support_worker", "3"))
    assert result.kinds == [] and result.reasons == {} and result.missing == []
    assert result.notes == [
        "Tasks move up a level: Mental health nurse (band 6, registered professional level) takes on tasks of "
        "Healthcare support worker (band 3, support level: a lower level of training and expertise; bands 6 and 3 "
        "are 3 bands apart), so no kind is claimed for it: delegation is tasks passed to a role with less training, "
        "and the five kinds have none for tasks moving up."
    ]


def test_a_band_6_nurse_post_retitled_mental_health_practitioner_is_no_change() -> None:
    result = shift(role("mental_health_practitioner", "6"), role("mental_health_nurse", "6"))
    assert result.kinds == [] and result.missing == []
    (note,) = result.notes
    assert note.startswith(
        "Mental health practitioner is a new title for a band 6 mental health nurse post: the same role under a new "
        "name is no skill-mix change, so this source contributes no kind. A mental health practitioner post filled "
        "by a registered mental health nurse at the same band is the nurse's post under a new title"
    )
    # At another band it is another post: a band 7 practitioner taking a band 5 nurse's tasks is a shift.
    assert (
        shift(role("mental_health_practitioner", "7"), role("mental_health_nurse", "5"))
        .notes[0]
        .startswith("Tasks move up a level")
    )


def test_peer_support_worker_added_is_innovation_by_the_catalogues_default() -> None:
    result = shift(role("peer_support_worker", "3"))
    assert result.kinds == ["innovation"]
    assert result.reasons["innovation"] == (
        "Peer support worker extends the scope of the service into a novel area of practice: the purposeful use "
        "of lived experience of mental health difficulties and of services is expertise no other post in the team "
        "brings; the briefing names a recovery and lived-experience focus among the new skills trusts sought "
        "(the role catalogue's usual answer for this role)."
    )
    # The default is the user's to change.
    assert shift(role("peer_support_worker", "3"), novel_practice=False).kinds == []
    # A role whose practice is not new to most teams defaults to no innovation.
    assert shift(role("nursing_associate", "4")).kinds == []


def test_advanced_practitioner_specialising_and_broadening_is_both_kinds() -> None:
    result = shift(role("advanced_practitioner", "8a"), own_discipline_change=["narrower", "broader"])
    assert result.kinds == ["specialisation", "diversification"]
    assert result.reasons == {
        "specialisation": (
            "Advanced practitioner takes on an increased level of expertise in a narrower area of its own discipline."
        ),
        "diversification": (
            "Advanced practitioner expands to broader tasks and responsibilities within its own discipline."
        ),
    }


def test_physician_associate_taking_tasks_from_doctors_and_nurses_names_both() -> None:
    result = shift(role("physician_associate", "7"), role("psychiatrist"), role("mental_health_nurse", "6"))
    assert result.kinds == ["delegation"]
    assert result.reasons["delegation"] == (
        "Physician associate (band 7, associate level) adopts tasks from Psychiatrist (medical: a higher level of "
        "training and expertise) and Mental health nurse (band 6, registered professional level: a higher level of "
        "training and expertise; bands 7 and 6 are one band apart), across an occupational boundary where levels "
        "of training, expertise, power and autonomy are not equal."
    )


def test_nursing_associate_from_a_nurse_and_a_pharmacy_technician_is_two_kinds() -> None:
    result = shift(role("nursing_associate", "4"), role("mental_health_nurse", "5"), role("pharmacy_technician", "4"))
    assert result.kinds == ["delegation", "horizontal_substitution"]
    assert (
        "Pharmacy technician (band 4, associate level: the same level; both are band 4)"
        in (result.reasons["horizontal_substitution"])
    )


# Cases whose answer the change kept -----------------------------------------------------------------


def test_peer_support_worker_from_a_band_6_nurse_in_the_older_form_is_delegation() -> None:
    result = classify(
        Shift(Side("peer support", "3", False), (Side("mental health nursing", "6", True),), "none", False)
    )
    assert result.kinds == ["delegation"]
    assert result.reasons["delegation"] == (
        "Peer support (band 3, not registered, so support level) adopts tasks from mental health nursing (band 6, "
        "registered, so registered professional level: a higher level of training and expertise; bands 3 and 6 "
        "are 3 bands apart), across an occupational boundary where levels of training, expertise, power and "
        "autonomy are not equal."
    )


def test_band_4_nursing_associates_converted_from_a_band_6_nurse_vacancy_is_delegation() -> None:
    result = shift(role("nursing_associate", "4"), role("mental_health_nurse", "6"))
    assert result.kinds == ["delegation"]
    assert "bands 4 and 6 are 2 bands apart" in result.reasons["delegation"]


def test_multi_professional_approved_clinician_taking_the_responsible_clinician_role_is_delegation() -> None:
    result = shift(role("multi_professional_approved_clinician", "8b"), role("psychiatrist"))
    assert result.kinds == ["delegation"]
    assert "from Psychiatrist (medical: a higher level of training and expertise)" in result.reasons["delegation"]


def test_two_doctors_sharing_tasks_is_horizontal_substitution_without_bands() -> None:
    result = classify(Shift(Side("psychiatry", None, True, True), (Side("general practice", None, None, True),)))
    assert result.kinds == ["horizontal_substitution"] and result.missing == []
    assert "(medical: both are medical)" in result.reasons["horizontal_substitution"]


def test_a_nurse_from_a_nurse_at_another_band_is_no_cross_boundary_shift() -> None:
    result = shift(role("mental_health_nurse", "5"), role("mental_health_nurse", "6"))
    assert result.kinds == []
    assert result.notes == [
        "Mental health nurse is the recipient's own occupation, so this is not a cross-boundary shift and "
        "contributes no kind."
    ]


def test_an_unknown_band_is_missing_not_guessed() -> None:
    result = shift(role("mental_health_nurse", "6"), role("occupational_therapist"))
    assert result.kinds == [] and result.missing == ["adopted_from[0].band"]
    assert result.notes == [
        "The level of Occupational therapist against Mental health nurse cannot be decided from the facts given, so "
        "neither delegation nor horizontal substitution is claimed for it."
    ]


def test_cbt_therapist_going_deeper_is_specialisation() -> None:
    result = shift(role("cbt_therapist", "7"), own_discipline_change="narrower")
    assert result.kinds == ["specialisation"]


# The table in docs/skillmix.md ------------------------------------------------------------------------


def _documented_tests() -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    table = text.split("## Worked cases", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"`(test_[a-z0-9_]+)`", table)


def test_every_worked_case_in_the_docs_is_a_test_here_and_every_test_here_is_documented() -> None:
    documented = _documented_tests()
    here = {name for name in globals() if name.startswith("test_") and not name.startswith("test_every_worked")}
    assert len(documented) == len(set(documented))
    assert set(documented) == here
