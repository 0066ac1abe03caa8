"""Transcripts are pseudonymised before anything is stored: planted identifiers of every kind, in the body, in
DOCX headers and footers and in WebVTT speaker tags, are in no table (change records included) afterwards,
and nothing of the upload or its review is left on disk."""

from __future__ import annotations

import io
import re

import docx
import pytest
from django.db import connection
from django.urls import reverse

from newroles.accounts import policy
from newroles.conftest import client_for
from newroles.evidence import pending, services
from newroles.evidence.models import Paragraph, Source
from newroles.evidence.pseudonymise import nhs_number_valid, pseudonymise
from newroles.evidence.transcripts import TranscriptError, Turn, read_transcript

# Every kind of identifier, planted. The NHS number passes its check; the other ten digits do not.
PLANTED = {
    "participant": "Jane Smith",
    "first_name": "Jane",
    "surname": "Smith",
    "email": "jane.smith@example.nhs.uk",
    "phone": "0114 271 8000",
    "mobile": "+44 7700 900123",
    "nhs_number": "943 476 5919",
    "ni_number": "AB 12 34 56 C",
    "postcode": "S10 2TN",
    "dob": "14/03/1975",
    "dob_words": "3 March 1980",
    "unknown_speaker": "Okonkwo",
}
# The tables that hold sessions and the evidence's own text (the local-names list holds the names themselves).
TEXT_TABLES = "django_session evidence_source evidence_paragraph evidence_segment evidence_memo evidence_quote"
# Names the product itself holds (the register, the local names): they must be in no evidence row, no
# session and no change record about the evidence.
KNOWN_NAMES = {
    "trust": "Sheffield Health Partnership University NHS Foundation Trust",
    "team": "Maple Ward",
    "site": "Riverside Unit",
    "town": "Hillsborough",
}
BODY = (
    "Jane Smith: I started at Sheffield Health Partnership University NHS Foundation Trust on Maple Ward. "
    "Email me at jane.smith@example.nhs.uk or ring 0114 271 8000 or +44 7700 900123.\n"
    "Researcher: Thank you, Jane.\n"
    "Jane Smith: A patient, NHS number 943 476 5919, NI number AB 12 34 56 C, lives at S10 2TN; "
    "date of birth 14/03/1975. Another was born on 3 March 1980. Ms Smith works at Riverside Unit in Hillsborough.\n"
    "Jane Smith: The reference 123 456 7890 is not an NHS number.\n"
)


@pytest.fixture
def known(rita, private_team):  # type: ignore[no-untyped-def]
    services.add_local_name(actor=rita, kind="site", name="Riverside Unit")
    services.add_local_name(actor=rita, kind="town", name="Hillsborough")


def every_stored_text(tables: str = "") -> str:
    """Every value of every row of every table in the database (change records included), as one string;
    with `tables`, of the tables whose names start with it."""
    chunks = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            if tables and not table.startswith(tuple(tables.split())):
                continue
            cursor.execute(f'SELECT * FROM "{table}"')
            chunks.extend(" ".join(str(v) for v in row) for row in cursor.fetchall())
    return "\n".join(chunks)


def evidence_change_records() -> str:
    from newroles.audit.models import ChangeRecord

    rows = ChangeRecord.objects.filter(content_type__app_label="evidence").values_list("before", "after", "object_repr")
    return str(list(rows))


def assert_nothing_planted(stored: str, *, known_names: str = "") -> None:
    for kind, value in KNOWN_NAMES.items():
        assert value not in known_names, kind
    for kind, value in PLANTED.items():
        if kind in ("first_name", "surname"):
            assert not re.search(rf"\b{value}\b", stored), kind
        else:
            assert value not in stored, kind
    assert re.sub(r"\D", "", PLANTED["nhs_number"]) not in stored


def docx_bytes() -> bytes:
    document = docx.Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "Interview with Jane Smith, jane.smith@example.nhs.uk"
    section.footer.paragraphs[0].text = "Riverside Unit, S10 2TN, 0114 271 8000"
    for line in BODY.strip().split("\n"):
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


