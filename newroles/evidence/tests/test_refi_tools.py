"""Hand-built files imitating what NVivo, ATLAS.ti, MAXQDA and QualCoder write, with their usual quirks.

Each imitation is first checked against the official schema (so it is a file a real reader must accept), then read.
"""

from __future__ import annotations

import codecs

from newroles.evidence.refi import read_qdc, read_qdpx, write_qdpx
from newroles.evidence.tests.refi_support import assert_valid, make_zip

PROJECT = '<?xml version="1.0" encoding="utf-8" standalone="yes"?>\n<Project xmlns="urn:QDA-XML:project:1.0"'


def _read(qde: str, files: dict[str, bytes | str]):
    assert_valid(qde.encode("utf-8"), "Project.xsd")
    return read_qdpx(make_zip({"project.qde": qde, **files}))


# --- NVivo: upper-case GUIDs, rich-text twins, cases (participants) with variables, pictures ---------------------
NV_USER = "5E3C1A62-0B1F-4D2E-9C43-7F0A1B2C3D4E"
NV_CODE_PARENT = "A1B2C3D4-E5F6-4711-8899-AABBCCDDEE01"
NV_CODE = "A1B2C3D4-E5F6-4711-8899-AABBCCDDEE02"
NV_SOURCE = "0F1E2D3C-4B5A-4968-8776-655443322110"
NV_VAR = "9A8B7C6D-5E4F-4A3B-8C2D-1E0F9A8B7C6D"
NV_TEXT = "Interviewer: What changed?\r\nJ1: We introduced peer support workers.\r\nJ1: Supervision was the hard part."


def _nvivo() -> str:
    start = NV_TEXT.index("peer support workers")
    start2 = NV_TEXT.index("Supervision was the hard part")
    return f"""{PROJECT} name="New roles" origin="NVivo 14 (14.23.0)" creatingUserGUID="{NV_USER}"
 creationDateTime="2026-02-01T09:15:22Z">
  <Users><User guid="{NV_USER}" name="RA" id="RA"/></Users>
  <CodeBook><Codes>
    <Code guid="{NV_CODE_PARENT}" name="Implementation" isCodable="true" color="#FF8000">
      <Description>Implementation factors</Description>
      <Code guid="{NV_CODE}" name="Supervision capacity" isCodable="true" color="#0080FF"/>
    </Code>
  </Codes></CodeBook>
  <Variables><Variable guid="{NV_VAR}" name="Post category" typeOfVariable="Text"/></Variables>
  <Cases><Case guid="7A6B5C4D-3E2F-4A1B-8C0D-9E8F7A6B5C4D" name="J1">
    <VariableValue><VariableRef targetGUID="{NV_VAR}"/><TextValue>Head of HR</TextValue></VariableValue>
    <SourceRef targetGUID="{NV_SOURCE}"/>
  </Case></Cases>
  <Sources>
    <TextSource guid="{NV_SOURCE}" name="J1 interview" richTextPath="internal://{NV_SOURCE}.docx"
     plainTextPath="internal://{NV_SOURCE}.txt" creatingUser="{NV_USER}" creationDateTime="2026-02-01T09:15:22Z">
      <PlainTextSelection guid="11111111-AAAA-4BBB-8CCC-000000000001" name="J1 interview" startPosition="{start}"
       endPosition="{start + 20}" creatingUser="{NV_USER}" creationDateTime="2026-02-01T09:20:00Z">
        <Coding guid="22222222-AAAA-4BBB-8CCC-000000000001" creatingUser="{NV_USER}">
          <CodeRef targetGUID="{NV_CODE_PARENT}"/></Coding>
      </PlainTextSelection>
      <PlainTextSelection guid="11111111-AAAA-4BBB-8CCC-000000000002" startPosition="{start2}"
       endPosition="{start2 + 29}" creatingUser="{NV_USER}">
        <Coding guid="22222222-AAAA-4BBB-8CCC-000000000002" creatingUser="{NV_USER}">
          <CodeRef targetGUID="{NV_CODE}"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PictureSource guid="33333333-AAAA-4BBB-8CCC-000000000001" name="Photo 1" path="internal://33333333.jpg"/>
    <PictureSource guid="33333333-AAAA-4BBB-8CCC-000000000002" name="Photo 2" path="internal://33333334.jpg"/>
  </Sources>
</Project>"""


