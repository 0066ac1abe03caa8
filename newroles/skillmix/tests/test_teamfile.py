"""The TEAM.json reader (pure, no database): defaults from the catalogue's facts, and errors naming item and field."""

from __future__ import annotations

import pytest

from newroles.skillmix.teamfile import RoleFacts, TeamFileError, parse_team

ROLES = {
    "nurse": RoleFacts("nurse", "Nurse", "Nurses & health visitors", False, True, True, 0.5),
    "psw": RoleFacts("psw", "Peer support worker", "Support to doctors, nurses & midwives", False, False, False, 1.5),
    "doctor": RoleFacts("doctor", "Psychiatrist", "HCHS doctors", True, True, True, 0.25),
}


def test_posts_take_the_catalogues_facts_unless_the_file_says_otherwise() -> None:
    team = parse_team(
        {
            "posts": [
                {"role": "nurse", "band": "6", "wte": 1},
                {"role": "nurse", "band": " 8A ", "wte": 0.5, "supervises_others": False, "registered": False},
                {"role": "doctor", "wte": 1.0, "medical": True},
            ]
        },
        ROLES,
    )
    nurse, manager, doctor = team.posts
    assert (nurse.registered, nurse.supervises_others, nurse.supervision_hours_per_wte) == (True, True, 0.5)
    assert nurse.staff_group == "Nurses & health visitors" and nurse.filled
    assert (manager.band, manager.registered, manager.supervises_others) == ("8a", False, False)
    assert doctor.medical and doctor.band is None
    assert team.pay_year == "2025/26" and team.on_cost == pytest.approx(0.28) and team.medical_salary is None


def test_count_repeats_a_post() -> None:
    team = parse_team({"posts": [{"role": "psw", "band": "3", "wte": 0.5, "count": 3}]}, ROLES)
    assert len(team.posts) == 3 and sum(p.wte for p in team.posts) == 1.5


def test_competencies_are_trimmed_and_deduplicated() -> None:
    team = parse_team(
        {
            "required_competencies": [" Prescribing", "Prescribing", "Safeguarding"],
            "posts": [{"role": "psw", "band": "3", "wte": 1, "competencies": ["Peer support ", "Peer support"]}],
        },
        ROLES,
    )
    assert team.required_competencies == ["Prescribing", "Safeguarding"]
    assert team.posts[0].competencies == frozenset({"Peer support"})


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ({"posts": [{"role": "doctor", "wte": 1, "medical": False}]},
         "item posts[0], field medical: the catalogue says Psychiatrist is a medical role"),
        ({"posts": [{"role": "nurse", "band": "6", "wte": 1.6}]}, "item posts[0], field wte: must be above 0"),
        ({"posts": [{"role": "nurse", "band": "6", "wte": True}]}, "item posts[0], field wte: expected a number"),
        ({"posts": [{"role": "nurse", "band": "6", "wte": 1, "count": 1.5}]}, "item posts[0], field count"),
        ({"posts": [{"role": "nurs", "band": "6", "wte": 1}]}, "did you mean 'nurse'?"),
        ({"posts": [{"band": "6", "wte": 1}]}, "item posts[0], field role: is required"),
        ({"posts": ["nurse"]}, "item posts[0]: expected a post object"),
        ({"posts": [], "medical_salary": {"doctor": -1}}, "field medical_salary.doctor: must be 0 or more"),
        ({"posts": [], "supervisor_hours_per_wte": -2}, "field supervisor_hours_per_wte: must be 0 or more"),
        ({"posts": [], "team": 7}, "field team: expected a string"),
    ],
)  # fmt: skip
def test_errors(data: dict, text: str) -> None:
    with pytest.raises(TeamFileError) as excinfo:
        parse_team(data, ROLES)
    assert text in str(excinfo.value)


def test_error_parts_are_kept_for_callers() -> None:
    with pytest.raises(TeamFileError) as excinfo:
        parse_team({"posts": [{"role": "nurse", "band": "6", "wte": 1}, {"role": "psw", "wte": 1}]}, ROLES)
    assert (excinfo.value.item, excinfo.value.field) == ("posts[1]", "band")
