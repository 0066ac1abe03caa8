"""Markdown pipe tables edited as tables: split into prose and tables, and joined back to the same text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from newroles.lib import mdtables

PERSON_SPEC = (
    "| | Essential | Desirable |\n|---|---|---|\n"
    "| Registration | Current registration with the NMC | |\n"
    "| Experience | Work in mental health \\| learning disability services | Teaching |\n\n"
    "### Sources\n- Health Education England (2017)."
)
SCOPE = "### Job purpose\nTo help.\n\n### Scope\n| Can | Cannot |\n|---|---|\n| Assess | Prescribe |\n\nMore text."


def test_a_person_specification_splits_into_its_table_and_its_sources():
    table, sources = mdtables.split(PERSON_SPEC)
    assert table.kind == "table" and sources.kind == "text"
    assert table.rows[0] == ["", "Essential", "Desirable"]
    assert table.rows[1] == ["Registration", "Current registration with the NMC", ""]
    assert (
        table.rows[2][1] == "Work in mental health \\| learning disability services"
    )  # an escaped pipe stays one cell
    assert sources.text.startswith("### Sources")


def test_an_unchanged_table_joins_back_to_the_very_text():
    for text in (PERSON_SPEC, SCOPE):
        assert mdtables.join(mdtables.split(text)) == text


def test_the_posted_form_makes_the_same_markdown_and_drops_removed_rows():
    post = {
        "seg-count": "2",
        "seg-0-kind": "table", "seg-0-rows": "3", "seg-0-cols": "2",
        "seg-0-0-0": "Can", "seg-0-0-1": "Cannot",
        "seg-0-1-0": "Assess | review", "seg-0-1-1": "Prescribe",
        "seg-0-2-0": "Gone", "seg-0-2-1": "Gone too", "seg-0-2-remove": "1",
        "seg-1-kind": "text", "seg-1-text": "### Sources\r\n- One.",
    }  # fmt: skip
    text = mdtables.join(mdtables.from_post(post))
    assert text == "| Can | Cannot |\n|---|---|\n| Assess \\| review | Prescribe |\n\n### Sources\n- One."


def test_a_hand_made_post_cannot_ask_for_a_huge_table():
    post = {"seg-count": "9999999", "seg-0-kind": "table", "seg-0-rows": "10000000000", "seg-0-cols": "99"}
    segments = mdtables.from_post(post)
    assert len(segments) == mdtables.MAX_SEGMENTS
    assert len(segments[0].rows) == mdtables.MAX_ROWS and segments[0].columns == mdtables.MAX_COLUMNS


def test_adding_a_row_adds_an_empty_row_as_wide_as_the_table():
    segments = mdtables.split(SCOPE)
    mdtables.add_row(segments, 1)
    assert segments[1].rows[-1] == ["", ""]


cell_text = st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12).map(lambda s: " ".join(s.split()))


@given(st.lists(st.lists(cell_text, min_size=2, max_size=2), min_size=1, max_size=5))
def test_any_table_of_cells_round_trips(rows):
    rows = [[c.replace("\\", "") for c in row] for row in rows]
    text = mdtables.table_markdown(rows)
    (segment,) = mdtables.split(text)
    assert [[c.replace("\\|", "|") for c in row] for row in segment.rows] == rows