def test_nvivo_project():
    result = _read(
        _nvivo(),
        {
            f"sources/{NV_SOURCE}.txt": codecs.BOM_UTF8 + NV_TEXT.encode("utf-8"),  # NVivo on Windows: BOM, CRLF
            f"sources/{NV_SOURCE}.docx": b"PK fake docx",
            "sources/33333333.jpg": b"\xff\xd8\xff",
            "sources/33333334.jpg": b"\xff\xd8\xff",
        },
    )
    project = result.project
    assert project.users[0].guid == NV_USER.lower()
    (source,) = project.sources
    assert source.text == NV_TEXT
    quoted = [source.text[s.start : s.end] for s in source.selections]
    assert quoted == ["peer support workers", "Supervision was the hard part"]
    assert [c.code_guid for s in source.selections for c in s.codings] == [NV_CODE_PARENT.lower(), NV_CODE.lower()]
    assert {c.creating_user for s in source.selections for c in s.codings} == {NV_USER.lower()}
    parent = project.codes[0]
    assert (parent.color, parent.children[0].name, parent.children[0].color) == (
        "#FF8000",
        "Supervision capacity",
        "#0080FF",
    )
    (case,) = project.cases
    assert (case.name, case.variables, case.source_refs) == (
        "J1",
        {NV_VAR.lower(): "Head of HR"},
        [NV_SOURCE.lower()],
    )
    assert result.not_imported == [
        "2 picture sources (Photo 1, Photo 2) were not imported: the product holds text sources only."
    ]


# --- ATLAS.ti: lower-case GUIDs, internal:// text files, memos as notes, PDFs with text, networks and relations --
def _atlas(text: str) -> str:
    start = text.index("nursing associates")
    return f"""{PROJECT} name="NR study" origin="ATLAS.ti 23.2.1">
  <Users><User guid="c7f8a0a2-1111-4a0b-9a8e-0c5b6f1d2e3a" name="Coder 1"/></Users>
  <CodeBook><Codes>
    <Code guid="e1a1a1a1-0000-4000-8000-000000000001" name="Reasons: shortage" isCodable="true" color="#c0392b">
      <NoteRef targetGUID="f1a1a1a1-0000-4000-8000-000000000001"/></Code>
    <Code guid="e1a1a1a1-0000-4000-8000-000000000002" name="Skill-mix: delegation" isCodable="true" color="#2980b9"/>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="d1a1a1a1-0000-4000-8000-000000000001" name="T1 interview.docx"
     richTextPath="internal://d1a1a1a1-0000-4000-8000-000000000001.docx"
     plainTextPath="internal://d1a1a1a1-0000-4000-8000-000000000001.txt">
      <PlainTextSelection guid="b1a1a1a1-0000-4000-8000-000000000001" name="nursing associates"
       startPosition="{start}" endPosition="{start + 18}" creatingUser="c7f8a0a2-1111-4a0b-9a8e-0c5b6f1d2e3a">
        <Coding guid="a1a1a1a1-0000-4000-8000-000000000001" creatingUser="c7f8a0a2-1111-4a0b-9a8e-0c5b6f1d2e3a">
          <CodeRef targetGUID="e1a1a1a1-0000-4000-8000-000000000002"/></Coding>
      </PlainTextSelection>
    </TextSource>
    <PDFSource guid="d1a1a1a1-0000-4000-8000-000000000002" name="Strategy.pdf" path="internal://strategy.pdf">
      <Representation guid="d1a1a1a1-0000-4000-8000-000000000003" plainTextPath="internal://strategy.txt"/>
    </PDFSource>
  </Sources>
  <Notes><Note guid="f1a1a1a1-0000-4000-8000-000000000001" name="Code comment">
    <PlainTextContent>Shortage is the first reason in 29 trusts.</PlainTextContent></Note></Notes>
  <Links><Link guid="91a1a1a1-0000-4000-8000-000000000001" name="is cause of" direction="OneWay"
   originGUID="e1a1a1a1-0000-4000-8000-000000000001" targetGUID="e1a1a1a1-0000-4000-8000-000000000002"/></Links>
  <Sets><Set guid="81a1a1a1-0000-4000-8000-000000000001" name="Code group: Reasons">
    <MemberCode targetGUID="e1a1a1a1-0000-4000-8000-000000000001"/></Set></Sets>
  <Graphs><Graph guid="71a1a1a1-0000-4000-8000-000000000001" name="Network: reasons"/></Graphs>
</Project>"""


