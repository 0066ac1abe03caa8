"""Import of a hand-built project that uses every optional element Project.xsd allows, and of the text variants."""

from __future__ import annotations

import codecs
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newroles.evidence.refi import read_qdpx
from newroles.evidence.tests.refi_support import assert_valid, make_zip

FIXTURES = Path(__file__).parent / "fixtures" / "refi"


def _full() -> bytes:
    return make_zip(
        {
            "project.qde": (FIXTURES / "full.qde").read_bytes(),
            "sources/strategy.txt": "Funding is short-term.",
            "sources/memo2.txt": codecs.BOM_UTF8 + b"Check the coding.",
        }
    )


def test_the_full_fixture_is_itself_valid_against_project_xsd():
    assert_valid((FIXTURES / "full.qde").read_bytes(), "Project.xsd")


def test_every_optional_element_is_read():
    result = read_qdpx(_full())
    project = result.project
    assert project.name == "Every optional element"
    assert project.origin == "Hand-built 1.0"
    assert project.creating_user == "a0000000-0000-4000-8000-000000000001"  # braces and upper case dropped
    assert project.created == datetime(2026, 3, 18, 10, 0, tzinfo=UTC)
    assert project.description == "A project that uses everything."
    assert project.note_refs == ["e0000000-0000-4000-8000-000000000001"]
    assert [(u.guid[-1], u.name) for u in project.users] == [("1", "Coder A"), ("2", "cb")]

    reasons, funding = project.codes
    assert (reasons.name, reasons.is_codable, reasons.color, reasons.description) == (
        "Reasons",
        False,
        "#1D70B8",
        "Why trusts introduce new roles",
    )
    assert reasons.note_refs == ["e0000000-0000-4000-8000-000000000001"]
    shortage = reasons.children[0]
    assert (shortage.name, shortage.color, shortage.is_codable) == ("Shortage", "#FF0000", True)
    assert shortage.children[0].name == "Cannot recruit" and shortage.children[0].is_codable is True
    assert funding.color is None and funding.description == ""

    types = {v.name: v.type_of_variable for v in project.variables}
    assert types == {
        "Site": "Text",
        "Staff": "Integer",
        "Consented": "Boolean",
        "WTE": "Float",
        "Start": "Date",
        "Observed": "DateTime",
    }
    (case,) = project.cases
    assert case.description == "Community team"
    assert sorted(map(repr, case.variables.values())) == sorted(
        map(repr, ["Site 1", 14, True, 12.5, date(2025, 9, 1), datetime(2025, 10, 1, 9, 0)])
    )
    assert [ref[-1] for ref in case.source_refs] == ["1", "2"]  # the PDF came in through its text
    assert case.selection_refs == ["b1000000-0000-4000-8000-000000000001"]
    assert case.code_refs == ["c0000000-0000-4000-8000-000000000002"]

    interview, strategy = project.sources
    assert interview.text == "J1: We could not recruit nurses.\r\nJ1: So we brought in nursing associates."
    (selection,) = interview.selections
    assert interview.text[selection.start : selection.end] == "not recruit nurses."
    assert (selection.name, selection.description) == ("recruit", "Shortage passage")
    assert selection.created == datetime(2026, 3, 18, 10, 5, tzinfo=UTC)
    (coding,) = selection.codings
    assert coding.code_guid == "c0000000-0000-4000-8000-000000000003"
    assert coding.creating_user == "a0000000-0000-4000-8000-000000000001"
    assert coding.note_refs == ["e0000000-0000-4000-8000-000000000002"]
    assert interview.variables == {"d0000000-0000-4000-8000-000000000001": "Site 1"}
    assert interview.description == "Phase 1"

    assert strategy.name == "Trust strategy" and strategy.text == "Funding is short-term."
    assert strategy.description == "Workforce strategy"
    assert strategy.text[strategy.selections[0].start : strategy.selections[0].end] == "Funding"
    assert strategy.variables == {"d0000000-0000-4000-8000-000000000002": 51}

    memo, coding_memo = project.notes
    assert memo.text == "Recruitment runs through every interview."
    assert memo.created == datetime(2026, 3, 18, 10, 0, tzinfo=UTC)
    assert coding_memo.text == "Check the coding."  # from its own file, byte-order mark removed

    assert result.not_imported == [
        "1 coding of a whole source (Interview J1) was not imported: the product codes passages of text, not "
        "whole sources.",
        "2 picture sources (Photo 1, Photo 2) were not imported: the product holds text sources only.",
        "1 selection of a page area in a PDF (Trust strategy) was not imported: only selections of text can be "
        "brought in.",
        "1 PDF source without a text representation (Scanned letter) was not imported: the product holds text "
        "only; export PDFs with their text from the other tool.",
        "1 audio source (Group recording) was not imported: the product holds text sources only (transcripts "
        "included).",
        "1 video source (Site visit) was not imported: the product holds text sources only (transcripts included).",
        "1 set (Workforce codes) was not imported: the product does not keep sets of codes or sources.",
        "1 graph (Reasons network) was not imported: the product does not keep graphs (network views).",
        "1 link (explains) was not imported: the product does not keep links between items.",
    ]


