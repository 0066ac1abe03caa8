"""Write then read gives back the same project: codes, selections at the same positions, codings, coders."""

from __future__ import annotations

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from newroles.evidence.refi import (
    QdaCode,
    QdaCoding,
    QdaProject,
    QdaSelection,
    QdaSource,
    QdaUser,
    read_qdc,
    read_qdpx,
    write_qdc,
    write_qdpx,
)
from newroles.evidence.tests.refi_support import TRAPS_TEXT, g, passage, sample_project


def test_project_round_trip_is_exact():
    project = sample_project()
    result = read_qdpx(write_qdpx(project))
    assert result.not_imported == []
    assert result.project == project


def test_round_trip_keeps_passages_across_crlf_and_astral_characters():
    result = read_qdpx(write_qdpx(sample_project()))
    source = result.project.sources[0]
    assert source.text == TRAPS_TEXT
    quoted = [source.text[s.start : s.end] for s in source.selections]
    assert quoted == ["no \U0001f600 staff", "𝔘nit café\twas", "Peer support helped."]
    # A reader counting UTF-16 code units or folding CRLF would land elsewhere: the positions are code points.
    start, _ = passage(TRAPS_TEXT, "Peer support helped.")
    utf16_start = len(TRAPS_TEXT[:start].encode("utf-16-le")) // 2
    assert source.selections[2].start == start != utf16_start
    assert start != passage(TRAPS_TEXT.replace("\r\n", "\n"), "Peer support helped.")[0]


def test_codebook_round_trip_keeps_hierarchy_colours_and_codability():
    project = sample_project()
    codes = read_qdc(write_qdc(project.codes)).project.codes
    # Codebook.xsd has no memo references on codes, so only those differ from the project's codes.
    for code in project.all_codes():
        code.note_refs = []
    assert codes == project.codes
    assert [c.is_codable for top in codes for c in top.walk()] == [False, True, True, True, True]


def test_coders_stay_attached_to_their_codings():
    result = read_qdpx(write_qdpx(sample_project())).project
    names = {user.guid: user.name for user in result.users}
    codings = [(c.code_guid, names[c.creating_user]) for c in result.sources[0].selections[0].codings]
    assert codings == [(g(11), "Coder A"), (g(11), "Coder B")]


# Text drawn from letters, line ends of both kinds and characters in and beyond the BMP.
_alphabet = st.sampled_from([*string.ascii_letters, " ", "\n", "\r\n", "é", "😀", "𝔘", "ß", "\t", "€"])
_texts = st.lists(_alphabet, min_size=1, max_size=60).map("".join)


@settings(max_examples=60, deadline=None)
@given(text=_texts, data=st.data())
def test_any_text_and_selection_survive_the_round_trip(text, data):
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    project = QdaProject(
        name="P",
        users=[QdaUser(g(1), "A")],
        codes=[QdaCode(g(2), "C")],
        sources=[QdaSource(g(3), "S", text, [QdaSelection(g(4), "", start, end, [QdaCoding(g(5), g(2), g(1))])])],
    )
    back = read_qdpx(write_qdpx(project)).project
    assert back == project
    assert back.sources[0].text[start:end] == text[start:end]
