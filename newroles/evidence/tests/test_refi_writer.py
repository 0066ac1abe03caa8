"""Exported .qdc and .qdpx files are valid against the official REFI-QDA schemas and laid out as documented."""

from __future__ import annotations

import io
import zipfile

import pytest
from lxml import etree

from newroles.evidence.refi import QdaCode, QdaCoding, QdaSelection, QdaUser, write_qdc, write_qdpx
from newroles.evidence.tests.refi_support import TRAPS_TEXT, assert_valid, g, sample_project

NS = {"p": "urn:QDA-XML:project:1.0", "c": "urn:QDA-XML:codebook:1.0"}


def _qde(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("project.qde")


def test_codebook_is_valid_against_codebook_xsd():
    project = sample_project()
    data = write_qdc(project.codes, project.users)
    assert_valid(data, "Codebook.xsd")
    root = etree.fromstring(data)
    assert root.get("origin") == "newroles"
    # nesting and the heading that is not codable survive into the XML
    heading = root.find("c:Codes/c:Code", NS)
    assert heading.get("isCodable") == "false"
    assert [c.get("name") for c in heading.findall("c:Code", NS)] == ["Staff shortage", "New model of care"]
    assert heading.find("c:Code/c:Code/c:Code", NS) is None  # depth three is under "New model of care"
    assert heading.find("c:Code[@name='New model of care']/c:Code", NS).get("color") == "#00703C"


def test_the_schema_check_in_the_tests_can_fail():
    # A codebook without its required isCodable must be rejected by the validator these tests rely on.
    broken = write_qdc([QdaCode(g(1), "A")]).replace(b' isCodable="true"', b"")
    with pytest.raises(AssertionError):
        assert_valid(broken, "Codebook.xsd")


def test_project_qde_is_valid_against_project_xsd():
    data = write_qdpx(sample_project())
    assert_valid(_qde(data), "Project.xsd")


def test_minimal_project_is_valid_too():
    from newroles.evidence.refi import QdaProject

    assert_valid(_qde(write_qdpx(QdaProject(name="Empty"))), "Project.xsd")


def test_qdpx_layout_text_files_and_internal_paths():
    project = sample_project()
    data = write_qdpx(project)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["project.qde", f"sources/{g(20)}.txt", f"sources/{g(21)}.txt"]
        # the text is stored byte for byte: UTF-8, no byte-order mark, CRLF kept
        assert archive.read(f"sources/{g(20)}.txt") == TRAPS_TEXT.encode("utf-8")
    root = etree.fromstring(_qde(data))
    source = root.find("p:Sources/p:TextSource", NS)
    assert source.get("plainTextPath") == f"internal://{g(20)}.txt"
    assert source.find("p:PlainTextContent", NS) is None
    selection = source.find("p:PlainTextSelection", NS)
    start = TRAPS_TEXT.index("no \U0001f600 staff")
    # "no 😀 staff" is 10 code points (the emoji counts once; it would be 11 UTF-16 units)
    assert (selection.get("startPosition"), selection.get("endPosition")) == (str(start), str(start + 10))


def test_guids_are_written_lower_case_and_colours_as_rrggbb():
    code = QdaCode("{ABCDEF01-2345-4678-9ABC-DEF012345678}", "Upper", color="#abc")
    root = etree.fromstring(write_qdc([code]))
    written = root.find("c:Codes/c:Code", NS)
    assert written.get("guid") == "abcdef01-2345-4678-9abc-def012345678"
    assert written.get("color") == "#AABBCC"


def test_memo_with_carriage_return_is_escaped_so_xml_keeps_it():
    qde = _qde(write_qdpx(sample_project()))
    assert b"Shortage shows in every trust.&#13;\n" in qde


def test_variable_values_use_the_declared_types():
    root = etree.fromstring(_qde(write_qdpx(sample_project())))
    values = root.findall("p:Sources/p:TextSource/p:VariableValue", NS)
    kinds = {etree.QName(v[1]).localname: v[1].text for v in values}
    assert kinds == {
        "TextValue": "Phase 1",
        "IntegerValue": "3",
        "BooleanValue": "true",
        "FloatValue": "2.5",
        "DateValue": "2026-01-05",
        "DateTimeValue": "2026-03-18T10:30:00+00:00",
    }


def test_users_cannot_go_into_a_codebook_but_bad_user_guids_are_still_refused():
    with pytest.raises(ValueError, match="not a GUID"):
        write_qdc([QdaCode(g(1), "A")], [QdaUser("nope", "Coder")])


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: p.sources[0].selections[0].codings.append(QdaCoding(g(99), g(98))), "refers to code"),
        (lambda p: p.sources[0].selections.append(QdaSelection(g(97), "", 5, 500)), "outside its text"),
        (lambda p: setattr(p.codes[1], "color", "red"), "not #RRGGBB"),
        (lambda p: p.sources[0].variables.update({g(61): "three"}), "for a Integer variable"),
        (lambda p: p.sources[0].variables.update({g(96): "x"}), "not in the project"),
        (lambda p: p.cases[0].source_refs.append(g(95)), "refers to source"),
        (lambda p: setattr(p.codes[1], "guid", "not-a-guid"), "not a GUID"),
    ],
)
def test_writer_refuses_a_project_other_tools_would_misread(change, message):
    project = sample_project()
    change(project)
    with pytest.raises(ValueError, match=message):
        write_qdpx(project)


def test_an_empty_codebook_is_refused():
    with pytest.raises(ValueError, match="at least one code"):
        write_qdc([])
