"""The evidence exchanged as REFI-QDA: export valid against the schemas, round trip, other tools' files, refusals."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command
from django.urls import reverse

from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.evidence import exchange, services
from newroles.evidence.exchange_import import split_lines
from newroles.evidence.models import Code, Codebook, Memo, Paragraph, Segment, Source
from newroles.evidence.refi import RefiError, read_qdpx
from newroles.evidence.tests.conftest import code
from newroles.evidence.tests.refi_support import TRAPS_TEXT, assert_valid, make_zip
from newroles.evidence.tests.test_refi_tools import NV_SOURCE, NV_TEXT, _nvivo
from newroles.evidence.transcripts import Turn


def _qde(data: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("project.qde")


@pytest.fixture
def coded(rita, ray, codebook, interview):  # type: ignore[no-untyped-def]
    """The interview coded by two coders, with memos on a code, the source and a segment."""
    p1, p4 = interview.paragraphs.get(index=1), interview.paragraphs.get(index=4)
    shortage = code("reasons.staff_shortages")
    a = services.code_segment(actor=rita, paragraph=p1, start=0, end=15, codes=[shortage], summary="Shortages")
    services.code_segment(actor=ray, paragraph=p1, start=0, end=15, codes=[shortage])
    services.code_segment(actor=ray, paragraph=p4, start=3, end=28, codes=[code("funding.short_timescales")])
    services.add_memo(actor=rita, text="Shortages everywhere.", code=shortage)
    services.add_memo(actor=rita, text="A clear interview.", source=interview)
    services.add_memo(actor=ray, text="Said first.", segment=a)
    return interview


def _segments() -> list[tuple[str, int, int, int, list[str], str]]:
    """Every segment as (source title, paragraph index, start, end, code names, coder email), in a stable order."""
    return sorted(
        (s.paragraph.source.title, s.paragraph.index, s.start, s.end, sorted(c.name for c in s.codes.all()),
         s.coder.email)
        for s in Segment.objects.select_related("paragraph__source", "coder")
    )  # fmt: skip


def _codes(book: Codebook) -> list[tuple[str, str | None, str, bool]]:
    return sorted((c.name, c.parent.name if c.parent else None, c.colour.upper(), c.is_codable)
                  for c in book.codes.select_related("parent"))  # fmt: skip


def _empty_the_project(rita) -> None:  # type: ignore[no-untyped-def]
    """Remove every source, segment and codebook, as an empty project would be (users stay)."""
    for memo in Memo.objects.all():
        memo.delete()
    for segment in Segment.objects.all():
        services.delete_segment(actor=rita, segment=segment)
    for source in Source.objects.all():
        services.delete_source(actor=rita, source=source)
    Codebook.objects.all().delete()


def test_export_is_valid_against_the_schemas_and_keeps_positions_and_coders_pseudonymous(coded, rita, ray):
    data = exchange.export_bytes(rita, "qdpx")
    assert_valid(_qde(data), "Project.xsd")
    assert_valid(exchange.export_bytes(rita, "qdc"), "Codebook.xsd")
    project = read_qdpx(data).project
    (source,) = project.sources
    # paragraphs are lines "Speaker: text" joined by a line feed
    assert source.text.split("\n")[1] == "J1: Staff shortages, mostly. We could not fill the nursing posts."
    by_text = {source.text[s.start : s.end] for s in source.selections}
    assert by_text == {"Staff shortages", "only covered the training"}
    # the positions are the paragraph's offset in the joined text plus the segment's own
    first = min(source.selections, key=lambda s: s.start)
    assert first.start == len("Researcher: Why did the trust bring the role in?\nJ1: ")
    names = {u.name for u in project.users}
    assert names == {f"Coder {rita.pk}", f"Coder {ray.pk}"}
    xml = _qde(data).decode()
    assert "rita@" not in xml and "ray@" not in xml and rita.display_name not in xml
    assert {n.text for n in project.notes} == {"Shortages everywhere.", "A clear interview.", "Said first."}
    # the participant and their source as a case
    (case,) = [c for c in project.cases if c.name == "J1"]
    assert case.source_refs == [source.guid]
    variables = {v.guid: v.name for v in project.variables}
    assert {variables[k]: v for k, v in case.variables.items()} == {
        "Post category": "Head of HR or workforce lead", "Organisation kind": "Mental health trust",
        "Consent status": "Consent given"}  # fmt: skip


def test_a_character_outside_the_bmp_counts_once_in_exported_positions(rita, codebook, j1):
    source = services.create_source(actor=rita, title="T", kind="interview", phase="phase1_interview",
                                    turns=[Turn("J1", "We had no \U0001f600 staff at all.")])  # fmt: skip
    paragraph = source.paragraphs.get()
    start = paragraph.text.index("staff")
    services.code_segment(actor=rita, paragraph=paragraph, start=start, end=start + 5,
                          codes=[code("reasons.staff_shortages")])  # fmt: skip
    (selection,) = read_qdpx(exchange.export_bytes(rita, "qdpx")).project.sources[0].selections
    assert selection.start == len("J1: We had no ") + 2  # the emoji and the space: two code points
    assert selection.end - selection.start == 5


def test_round_trip_into_an_empty_project_gives_the_same_codes_segments_and_coders(coded, rita, ray):
    codes_before = _codes(services.current_codebook())
    segments_before = _segments()
    paragraphs_before = [(p.index, p.speaker, p.text) for p in coded.paragraphs.all()]
    data = exchange.export_bytes(rita, "qdpx")
    _empty_the_project(rita)
    assert not Segment.objects.exists() and not Codebook.objects.exists()

    report = exchange.import_project(rita, data, "round.qdpx")
    book = services.current_codebook()
    assert book.version == report.codebook_version == 1
    assert _codes(book) == codes_before
    assert _segments() == segments_before
    (source,) = Source.objects.all()
    assert [(p.index, p.speaker, p.text) for p in source.paragraphs.all()] == paragraphs_before
    assert (source.kind, source.phase, source.is_demo) == ("interview", "phase1_interview", False)
    assert report.sources == 1 and report.segments == 3 and report.memos == 3
    assert Memo.objects.filter(code__isnull=False).get().text == "Shortages everywhere."
    assert Segment.objects.get(summary="Shortages").memos.get().text == "Said first."
    assert report.coders == ["2 of this product's coders recognised and kept."]
    assert any("1 cases" in line for line in report.not_imported)  # the participant J1 is not re-created


def test_demo_sources_stay_labelled_as_demo(rita, admin_user):
    from newroles.evidence.demo import load_evidence_demo

    load_evidence_demo(researcher=rita, second_coder=admin_user)
    paragraphs = sorted(Paragraph.objects.values_list("speaker", "text"))
    segments = _segments()
    assert ("2-F",) in {(speaker,) for speaker, _ in paragraphs}  # a speaker the transcript rule would not take
    data = exchange.export_bytes(rita, "qdpx")
    _empty_the_project(rita)
    exchange.import_project(rita, data, "demo.qdpx")
    assert Source.objects.count() == 6 and all(s.is_demo for s in Source.objects.all())
    assert sorted(Paragraph.objects.values_list("speaker", "text")) == paragraphs
    assert _segments() == segments


def test_import_into_a_project_with_codes_makes_a_new_codebook_version(coded, rita):
    data = exchange.export_bytes(rita, "qdc")
    report = exchange.import_project(rita, data, "book.qdc")
    assert report.codebook_version == 2 and report.sources == 0
    assert _codes(Codebook.objects.get(version=2)) == _codes(Codebook.objects.get(version=1))


def test_import_of_an_nvivo_project(rita, codebook):
    qde = _nvivo()
    data = make_zip({"project.qde": qde, f"sources/{NV_SOURCE}.txt": b"\xef\xbb\xbf" + NV_TEXT.encode(),
                     "sources/33333333.jpg": b"\xff\xd8\xff", "sources/33333334.jpg": b"\xff\xd8\xff",
                     f"sources/{NV_SOURCE}.docx": b"PK"})  # fmt: skip
    report = exchange.import_project(rita, data, "nvivo.qdpx")
    (source,) = Source.objects.all()
    # CRLF ends lines; the speaker labels become speakers; positions (CR counted) map onto the paragraphs
    assert [(p.speaker, p.text) for p in source.paragraphs.all()] == [
        ("Interviewer", "What changed?"), ("J1", "We introduced peer support workers."),
        ("J1", "Supervision was the hard part.")]  # fmt: skip
    assert sorted((s.paragraph.index, s.text, [c.name for c in s.codes.all()]) for s in Segment.objects.all()) == [
        (1, "peer support workers", ["Implementation"]), (2, "Supervision was the hard part", ["Supervision capacity"])
    ]  # fmt: skip
    assert {s.coder for s in Segment.objects.all()} == {rita}  # an unknown coder: recorded as the importer's
    assert report.coders == ["2 codings by 'RA' are recorded as yours: segments keep no other coder name."]
    assert any("Photo 1" in line or "picture" in line.lower() for line in report.not_imported)
    assert any("not pseudonymised again" in n for n in report.notes)
    assert report.codebook_version == 2  # the seeded codebook had codes: a new version
    assert Code.objects.get(name="Supervision capacity").parent.name == "Implementation"
    assert Code.objects.get(name="Supervision capacity").colour == "#0080FF"


def test_a_selection_across_paragraphs_is_split(rita, db):
    text = "J1: First line here.\r\nJ2: Second line.\r\n"
    start, end = text.index("line here"), text.index("Second") + 6
    code_guid, source_guid = "aaaaaaaa-0000-4000-8000-000000000001", "aaaaaaaa-0000-4000-8000-000000000002"
    qde = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="Q" origin="QualCoder 3.5">
<CodeBook><Codes><Code guid="{code_guid}" name="A" isCodable="true"/></Codes></CodeBook>
<Sources><TextSource guid="{source_guid}" name="Group" plainTextPath="internal://g.txt">
<PlainTextSelection guid="aaaaaaaa-0000-4000-8000-000000000003" name="x" startPosition="{start}" endPosition="{end}">
<Coding guid="aaaaaaaa-0000-4000-8000-000000000004"><CodeRef targetGUID="{code_guid}"/></Coding>
</PlainTextSelection></TextSource></Sources></Project>"""
    assert_valid(qde.encode(), "Project.xsd")
    report = exchange.import_project(rita, make_zip({"project.qde": qde, "sources/g.txt": text}), "q.qdpx")
    assert sorted((s.paragraph.index, s.text) for s in Segment.objects.all()) == [(0, "line here."), (1, "Second")]
    assert any("1 selections spanning several paragraphs" in n for n in report.notes)
    assert any("filed as phase 1 documents" in n for n in report.notes)