def test_fractions_of_a_second_beyond_microseconds_and_offsets_are_read():
    from lxml import etree

    from newroles.evidence.refi.xmlread import PROJECT_NS, Checker

    element = etree.fromstring(f'<Project xmlns="{PROJECT_NS}" at="2026-03-19T11:00:00.1234567+01:00"/>')
    when = Checker("x", PROJECT_NS, {}).when(element, "at")
    assert when == datetime(2026, 3, 19, 11, 0, 0, 123456, tzinfo=timezone(timedelta(hours=1)))


# --- text in separate files: encodings, byte-order marks, line ends, path forms, shared files ------------------

G = "11111111-2222-4333-8444-5555555555{:02d}"


def _project(sources: str, codes: str = "") -> str:
    codes = codes or f'<Code guid="{G.format(90)}" name="Theme" isCodable="true"/>'
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<Project xmlns="urn:QDA-XML:project:1.0" name="P">'
        f"<CodeBook><Codes>{codes}</Codes></CodeBook><Sources>{sources}</Sources></Project>"
    )


def _source(n: int, path: str, start: int = 0, end: int = 1, name: str = "") -> str:
    return (
        f'<TextSource guid="{G.format(n)}" name="{name or f"S{n}"}" plainTextPath="{path}">'
        f'<PlainTextSelection guid="{G.format(n + 40)}" startPosition="{start}" endPosition="{end}">'
        f'<Coding guid="{G.format(n + 60)}"><CodeRef targetGUID="{G.format(90)}"/></Coding>'
        "</PlainTextSelection></TextSource>"
    )


def test_utf8_with_and_without_bom_and_crlf_counted_as_two_characters():
    text = "A: first line\r\nB: 𝔘nit 😀 second"
    start = text.index("𝔘nit 😀")  # 13 + 2 (CR and LF, one character each) + 3
    assert start == 18
    qde = _project(
        _source(1, "internal://one.txt", start, start + 6) + _source(2, "internal://two.txt", start, start + 6)
    )
    result = read_qdpx(
        make_zip(
            {
                "project.qde": qde,
                "sources/one.txt": codecs.BOM_UTF8 + text.encode("utf-8"),
                "sources/two.txt": text.encode("utf-8"),
            }
        )
    )
    assert result.not_imported == []
    for source in result.project.sources:
        assert source.text == text  # the byte-order mark is not text; CRLF kept as stored
        selection = source.selections[0]
        assert source.text[selection.start : selection.end] == "𝔘nit 😀"


