"""The framework as reference data: loaded idempotently, versioned, checked, and quoting the briefing exactly."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newroles.audit.models import ChangeRecord
from newroles.readiness import services
from newroles.readiness.models import FrameworkItem, FrameworkVersion
from newroles.readiness.services import DATA_DIR, FrameworkFileError, load_framework
from newroles.readiness.summary import current_framework, summary_for
from newroles.readiness.tests.conftest import TODAY, check

BRIEFING = Path("/work/shared/seed/new-roles-early-findings-briefing.txt")
V1 = DATA_DIR / "framework-v1.toml"


def _records() -> int:
    return ChangeRecord.objects.filter(content_type__app_label="readiness").count()


def test_loading_again_changes_nothing(db):
    before = _records()
    counts = load_framework()
    assert counts["framework_versions_added"] == 0 and counts["framework_items_changed"] == 0
    assert _records() == before


def test_version_1_holds_the_briefings_factors_asked_and_computed(db):
    framework = current_framework()
    items = {i.key: i for i in framework.items.all()}
    assert framework.version == 1
    computed = {k for k, i in items.items() if i.is_computed}
    assert computed >= {"supervision", "examples_elsewhere", "off_the_shelf_pack", "forewarning"}
    assert {"strategy", "engagement", "candid_concerns", "clinical_champion", "structures", "willingness_to_change",
            "professional_protectionism", "flexibility_consistency"} <= set(items) - computed  # fmt: skip
    assert items["clinical_champion"].flag == (
        "No clinical champion named — the study found champions matter most at the start"
    )
    for item in items.values():
        assert item.question and item.good and item.source and item.flag and item.next_step


@pytest.mark.skipif(not BRIEFING.exists(), reason="the briefing's text is kept outside the repository")
def test_every_source_is_the_briefings_own_words(db):
    text = BRIEFING.read_text(encoding="utf-8")
    for item in FrameworkItem.objects.all():
        assert item.source in text, item.key


def _copy(tmp_path: Path, *names: tuple[str, str]) -> Path:
    for name, content in names:
        (tmp_path / name).write_text(content, encoding="utf-8")
    return tmp_path


def test_a_new_version_file_adds_a_version_and_old_checks_keep_theirs(db, tmp_path, planned):
    first = check(planned)
    v1 = V1.read_text(encoding="utf-8")
    v2 = v1.replace("version = 1", "version = 2").replace('title = "A clinical champion"', 'title = "A champion"')
    shutil.copy(V1, tmp_path / V1.name)
    (tmp_path / "framework-v2.toml").write_text(v2, encoding="utf-8")
    counts = load_framework(data_dir=tmp_path)
    assert counts["framework_versions_added"] == 1
    assert list(FrameworkVersion.objects.values_list("version", flat=True)) == [2, 1]
    assert current_framework().version == 2
    first.refresh_from_db()
    assert first.framework.version == 1
    old = summary_for(planned, today=TODAY)
    assert old.framework.version == 1 and "A clinical champion" in [i.item.title for i in old.items]
    second = check(planned)
    assert second.framework.version == 2
    assert "A champion" in [i.item.title for i in summary_for(planned, today=TODAY).items]
    assert load_framework(data_dir=tmp_path)["framework_items_changed"] == 0  # idempotent with two versions


def test_wording_fixes_to_a_loaded_version_apply_in_place(db, tmp_path):
    fixed = V1.read_text(encoding="utf-8").replace("Name a respected clinician", "Name a trusted clinician")
    counts = load_framework(data_dir=_copy(tmp_path, (V1.name, fixed)))
    assert counts == {"framework_versions": 1, "framework_versions_added": 0, "framework_items_changed": 1}
    assert FrameworkItem.objects.get(key="clinical_champion").next_step.startswith("Name a trusted clinician")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda s: s.replace('mode = "asked"', 'mode = "typed"', 1), "mode must be 'asked' or 'computed'"),
        (lambda s: s.replace('key = "strategy"', 'key = "engagement"'), "the key 'engagement' is used twice"),
        (lambda s: s.replace('key = "supervision"', 'key = "staff_morale"'), "no computation is named 'staff_morale'"),
        (lambda s: s.replace("version = 1", "version = 3"), "its version must be 1"),
        (lambda s: s.replace('question = "Is a named clinician', 'questoin = "Is a named clinician'),
         "unknown field questoin"),
        (lambda s: s.split("[[items]]\nkey = \"off_the_shelf_pack\"")[0], "no longer has"),
    ],
)  # fmt: skip
def test_a_bad_file_is_refused_with_a_reason_and_loads_nothing(db, tmp_path, change, message):
    before = _records()
    bad = change(V1.read_text(encoding="utf-8"))
    with pytest.raises(FrameworkFileError, match=message):
        load_framework(data_dir=_copy(tmp_path, (V1.name, bad)))
    assert _records() == before


def test_files_sort_by_version_number(tmp_path):
    for n in (10, 2, 1):
        (tmp_path / f"framework-v{n}.toml").write_text("", encoding="utf-8")
    (tmp_path / "framework-draft.toml").write_text("", encoding="utf-8")
    assert [n for n, _ in services.framework_files(tmp_path)] == [1, 2, 10]