def test_split_lines_counts_code_points_and_line_ends():
    spans = split_lines(TRAPS_TEXT)
    assert [(speaker, TRAPS_TEXT[a:b]) for a, b, speaker, _ in spans] == [
        ("J1", "We had no \U0001f600 staff."),
        ("T1", "The 𝔘nit café\twas short."),
        ("J1", "Peer support helped."),
    ]
    assert spans[1][0] == TRAPS_TEXT.index("The 𝔘nit")  # the CRLF before it counted as two


@pytest.mark.parametrize(
    "data, name",
    [(b"PK\x03\x04 broken", "broken.qdpx"), (b"not xml at all", "book.qdc"),
     (make_zip({"../evil/project.qde": "<Project/>"}), "evil.qdpx"), (b"<x/>", "notes.txt")],
)  # fmt: skip
def test_a_broken_file_is_refused_with_nothing_written(rita, codebook, data, name):
    before = (ChangeRecord.objects.count(), Codebook.objects.count(), Source.objects.count())
    with pytest.raises(RefiError):
        exchange.import_project(rita, data, name)
    assert (ChangeRecord.objects.count(), Codebook.objects.count(), Source.objects.count()) == before


def test_a_failure_half_way_writes_nothing(rita, codebook, monkeypatch):
    data = make_zip({"project.qde": _nvivo(), f"sources/{NV_SOURCE}.txt": NV_TEXT})
    before = (ChangeRecord.objects.count(), Codebook.objects.count(), Paragraph.objects.count())

    def fail(**kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "code_segment", fail)
    with pytest.raises(RuntimeError):
        exchange.import_project(rita, data, "nvivo.qdpx")
    assert (ChangeRecord.objects.count(), Codebook.objects.count(), Paragraph.objects.count()) == before


