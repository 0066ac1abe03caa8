"""Files that are damaged, unsafe or break the REFI-QDA structure are refused with a clear message, nothing returned."""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newroles.evidence.refi import RefiError, read_qdc, read_qdpx, write_qdpx
from newroles.evidence.tests.refi_support import make_zip, sample_project, schema
from newroles.lib.zipcheck import ZipLimits

FIXTURES = Path(__file__).parent / "fixtures" / "refi"

NS = 'xmlns="urn:QDA-XML:project:1.0"'
A, B, C, D = (f"0000000{n}-0000-4000-8000-000000000000" for n in range(1, 5))
VALID = (
    f'<Project {NS} name="P">'
    f'<Users><User guid="{A}" name="Coder"/></Users>'
    f'<CodeBook><Codes><Code guid="{B}" name="Theme" isCodable="true" color="#112233"><Description>d</Description>'
    f"</Code></Codes></CodeBook>"
    f'<Variables><Variable guid="{D}" name="Size" typeOfVariable="Integer"/></Variables>'
    f'<Sources><TextSource guid="{C}" name="S"><PlainTextContent>Some text</PlainTextContent>'
    f'<PlainTextSelection guid="{A[:-1]}9" startPosition="0" endPosition="4" creationDateTime="2026-01-01T10:00:00">'
    f'<Coding guid="{A[:-1]}8"><CodeRef targetGUID="{B}"/></Coding></PlainTextSelection>'
    f'<VariableValue><VariableRef targetGUID="{D}"/><IntegerValue>3</IntegerValue></VariableValue>'
    "</TextSource></Sources></Project>"
)


def _qdpx(qde: str | bytes) -> bytes:
    return make_zip({"project.qde": qde})


def test_the_valid_base_is_valid_and_imports():
    assert schema("Project.xsd").is_valid(VALID)
    assert read_qdpx(_qdpx(VALID)).project.sources[0].selections[0].codings[0].code_guid == B


# Each change breaks what Project.xsd requires; the official schema rejects it too, so the code's checks match it.
BREAKS = [
    (' name="P">', ">", "<Project> on line 1 has no 'name' attribute"),
    (' isCodable="true"', "", "<Code> on line 1 has no 'isCodable' attribute"),
    (f'<Code guid="{B}"', "<Code", "<Code> on line 1 has no 'guid' attribute"),
    (' name="Theme"', "", "<Code> on line 1 has no 'name' attribute"),
    (' startPosition="0"', "", "<PlainTextSelection> on line 1 has no 'startPosition' attribute"),
    ('endPosition="4"', 'endPosition="four"', "'endPosition=\"four\"', which is not a whole number"),
    (f'<CodeRef targetGUID="{B}"/>', "", "<Coding> on line 1 has no <CodeRef>, which the REFI-QDA schema requires"),
    (f'<VariableRef targetGUID="{D}"/>', "", "<VariableValue> on line 1 has no <VariableRef>"),
    (f'<User guid="{A}" name="Coder"/>', "", "<Users> on line 1 has no <User>"),
    (VALID[VALID.index("<Sources>") + 9 : VALID.index("</Sources>")], "", "<Sources> on line 1 holds no source"),
    ("<Codes>", "<Codes><Code/>", "<Code> on line 1 has no 'guid' attribute"),
    ("<Description>d</Description>", "<Description>d</Description>" * 2, "has 2 <Description> elements"),
    ("<PlainTextContent>", "<Colour/><PlainTextContent>", "<Colour> on line 1 is not allowed inside <TextSource>"),
    (f'guid="{C}"', 'guid="S-1"', "has 'guid=\"S-1\"', which is not a GUID"),
    ('color="#112233"', 'color="teal"', "has 'color=\"teal\"', which is not a colour"),
    ('isCodable="true"', 'isCodable="yes"', "has 'isCodable=\"yes\"'; it must be true or false"),
    ('typeOfVariable="Integer"', 'typeOfVariable="Colour"', 'has typeOfVariable="Colour"'),
    ("<IntegerValue>3</IntegerValue>", "<IntegerValue>three</IntegerValue>", "holds 'three', which is not a valid"),
    ('"2026-01-01T10:00:00"', '"yesterday"', "'creationDateTime=\"yesterday\"', which is not a date and time"),
    (
        "<PlainTextContent>Some text</PlainTextContent>",
        "<PlainTextContent>Some <b>text</b></PlainTextContent>",
        "<PlainTextContent> on line 1 holds elements",
    ),
]