def test_a_selection_from_a_tool_counting_crlf_as_one_is_reported_not_clipped():
    text = "ab\r\ncd"  # 6 code points; a tool folding CRLF would call it 5 and might end a selection at 5
    qde = _project(_source(1, "internal://t.txt", 4, 7, name="Interview"))
    result = read_qdpx(make_zip({"project.qde": qde, "sources/t.txt": text}))
    assert result.project.sources[0].selections == []
    assert result.not_imported == [
        f"The selection '{G.format(41)}' in source 'Interview' runs from character 4 to 7, outside its text of 6 "
        "characters; it and its 1 coding(s) were not imported."
    ]


@pytest.mark.parametrize(
    ("encoded", "reason"),
    [
        (codecs.BOM_UTF16_LE + "Hello".encode("utf-16-le"), "is UTF-16 text; REFI-QDA text files are UTF-8"),
        ("Café".encode("cp1252"), "is not UTF-8 (byte 3 cannot be read; it may be Windows-1252 or Latin-1)"),
    ],
)
def test_text_files_in_other_encodings_are_reported(encoded, reason):
    result = read_qdpx(make_zip({"project.qde": _project(_source(1, "internal://x.txt")), "sources/x.txt": encoded}))
    assert result.project.sources == []
    assert result.not_imported[0].startswith(
        "The source 'S1' and its 1 selection(s) could not be imported: its text file 'sources/x.txt' " + reason
    )


def test_relative_path_forms_and_sources_sharing_one_file():
    sources = (
        _source(1, "internal://shared.txt")
        + _source(2, "sources/shared.txt")  # relative to the archive
        + _source(3, "shared.txt")  # relative to the sources folder
        + _source(4, "internal://My%20Interview.txt")  # percent-encoded space
        + _source(5, "internal://SHARED.TXT")  # written on a case-insensitive file system
    )
    result = read_qdpx(
        make_zip({"project.qde": _project(sources), "sources/shared.txt": "Shared", "sources/My Interview.txt": "Mine"})
    )
    assert [s.text for s in result.project.sources] == ["Shared", "Shared", "Shared", "Mine", "Shared"]
    assert result.not_imported == []


def test_text_outside_the_archive_or_missing_is_reported():
    sources = (
        _source(1, "relative://transcripts/j1.txt")
        + _source(2, "file:///C:/Users/x/j2.txt")
        + _source(3, "C:\\Users\\x\\j3.txt")
        + _source(4, "internal://gone.txt")
        + f'<TextSource guid="{G.format(5)}" name="Rich only" richTextPath="internal://r.docx"/>'
    )
    result = read_qdpx(make_zip({"project.qde": _project(sources)}))
    assert result.project.sources == []
    lines = result.not_imported
    assert "outside the project file ('relative://transcripts/j1.txt')" in lines[0]
    assert "outside the project file ('file:///C:/Users/x/j2.txt')" in lines[1]
    assert "outside the project file ('C:\\Users\\x\\j3.txt')" in lines[2]
    assert lines[3] == (
        "The source 'S4' and its 1 selection(s) could not be imported: its text file 'internal://gone.txt' is not "
        "in the project file."
    )
    assert lines[4] == (
        "The source 'Rich only' could not be imported: it has only rich text (richTextPath), no plain text."
    )


def test_inline_text_keeps_escaped_carriage_returns_and_xml_folds_literal_ones():
    escaped = f'<TextSource guid="{G.format(1)}" name="E"><PlainTextContent>a&#13;\nb</PlainTextContent></TextSource>'
    literal = f'<TextSource guid="{G.format(2)}" name="L"><PlainTextContent>a\r\nb</PlainTextContent></TextSource>'
    result = read_qdpx(make_zip({"project.qde": _project(escaped + literal)}))
    assert [s.text for s in result.project.sources] == ["a\r\nb", "a\nb"]


