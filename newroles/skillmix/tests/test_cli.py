"""`newroles skillmix classify FILE` and `newroles skillmix metrics TEAM.json`: output and error paths."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

B4_TOP = 30_162
B6_TOP = 46_580
B7_TOP = 54_710

NA_FROM_NURSE = {
    "recipient": {"occupation": "nursing associate", "band": "4", "registered": True, "medical": False},
    "adopted_from": [{"occupation": "mental health nursing", "band": "6", "registered": True, "medical": False}],
}


def run(*args: str) -> Any:
    out = StringIO()
    call_command("skillmix", *args, stdout=out)
    return json.loads(out.getvalue())


def write(tmp_path: Path, data: Any, name: str = "in.json") -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return str(path)


def error_of(*args: str) -> CommandError:
    with pytest.raises(CommandError) as excinfo:
        call_command("skillmix", *args, stdout=StringIO())
    assert excinfo.value.returncode == 2
    return excinfo.value


# classify -----------------------------------------------------------------------------------------


def test_classify_prints_one_item_per_shift_in_order(tmp_path) -> None:
    peer = {
        "recipient": {"occupation": "peer support", "band": "3", "registered": False},
        "adopted_from": [],
        "novel_practice": True,
    }
    result = run("classify", write(tmp_path, [NA_FROM_NURSE, peer, {"recipient": {"occupation": "x"}}]))
    assert [item["kinds"] for item in result] == [["delegation"], ["innovation"], []]
    # "notes" joined each item (issue 15): why a source gave no kind.
    assert set(result[0]) == {"kinds", "reasons", "missing", "notes"}
    assert set(result[0]["reasons"]) == {"delegation"}
    assert result[0]["missing"] == []
    assert result[2] == {"kinds": [], "reasons": {}, "missing": [], "notes": []}


def test_classify_accepts_one_shift_and_reports_missing_facts(tmp_path) -> None:
    shift = {
        "recipient": {"occupation": "nursing associate", "band": "4", "registered": True},
        "adopted_from": [{"occupation": "mental health nursing", "band": "5"}],
    }
    (item,) = run("classify", write(tmp_path, shift))
    assert item["kinds"] == []
    assert item["missing"] == ["adopted_from[0].registered"]


def test_classify_spells_kinds_with_underscores(tmp_path) -> None:
    shift = {
        "recipient": {"occupation": "social work", "band": "6", "registered": True},
        "adopted_from": [{"occupation": "occupational therapy", "band": "6", "registered": True}],
        "own_discipline_change": "narrower",
    }
    (item,) = run("classify", write(tmp_path, shift))
    assert item["kinds"] == ["horizontal_substitution", "specialisation"]


def test_classify_malformed_json_exits_2(tmp_path) -> None:
    error = error_of("classify", write(tmp_path, '[{"recipient": '))
    assert "not valid JSON at line 1" in str(error)


def test_classify_wrong_field_names_the_item_and_field(tmp_path) -> None:
    bad = {**NA_FROM_NURSE, "recipient": {"occupation": "nursing associate", "band": "Band 4"}}
    error = error_of("classify", write(tmp_path, [NA_FROM_NURSE, bad]))
    assert "item 1, field recipient.band" in str(error)
    error = error_of("classify", write(tmp_path, {"recipient": {"occupation": "x"}, "novel_practice": "yes"}))
    assert "field novel_practice: expected true or false" in str(error)


def test_classify_missing_file_exits_2(tmp_path) -> None:
    error = error_of("classify", str(tmp_path / "nowhere.json"))
    assert "no such file" in str(error)


def test_classify_reads_roles_by_catalogue_slug(db, tmp_path) -> None:
    shift = {
        "recipient": {"role": "nursing_associate", "band": "4"},
        "adopted_from": [{"role": "mental_health_nurse", "band": "5"}],
    }
    (item,) = run("classify", write(tmp_path, shift))
    assert item["kinds"] == ["delegation"]
    assert item["reasons"]["delegation"].startswith("Nursing associate (band 4, associate level) adopts tasks from")


def test_stated_facts_override_the_catalogues(db, tmp_path) -> None:
    # A trainee post stated as support level; the nurse's occupation renamed.
    shift = {
        "recipient": {"role": "nursing_associate", "band": "3", "level": "support"},
        "adopted_from": [{"role": "mental_health_nurse", "band": "5", "occupation": "Ward nurse"}],
    }
    (item,) = run("classify", write(tmp_path, shift))
    assert "Nursing associate (band 3, support level) adopts tasks from Ward nurse" in item["reasons"]["delegation"]


def test_several_sources_and_both_scope_changes(db, tmp_path) -> None:
    shift = {
        "recipient": {"role": "physician_associate", "band": "7"},
        "adopted_from": [{"role": "psychiatrist"}, {"role": "mental_health_nurse", "band": "6"}],
        "own_discipline_change": ["narrower", "broader"],
    }
    (item,) = run("classify", write(tmp_path, shift))
    assert item["kinds"] == ["delegation", "specialisation", "diversification"]


def test_a_slug_not_in_the_catalogue_names_the_item_and_field(db, tmp_path) -> None:
    shift = {"recipient": {"role": "nursing_associate"}, "adopted_from": [{"role": "nurse"}]}
    error = error_of("classify", write(tmp_path, [NA_FROM_NURSE, shift]))
    assert str(error).endswith("item 1, field adopted_from[0].role: 'nurse' is not a role in the catalogue")


def test_classify_help_shows_both_forms(tmp_path) -> None:
    done = _manage("classify", "--help", tmp_path=tmp_path)
    assert done.returncode == 0
    for words in ('"role": "nursing_associate"', '"registered": false', "registered_professional", '"notes": []'):
        assert words in done.stdout


def test_classify_needs_a_file() -> None:
    with pytest.raises(CommandError):
        call_command("skillmix", "classify")


def _manage(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWROLES_DEBUG": "True", "NEWROLES_VAR_DIR": str(tmp_path / "var")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), "skillmix", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def test_the_real_command_exits_with_status_2_and_a_clear_message(tmp_path) -> None:
    bad = write(tmp_path, [NA_FROM_NURSE, {"recipient": {"occupation": "x", "registered": "yes"}}])
    done = _manage("classify", bad, tmp_path=tmp_path)
    assert done.returncode == 2
    assert "item 1, field recipient.registered: expected true, false or null" in done.stderr
    assert done.stdout == ""
    good = _manage("classify", write(tmp_path, NA_FROM_NURSE, "good.json"), tmp_path=tmp_path)
    assert good.returncode == 0, good.stderr
    assert json.loads(good.stdout)[0]["kinds"] == ["delegation"]


def test_metrics_help_documents_the_team_file(tmp_path) -> None:
    done = _manage("metrics", "--help", tmp_path=tmp_path)
    assert done.returncode == 0
    for words in ("required_competencies", "supervises_others", "pay_year", "on_cost", "medical_salary", "filled"):
        assert words in done.stdout


# metrics ------------------------------------------------------------------------------------------


def team_file(**overrides: Any) -> dict[str, Any]:
    team: dict[str, Any] = {
        "team": "Small CMHT",
        "required_competencies": ["Prescribing", "Risk assessment", "Physical health checks"],
        "posts": [
            {"role": "mental_health_nurse", "band": "7", "wte": 1.0, "competencies": ["Risk assessment"]},
            {"role": "mental_health_nurse", "band": "6", "wte": 1.0, "filled": False},
            {"role": "nursing_associate", "band": "4", "wte": 1.0, "count": 2,
             "competencies": ["Physical health checks"]},
        ],
    }  # fmt: skip
    team.update(overrides)
    return team


def test_metrics_worked_by_hand(tmp_path, roles) -> None:
    result = run("metrics", write(tmp_path, team_file()))
    assert result["team"] == "Small CMHT"
    mix = result["staff_mix"]
    # Filled: one band 7 nurse and two nursing associates; the band 6 post is vacant.
    assert mix["headcount"] == 3 and mix["vacancies"] == 1
    assert mix["wte_filled"] == 3.0 and mix["wte_vacant"] == 1.0
    assert mix["registered_share"] == 1.0  # nurses and nursing associates are NMC-registered
    assert mix["by_staff_group"]["Support to doctors, nurses & midwives"]["wte_filled"] == 2.0
    # Two staff groups, shares 1/3 and 2/3: H = -(1/3 ln 1/3 + 2/3 ln 2/3) = 0.636514.
    assert mix["shannon"] == pytest.approx(0.636514, abs=1e-6)
    # Competencies: risk assessment and physical health checks held, prescribing not: 2 of 3.
    assert result["competencies"]["coverage"] == pytest.approx(2 / 3, abs=1e-6)
    assert result["competencies"]["missing"] == ["Prescribing"]
    assert result["competencies"]["single_points_of_failure"] == ["Risk assessment"]
    # Seniority: 1.0 senior (band 7) / 2.0 junior (band 4) = 0.5.
    assert result["seniority"]["senior_to_junior"] == 0.5
    # Supervision: 3 filled x 0.5 = 1.5 needed; the band 7 nurse supervises: 1.0 x 2 hours = 2.0 available.
    assert result["supervision"]["hours_needed"] == 1.5
    assert result["supervision"]["hours_available"] == 2.0
    assert result["supervision"]["warning"] is None
    # Cost at top of band + 28%: (54,710 + 2 x 30,162) x 1.28 filled; 46,580 x 1.28 vacant.
    assert result["cost"]["total_filled"] == pytest.approx((B7_TOP + 2 * B4_TOP) * 1.28)
    assert result["cost"]["total_vacant"] == pytest.approx(B6_TOP * 1.28)
    assert result["assumptions"]["pay_year"] == "2025/26"


def test_metrics_settings_and_a_supervision_warning(tmp_path, roles) -> None:
    posts = [
        {"role": "psychiatrist", "medical": True, "wte": 1.0, "supervises_others": False},
        {"role": "peer_support_worker", "band": "3", "wte": 1.0},
    ]
    data = team_file(posts=posts, on_cost=0.0, medical_salary={"psychiatrist": 100000}, pay_point="bottom")
    result = run("metrics", write(tmp_path, data))
    assert result["cost"]["total_filled"] == pytest.approx(100000 + 24937)  # band 3 entry point, no on-costs
    # 0.25 + 1.5 hours needed; no one supervises.
    assert result["supervision"]["hours_needed"] == 1.75
    assert result["supervision"]["warning"]["shortfall_hours"] == 1.75


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"posts": [{"role": "mental_health_nurse", "band": "10", "wte": 1}]}, "item posts[0], field band"),
        ({"posts": [{"role": "mental_health_nurse", "band": 6, "wte": 1}]}, "item posts[0], field band"),
        ({"posts": [{"role": "mental_health_nurse", "wte": 1}]}, "item posts[0], field band"),
        ({"posts": [{"role": "psychiatrist", "band": "7", "wte": 1}]}, "item posts[0], field band"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": "1"}]}, "item posts[0], field wte"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": 0}]}, "item posts[0], field wte"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6"}]}, "item posts[0], field wte"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": 1, "bnad": "6"}]},
         "item posts[0], field bnad: unknown field; did you mean 'band'?"),
        ({"posts": [{"role": "mental_nurse", "band": "6", "wte": 1}]}, "item posts[0], field role"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": 1, "medical": True}]},
         "item posts[0], field medical: the catalogue says Mental health nurse is not a medical role"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": 1, "filled": "no"}]},
         "item posts[0], field filled"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": 1, "competencies": ["a", 3]}]},
         "item posts[0], field competencies[1]"),
        ({"posts": [{"role": "mental_health_nurse", "band": "6", "wte": 1, "count": 0}]}, "field count"),
        ({"posts": "everyone"}, "field posts: expected an array"),
        ({"on_cost": 28}, "field on_cost: must be a fraction"),
        ({"pay_year": "1999/00"}, "field pay_year"),
        ({"pay_point": "middle"}, "field pay_point"),
        ({"required_competencies": "Prescribing"}, "field required_competencies"),
        ({"medical_salary": "lots"}, "field medical_salary"),
        ({"postz": []}, "field postz: unknown field; did you mean 'posts'?"),
    ],
)  # fmt: skip
def test_metrics_errors_name_the_item_and_field(tmp_path, roles, change, where) -> None:
    error = error_of("metrics", write(tmp_path, team_file(**change)))
    assert where in str(error)


def test_metrics_second_post_is_named(tmp_path, roles) -> None:
    posts = [{"role": "mental_health_nurse", "band": "6", "wte": 1}, {"role": "nursing_associate", "wte": 1}]
    error = error_of("metrics", write(tmp_path, team_file(posts=posts)))
    assert str(error).endswith("item posts[1], field band: is required for Nursing associate: an Agenda for Change "
                               "band such as \"6\"")  # fmt: skip


def test_metrics_needs_posts_and_an_object(tmp_path, roles) -> None:
    assert "field posts: is required" in str(error_of("metrics", write(tmp_path, {"team": "x"})))
    assert "expected a team object" in str(error_of("metrics", write(tmp_path, [])))
    assert "not valid JSON" in str(error_of("metrics", write(tmp_path, "{'posts': []}")))