@pytest.mark.parametrize(("old", "new", "message"), BREAKS)
def test_structure_the_schema_requires_is_enforced(old, new, message):
    assert old in VALID
    broken = VALID.replace(old, new, 1)
    assert not schema("Project.xsd").is_valid(broken), "the change must break the official schema too"
    with pytest.raises(RefiError, match="^project.qde: .*" + re.escape(message)):
        read_qdpx(_qdpx(broken))


def test_codebook_element_missing_is_refused():
    broken = VALID.replace("<CodeBook><Codes>", "<CodeBook><Codex>").replace(
        "</Codes></CodeBook>", "</Codex></CodeBook>"
    )
    with pytest.raises(RefiError, match="<Codex> on line 1 is not allowed inside <CodeBook>"):
        read_qdpx(_qdpx(broken))


def test_the_same_guid_twice_is_refused_even_in_different_case():
    twice = VALID.replace("</Code></Codes>", f'</Code><Code guid="{B.upper()}" name="Again" isCodable="true"/></Codes>')
    with pytest.raises(RefiError, match="code 'Theme' and code 'Again' share the GUID"):
        read_qdpx(_qdpx(twice))


def test_not_a_zip():
    with pytest.raises(RefiError, match=r"^The project file \(\.qdpx\) is not a zip archive.*It looks like XML"):
        read_qdpx(VALID.encode())
    with pytest.raises(RefiError, match=r"is not a zip archive, so it is not a REFI-QDA project\.$"):
        read_qdpx(b"%PDF-1.7")


def test_a_project_offered_as_a_codebook():
    with pytest.raises(RefiError, match=r"^The codebook \(\.qdc\) is a zip archive"):
        read_qdc(write_qdpx(sample_project()))