def test_only_researchers_export_or_import(eve, coded):
    with pytest.raises(PermissionDenied):
        exchange.project_for_export(eve)
    with pytest.raises(PermissionDenied):
        exchange.import_project(eve, b"", "x.qdpx")


def test_the_pages_download_and_import(coded, rita, bob):
    client = client_for(rita)
    response = client.get(reverse("evidence:export_project"))
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"] and ".qdpx" in response["Content-Disposition"]
    assert_valid(_qde(response.content), "Project.xsd")
    response = client.get(reverse("evidence:export_codebook"))
    assert_valid(response.content, "Codebook.xsd")
    index = client.get(reverse("evidence:index")).content.decode()
    assert reverse("evidence:import_refi") in index and reverse("evidence:export_project") in index

    upload = io.BytesIO(exchange.export_bytes(rita, "qdc"))
    upload.name = "book.qdc"
    page = client.post(reverse("evidence:import_refi"), {"file": upload}).content.decode()
    assert "What came in from book.qdc" in page and "codebook version 2" in page

    bad = io.BytesIO(b"not xml")
    bad.name = "bad.qdc"
    page = client.post(reverse("evidence:import_refi"), {"file": bad}).content.decode()
    assert "nhsuk-error-summary" in page and "nothing was imported" in page
    assert Codebook.objects.count() == 2

    for url in (reverse("evidence:export_project"), reverse("evidence:export_codebook"),
                reverse("evidence:import_refi")):  # fmt: skip
        assert client_for(bob).get(url).status_code == 404


def test_the_command_exports_and_imports(coded, rita, eve, tmp_path):
    out = io.StringIO()
    target = tmp_path / "project.qdpx"
    call_command("evidence", "--as", rita.email, "export", "--format", "qdpx", "-o", str(target), stdout=out)
    assert_valid(_qde(target.read_bytes()), "Project.xsd")
    book = tmp_path / "book.qdc"
    call_command("evidence", "--as", rita.email, "export", "--format", "qdc", "-o", str(book), stdout=out)
    assert_valid(book.read_bytes(), "Codebook.xsd")
    _empty_the_project(rita)
    out = io.StringIO()
    call_command("evidence", "--as", rita.email, "import", str(target), stdout=out)
    assert "3 coded segments" in out.getvalue() and Segment.objects.count() == 3
    broken = tmp_path / "broken.qdpx"
    broken.write_bytes(b"nonsense")
    with pytest.raises(CommandError, match="refused and nothing was imported"):
        call_command("evidence", "--as", rita.email, "import", str(broken))
    with pytest.raises(CommandError):
        call_command("evidence", "--as", eve.email, "export", "-o", str(target))