def test_atlas_ti_project():
    text = "T1: 😀 Honestly? We used 𝔘nqualified… no — nursing associates, to cover the ward."
    result = _read(
        _atlas(text),
        {
            "sources/d1a1a1a1-0000-4000-8000-000000000001.txt": text,
            "sources/strategy.txt": "Our workforce strategy.",
        },
    )
    project = result.project
    first, pdf = project.sources
    selection = first.selections[0]
    # Code points: the emoji and the Fraktur U are one character each (a UTF-16 count would be 2 further on)
    assert first.text[selection.start : selection.end] == "nursing associates"
    assert (pdf.name, pdf.guid, pdf.text) == (
        "Strategy.pdf",
        "d1a1a1a1-0000-4000-8000-000000000002",
        "Our workforce strategy.",
    )
    assert project.codes[0].note_refs == ["f1a1a1a1-0000-4000-8000-000000000001"]
    assert project.notes[0].text == "Shortage is the first reason in 29 trusts."
    assert result.not_imported == [
        "1 set (Code group: Reasons) was not imported: the product does not keep sets of codes or sources.",
        "1 graph (Network: reasons) was not imported: the product does not keep graphs (network views).",
        "1 link (is cause of) was not imported: the product does not keep links between items.",
    ]


# --- MAXQDA: upper-case GUIDs in braces, document and code sets, Windows text files, a codebook with sets --------
def test_maxqda_project_and_codebook():
    text = "Q: Funding?\r\nA: It was recurrent for one year only, and backfill was not funded.\r\n"
    start = text.index("recurrent for one year only")
    qde = f"""{PROJECT} name="Phase 2" origin="MAXQDA 2022 (Release 22.4.0)">
  <Users><User guid="{{6D2F3B4A-1C5E-4F70-8A9B-0C1D2E3F4A5B}}" name="MX"/></Users>
  <CodeBook><Codes>
    <Code guid="{{A0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}}" name="Funding problems" isCodable="true" color="#FF0000">
      <Description></Description>
      <Code guid="{{A0B1C2D3-E4F5-4607-8819-2A3B4C5D6E80}}" name="Short-term" isCodable="true" color="#00FF00"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="{{B0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}}" name="Reflection group G2"
     plainTextPath="internal://B0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F.txt">
      <PlainTextSelection guid="{{C0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}}" startPosition="{start}"
       endPosition="{start + 27}" creatingUser="{{6D2F3B4A-1C5E-4F70-8A9B-0C1D2E3F4A5B}}">
        <Coding guid="{{D0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}}" creatingUser="{{6D2F3B4A-1C5E-4F70-8A9B-0C1D2E3F4A5B}}">
          <CodeRef targetGUID="{{A0B1C2D3-E4F5-4607-8819-2A3B4C5D6E80}}"/></Coding>
      </PlainTextSelection>
    </TextSource>
  </Sources>
  <Sets><Set guid="{{E0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}}" name="Document set: Phase 2">
    <MemberSource targetGUID="{{B0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}}"/></Set></Sets>
</Project>"""
    result = _read(qde, {"sources/B0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F.txt": codecs.BOM_UTF8 + text.encode("utf-8")})
    (source,) = result.project.sources
    assert source.guid == "b0b1c2d3-e4f5-4607-8819-2a3b4c5d6e7f"
    selection = source.selections[0]
    assert source.text[selection.start : selection.end] == "recurrent for one year only"
    assert selection.codings[0].code_guid == "a0b1c2d3-e4f5-4607-8819-2a3b4c5d6e80"
    assert result.project.users[0].guid == selection.codings[0].creating_user
    assert result.not_imported == [
        "1 set (Document set: Phase 2) was not imported: the product does not keep sets of codes or sources."
    ]

    codebook = b"""<?xml version="1.0" encoding="utf-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="MAXQDA 2022">
  <Codes>
    <Code guid="{A0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}" name="Funding problems" isCodable="true" color="#FF0000">
      <Code guid="{A0B1C2D3-E4F5-4607-8819-2A3B4C5D6E80}" name="Short-term" isCodable="true" color="#00FF00"/>
    </Code>
  </Codes>
  <Sets><Set guid="{F0B1C2D3-E4F5-4607-8819-2A3B4C5D6E7F}" name="Code set: money">
    <MemberCode guid="{A0B1C2D3-E4F5-4607-8819-2A3B4C5D6E80}"/></Set></Sets>
</CodeBook>"""
    assert_valid(codebook, "Codebook.xsd")
    imported = read_qdc(codebook)
    assert [c.name for c in imported.project.all_codes()] == ["Funding problems", "Short-term"]
    assert imported.project.codes[0].children[0].guid == "a0b1c2d3-e4f5-4607-8819-2a3b4c5d6e80"
    assert imported.project.name == "Codebook from MAXQDA 2022"
    assert imported.not_imported == [
        "1 set (Code set: money) was not imported: the product does not keep sets of codes or sources."
    ]