def test_a_broken_zip():
    good = write_qdpx(sample_project())
    with pytest.raises(RefiError, match="is damaged"):
        read_qdpx(good[: len(good) // 2])
    with pytest.raises(RefiError, match="is damaged"):
        read_qdpx(b"PK\x03\x04" + b"\x00" * 200)


def test_a_text_file_whose_checksum_does_not_match_is_refused():
    qde = VALID.replace("<PlainTextContent>Some text</PlainTextContent>", "").replace(
        'name="S">', 'name="S" plainTextPath="internal://s.txt">'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        archive.writestr("project.qde", qde)
        archive.writestr("sources/s.txt", "Some text here")
    damaged = buffer.getvalue().replace(b"Some text here", b"Some text HERE")  # same size, wrong CRC
    with pytest.raises(RefiError, match=re.escape("is damaged: its part 'sources/s.txt' could not be read")):
        read_qdpx(damaged)


def test_no_project_qde():
    with pytest.raises(RefiError, match=re.escape("has no project.qde at its top level")):
        read_qdpx(make_zip({"sources/a.txt": "text", "folder/project.qde": VALID}))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("this is not XML", "The project.qde in the project file \\(.qdpx\\) is not well-formed XML"),
        ("<Project ", "is not well-formed XML"),
        ("", "is empty"),
        (f"<CodeBook {NS}/>", "its root element is <CodeBook> in namespace 'urn:QDA-XML:project:1.0'; expected"),
        ('<Project name="P"/>', "its root element is <Project> \\(no namespace\\); expected <Project>"),
    ],
)
def test_not_a_project_document(content, message):
    with pytest.raises(RefiError, match=message):
        read_qdpx(_qdpx(content))


@pytest.mark.parametrize(
    "name", ["../evil.txt", "/etc/passwd", "sources/../../evil.txt", "..\\evil.txt", "C:/Windows/evil.txt"]
)
def test_members_with_path_traversal_or_absolute_paths_are_refused(name):
    with pytest.raises(RefiError, match=f"holds a part named '{re.escape(name)}', which points outside the archive"):
        read_qdpx(make_zip({"project.qde": VALID, name: "x"}))


def test_a_text_path_climbing_out_of_the_sources_folder_is_refused():
    qde = VALID.replace("<PlainTextContent>Some text</PlainTextContent>", "").replace(
        'name="S">', 'name="S" plainTextPath="internal://../../etc/passwd">'
    )
    with pytest.raises(
        RefiError, match=re.escape("points its text at 'internal://../../etc/passwd', outside the project")
    ):
        read_qdpx(make_zip({"project.qde": qde, "etc/passwd": "root"}))


def test_a_decompression_bomb_is_refused_before_anything_is_parsed():
    bomb = make_zip({"project.qde": VALID, "sources/big.txt": b"\0" * (8 * 1024 * 1024)})
    with pytest.raises(RefiError, match=re.escape("looks like a decompression bomb: its part 'sources/big.txt'")):
        read_qdpx(bomb, ZipLimits(max_members=100, max_total_bytes=64 * 1024 * 1024, max_ratio=100))
    with pytest.raises(RefiError, match="would take more than"):
        read_qdpx(bomb, ZipLimits(max_members=100, max_total_bytes=1024 * 1024, max_ratio=100_000))


def test_the_configured_limits_apply_by_default(settings):
    settings.ZIP_MAX_MEMBERS = 1
    with pytest.raises(RefiError, match="holds 2 parts; the limit is 1"):
        read_qdpx(make_zip({"project.qde": VALID, "sources/a.txt": "a"}))


XXE = (
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    f'<Project {NS} name="&secret;"/>'
)
LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE Project [<!ENTITY a "lol"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
    '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
    f'<Project {NS} name="&d;"/>'
)
NETWORK_DTD = f'<?xml version="1.0"?><!DOCTYPE Project SYSTEM "http://example.invalid/qda.dtd"><Project {NS} name="P"/>'


@pytest.mark.parametrize("xml", [XXE, LAUGHS, NETWORK_DTD])
def test_entities_and_dtds_are_refused(xml):
    with pytest.raises(RefiError, match="declares a DOCTYPE"):
        read_qdpx(_qdpx(xml))
    with pytest.raises(RefiError, match=r"^The codebook \(\.qdc\) declares a DOCTYPE"):
        read_qdc(xml.replace(f"<Project {NS}", '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"').encode())


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not xml", r"^The codebook \(\.qdc\) is not well-formed XML"),
        (VALID.encode(), "its root element is <Project>"),
        (b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"/>', "<CodeBook> on line 1 has no <Codes>"),
        (
            b'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="x" name="A" isCodable="true"/></Codes>'
            b"</CodeBook>",
            "has 'guid=\"x\"', which is not a GUID",
        ),
        (
            f'<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes><Code guid="{A}" name="A" isCodable="true">'
            f'<NoteRef targetGUID="{B}"/></Code></Codes></CodeBook>'.encode(),
            "<NoteRef> on line 1 is not allowed inside <Code>",  # Codebook.xsd has no memos on codes
        ),
    ],
)
def test_codebook_refusals(content, message):
    with pytest.raises(RefiError, match=message):
        read_qdc(content)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_damaged_documents_are_refused_or_read_never_crash(data):
    # Cut, duplicate or overwrite a piece of a valid project: the reader returns or refuses, with no other error.
    qde = (FIXTURES / "full.qde").read_bytes()
    start = data.draw(st.integers(0, len(qde) - 1))
    end = data.draw(st.integers(start, min(len(qde), start + 40)))
    replacement = data.draw(st.sampled_from([b"", b"<", b">", b'"', b"<Code/>", b"&amp;", b"\xff", qde[start:end] * 2]))
    damaged = qde[:start] + replacement + qde[end:]
    with contextlib.suppress(RefiError):
        read_qdpx(make_zip({"project.qde": damaged, "sources/strategy.txt": "x", "sources/memo2.txt": "y"}))