def test_codings_of_unknown_codes_missing_memos_and_unlisted_coders_are_reported():
    sources = (
        f'<TextSource guid="{G.format(1)}" name="S"><PlainTextContent>Some text</PlainTextContent>'
        f'<PlainTextSelection guid="{G.format(2)}" startPosition="0" endPosition="4" creatingUser="{G.format(3)}">'
        f'<Coding guid="{G.format(4)}" creatingUser="{G.format(3)}"><CodeRef targetGUID="{G.format(90)}"/></Coding>'
        f'<Coding guid="{G.format(5)}"><CodeRef targetGUID="{G.format(91)}"/></Coding>'
        f'<NoteRef targetGUID="{G.format(6)}"/>'
        "</PlainTextSelection></TextSource>"
    )
    result = read_qdpx(make_zip({"project.qde": _project(sources)}))
    selection = result.project.sources[0].selections[0]
    assert [c.code_guid for c in selection.codings] == [G.format(90)]
    assert selection.note_refs == []
    assert [(u.guid, u.name) for u in result.project.users] == [(G.format(3), "")]
    assert result.not_imported == [
        "1 coding of a code that is not in the codebook (S) was not imported: there is no code to attach them to.",
        "1 reference(s) to memos that are not in the project (or could not be imported) were left out.",
        "1 coder(s) named on codings or sources are not in the project's user list; they were added without a name.",
    ]


def test_extension_elements_from_other_namespaces_are_listed():
    qde = _project(
        f'<TextSource guid="{G.format(1)}" name="S"><PlainTextContent>x</PlainTextContent>'
        '<v:Colour xmlns:v="urn:vendor">red</v:Colour></TextSource>'
    )
    result = read_qdpx(make_zip({"project.qde": qde}))
    assert result.project.sources[0].text == "x"
    assert result.not_imported == [
        "1 element from another tool's own extension (<Colour> in <TextSource>) was not imported: they are not "
        "part of the REFI-QDA standard."
    ]


def test_the_report_counts_items_and_names_each_owner_once():
    area = '<PDFSelection guid="{}" page="1" firstX="0" firstY="0" secondX="9" secondY="9"/>'
    whole = '<Coding guid="{}"><CodeRef targetGUID="' + G.format(90) + '"/></Coding>'
    sources = (
        f'<PDFSource guid="{G.format(1)}" name="Strategy.pdf">'
        + "".join(area.format(G.format(n)) for n in (2, 3, 4))
        + f'<Representation guid="{G.format(5)}"><PlainTextContent>Text</PlainTextContent></Representation>'
        + "".join(whole.format(G.format(n)) for n in (6, 7))
        + "</PDFSource>"
        + f'<PictureSource guid="{G.format(8)}" name="Photo 1"/>'
    )
    qde = _project(sources).replace(
        "<Sources>",
        f'<Cases><Case guid="{G.format(9)}" name="Team A"><SourceRef targetGUID="{G.format(8)}"/>'
        f'<SourceRef targetGUID="{G.format(1)}"/><SelectionRef targetGUID="{G.format(2)}"/></Case></Cases><Sources>',
    )
    assert_valid(qde.encode(), "Project.xsd")
    result = read_qdpx(make_zip({"project.qde": qde}))
    assert result.project.cases[0].source_refs == [G.format(1)]
    assert result.not_imported == [
        "3 selections of page areas in PDFs (Strategy.pdf) were not imported: only selections of text can be "
        "brought in.",
        "2 codings of whole sources (Strategy.pdf) were not imported: the product codes passages of text, not whole "
        "sources.",
        "1 picture source (Photo 1) was not imported: the product holds text sources only.",
        "2 references from cases (Team A) were not imported: they point to items that were not imported.",
    ]


def test_optional_elements_left_out_give_an_empty_project():
    qde = '<Project xmlns="urn:QDA-XML:project:1.0" name="Bare"/>'
    assert_valid(qde.encode(), "Project.xsd")
    result = read_qdpx(make_zip({"project.qde": qde}))
    assert (result.project.name, result.project.codes, result.project.sources, result.not_imported) == (
        "Bare",
        [],
        [],
        [],
    )
    assert result.project.origin == "" and result.project.created is None and result.project.users == []