QC_A = "4b2a0e5c-0000-4000-8000-00000000000a"
QC_B = "4b2a0e5c-0000-4000-8000-00000000000b"


# --- QualCoder: categories as non-codable codes, plainTextPath files, memos inline, audio and video ------------
def test_qualcoder_project():
    text = "G1: The clinical champion made it work.\nG3: Without forewarning we were not ready."
    start = text.index("clinical champion")
    qde = f"""{PROJECT} name="qualcoder_project" origin="QualCoder 3.5" creatingUserGUID="{QC_A}">
  <Users><User guid="{QC_A}" name="default"/>
    <User guid="{QC_B}" name="coder2"/></Users>
  <CodeBook><Codes>
    <Code guid="5c3b1f6d-0000-4000-8000-000000000001" name="Implementation factors" isCodable="false">
      <Code guid="5c3b1f6d-0000-4000-8000-000000000002" name="Clinical champion" isCodable="true" color="#ffd7ae">
        <Description>A named senior clinician backs the role</Description></Code>
      <Code guid="5c3b1f6d-0000-4000-8000-000000000003" name="Forewarning" isCodable="true" color="#b4f0c8"/>
    </Code>
  </Codes></CodeBook>
  <Sources>
    <TextSource guid="6d4c2a7e-0000-4000-8000-000000000001" name="reflection_group_1.txt"
     plainTextPath="internal://6d4c2a7e-0000-4000-8000-000000000001.txt" creatingUser="{QC_A}"
     creationDateTime="2026-01-20T14:02:11">
      <PlainTextSelection guid="7e5d3b8f-0000-4000-8000-000000000001" startPosition="{start}" endPosition="{start + 17}"
       creatingUser="{QC_B}" creationDateTime="2026-01-21T10:00:00">
        <Coding guid="8f6e4c90-0000-4000-8000-000000000001" creatingUser="{QC_B}">
          <CodeRef targetGUID="5c3b1f6d-0000-4000-8000-000000000002"/></Coding>
        <NoteRef targetGUID="906f5da1-0000-4000-8000-000000000001"/>
      </PlainTextSelection>
    </TextSource>
    <AudioSource guid="6d4c2a7e-0000-4000-8000-000000000002" name="group1.mp3" path="internal://group1.mp3">
      <Transcript guid="6d4c2a7e-0000-4000-8000-000000000003" plainTextPath="internal://group1.mp3.txt"/>
    </AudioSource>
    <VideoSource guid="6d4c2a7e-0000-4000-8000-000000000004" name="ward_visit.mp4" path="internal://ward_visit.mp4"/>
  </Sources>
  <Notes><Note guid="906f5da1-0000-4000-8000-000000000001" name="memo" creatingUser="{QC_B}">
    <PlainTextContent>Champion appears in both groups.</PlainTextContent></Note></Notes>
</Project>"""
    result = _read(qde, {"sources/6d4c2a7e-0000-4000-8000-000000000001.txt": text, "sources/group1.mp3": b"ID3"})
    project = result.project
    heading = project.codes[0]
    assert heading.is_codable is False
    assert [(c.name, c.color) for c in heading.children] == [
        ("Clinical champion", "#FFD7AE"),
        ("Forewarning", "#B4F0C8"),
    ]
    (source,) = project.sources
    selection = source.selections[0]
    assert source.text[selection.start : selection.end] == "clinical champion"
    assert selection.codings[0].creating_user == QC_B
    assert selection.note_refs == [project.notes[0].guid]
    assert result.not_imported == [
        "1 audio source (group1.mp3) was not imported: the product holds text sources only (transcripts included).",
        "1 video source (ward_visit.mp4) was not imported: the product holds text sources only (transcripts included).",
    ]


def test_what_we_export_reads_back_in_the_same_way_as_their_files():
    # An export from an imported NVivo project keeps NVivo's text and positions (the exchange goes both ways).
    text_file = codecs.BOM_UTF8 + NV_TEXT.encode("utf-8")
    imported = read_qdpx(make_zip({"project.qde": _nvivo(), f"sources/{NV_SOURCE}.txt": text_file})).project
    again = read_qdpx(write_qdpx(imported)).project
    assert again == imported