VTT = (
    "WEBVTT\n\nNOTE Teams transcript\n\n"
    "1\n00:00:01.000 --> 00:00:04.000\n<v Jane Smith>I work at Maple Ward, postcode S10 2TN.</v>\n\n"
    "2\n00:00:04.000 --> 00:00:06.000\n<v Jane Smith>Email jane.smith@example.nhs.uk.</v>\n\n"
    "3\n00:00:06.500 --> 00:00:09.000\n<v Okonkwo>NHS number 943 476 5919, NI AB 12 34 56 C, date of birth "
    "14/03/1975, born on 3 March 1980, phone +44 7700 900123 or 0114 271 8000, Hillsborough, Riverside Unit, "
    "Sheffield Health Partnership University NHS Foundation Trust.</v>\n"
)


# The pure rules -----------------------------------------------------------------------------------


def test_the_nhs_number_check_digit() -> None:
    # 9,4,3,4,7,6,5,9,1 weighted 10..2: 90+36+24+28+42+30+20+27+2 = 299; 299 mod 11 = 2; 11 - 2 = 9, the last digit.
    assert nhs_number_valid("943 476 5919")
    assert not nhs_number_valid("943 476 5918")
    # 4,0,1,0,2,3,2,1,3 weighted: 40+0+8+0+12+15+8+3+6 = 92; 92 mod 11 = 4; 11 - 4 = 7: so 4010232137 is valid.
    assert nhs_number_valid("4010232137")
    # A remainder of 1 gives check 10, which no NHS number has: 0000000010 -> 1*2 = 2... (2 mod 11 = 2 -> 9).
    assert not nhs_number_valid("123")


def test_every_kind_is_replaced_with_its_label(sheffield, private_team, known) -> None:
    result = pseudonymise(read_transcript("t.txt", BODY.encode()), participants={"Jane Smith": "J1"},
                          known=services.known_terms())  # fmt: skip
    text = "\n".join(f"{t.speaker}: {t.text}" for t in result.turns)
    for label in ("[PARTICIPANT J1]", "[TRUST]", "[TEAM]", "[EMAIL]", "[PHONE]", "[NHS NUMBER]", "[NI NUMBER]",
                  "[POSTCODE]", "[DATE OF BIRTH]", "[SITE]", "[PLACE]"):  # fmt: skip
        assert label in text, label
    assert_nothing_planted(text, known_names=text)
    assert result.turns[0].speaker == "J1"  # a speaker given at upload becomes the bare code
    assert "123 456 7890" in text  # fails the check: not an NHS number (nor a UK phone number)
    kinds = {r.kind for r in result.replacements}
    assert {"participant", "trust", "team", "email", "phone", "nhs_number", "ni_number", "postcode",
            "date_of_birth", "site", "town"} <= kinds  # fmt: skip


def test_remaining_name_like_words_are_listed_for_review() -> None:
    result = pseudonymise([Turn("Okonkwo", "I asked Priya about it, and then we met.")], participants={})
    words = dict(result.name_like)
    assert "Okonkwo" in words and "Priya" in words
    assert "I" not in words


def test_docx_headers_and_footers_and_vtt_speakers_are_read() -> None:
    turns = read_transcript("t.docx", docx_bytes())
    assert turns[0].speaker == "[header]" and "Jane Smith" in turns[0].text
    assert any(t.speaker == "[footer]" for t in turns)
    vtt = read_transcript("t.vtt", VTT.encode("utf-8-sig"))
    assert [t.speaker for t in vtt] == ["Jane Smith", "Okonkwo"]  # consecutive cues of one speaker join


def test_unreadable_files_are_refused_with_a_reason() -> None:
    with pytest.raises(TranscriptError, match="empty"):
        read_transcript("t.txt", b"")
    with pytest.raises(TranscriptError, match="DOCX"):
        read_transcript("t.docx", b"PK\x03\x04 not really a zip")
    with pytest.raises(TranscriptError, match="WEBVTT"):
        read_transcript("t.vtt", b"00:00:01.000 --> 00:00:02.000\nhello")
    with pytest.raises(TranscriptError, match=r"\.txt, \.docx or \.vtt"):
        read_transcript("t.pdf", b"%PDF-1.4")


# Through the pages -------------------------------------------------------------------------------


def _upload(client, name: str, data: bytes, j1):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(reverse("evidence:upload"), {
        "file": upload, "title": "Interview, Trust J1", "kind": "interview", "phase": "phase1_interview",
        "participants": "Jane Smith = J1",
    })  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data"), [("t.txt", BODY.encode()), ("t.docx", docx_bytes()), ("teams.vtt", VTT.encode())]
)
def test_an_upload_is_stored_with_no_identifier_anywhere(rita, j1, sheffield, private_team, known, name, data) -> None:
    client = client_for(rita)
    folder = pending.private_dir(pending.FOLDER)
    before = set(folder.iterdir())
    response = _upload(client, name, data, j1)
    assert response.status_code == 302, response.content.decode()[:2000]
    review_url = response["Location"]
    assert not Source.objects.exists()  # nothing stored before the review
    assert_nothing_planted(every_stored_text(), known_names=every_stored_text(TEXT_TABLES))

    page = client.get(review_url)
    assert page.status_code == 200
    assert "jane.smith@example.nhs.uk" in page.content.decode()  # the review shows what was replaced

    refused = client.post(review_url, {})  # not confirmed: nothing is saved
    assert refused.status_code == 200 and not Source.objects.exists()
    assert "There is a problem" in refused.content.decode()

    saved = client.post(review_url, {"confirmed": "on", "replace_words": ["Okonkwo"] if name.endswith("vtt") else []})
    assert saved.status_code == 302
    source = Source.objects.get()
    assert source.participants.get() == j1
    stored = every_stored_text()
    assert "[EMAIL]" in stored and "[POSTCODE]" in stored and "[NHS NUMBER]" in stored
    assert_nothing_planted(stored, known_names=every_stored_text(TEXT_TABLES) + evidence_change_records())
    assert evidence_change_records().count("'source_id'") == source.paragraphs.count()  # one per paragraph, ids only
    assert set(folder.iterdir()) - before == set()  # the review file is deleted
    assert client.get(review_url).status_code == 404


def test_a_discarded_review_leaves_nothing(rita, j1) -> None:
    client = client_for(rita)
    review_url = _upload(client, "t.txt", BODY.encode(), j1)["Location"]
    token = review_url.rstrip("/").rsplit("/", 1)[1]
    assert pending._path(token).exists()
    client.post(review_url, {"cancel": "1"})
    assert not pending._path(token).exists() and not Paragraph.objects.exists()


def test_another_researcher_cannot_open_someone_elses_review(rita, ray, j1) -> None:
    review_url = _upload(client_for(rita), "t.txt", BODY.encode(), j1)["Location"]
    assert client_for(ray).get(review_url).status_code == 404


def test_names_must_come_with_codes_of_known_participants(rita, j1) -> None:
    client = client_for(rita)
    upload = io.BytesIO(BODY.encode())
    upload.name = "t.txt"
    response = client.post(
        reverse("evidence:upload"),
        {
            "file": upload,
            "title": "x",
            "kind": "interview",
            "phase": "phase1_interview",
            "participants": "Jane Smith = Z9",
        },
    )
    assert response.status_code == 200
    assert "Line 1: there is no participant Z9" in response.content.decode()


def test_abandoned_reviews_are_swept(rita, j1) -> None:
    import os
    import time

    review_url = _upload(client_for(rita), "t.txt", BODY.encode(), j1)["Location"]
    path = pending._path(review_url.rstrip("/").rsplit("/", 1)[1])
    old = time.time() - pending.MAX_AGE - 10
    os.utime(path, (old, old))
    assert path in pending.sweep() and not path.exists()


def test_the_service_path_writes_change_records_without_text(rita, j1) -> None:
    from newroles.audit.models import ChangeRecord

    source = services.create_source(actor=policy.SYSTEM, title="T", kind="interview", phase="phase1_interview",
                                    turns=[Turn("J1", "A sentence only the paragraph holds.")])  # fmt: skip
    records = ChangeRecord.objects.filter(content_type__app_label="evidence")
    assert records.filter(object_id=str(source.pk)).exists()
    assert "only the paragraph holds" not in str(list(records.values_list("before", "after", "object_repr")))
