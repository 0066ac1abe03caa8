"""Shared documents: type checked from content, stored outside the web root, shared at three levels."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from newroles.conftest import client_for
from newroles.roles import services
from newroles.roles.models import DocumentVersion, SearchEntry, SharedDocument
from newroles.roles.tests.conftest import docx_bytes, pdf_bytes


def _upload(client, name: str, data: bytes, sharing: str = "private", **extra):  # type: ignore[no-untyped-def]
    form = {
        "title": extra.pop("title", "Peer support worker job description"),
        "doc_type": "job_description",
        "sharing": sharing,
        "trust": "TAH",
        "file": SimpleUploadedFile(name, data),
        **extra,
    }
    return client.post("/documents/upload/", form)


@pytest.fixture
def private_doc(eve, sheffield):  # type: ignore[no-untyped-def]
    return services.upload_document(
        actor=eve,
        trust=sheffield,
        title="Private JD zebra",
        doc_type="job_description",
        data=docx_bytes("confidential banding zebra"),
        filename="jd.docx",
    )


@pytest.fixture
def shared_doc(eve, sheffield):  # type: ignore[no-untyped-def]
    return services.upload_document(
        actor=eve,
        trust=sheffield,
        title="Shared training agreement zebra",
        doc_type="training_agreement",
        data=b"Training agreement text zebra",
        filename="ta.txt",
        sharing="signed_in",
    )


def test_an_editor_uploads_a_private_docx_and_its_text_is_searchable(eve):
    response = _upload(client_for(eve), "jd.docx", docx_bytes("Lived experience is essential"))
    assert response.status_code == 302
    document = SharedDocument.objects.get()
    assert document.current.file_type == "docx"
    assert "lived experience is essential" in SearchEntry.objects.get(kind="document").text
    assert services.document_path(document.current).exists()


def test_a_pdf_uploads(eve):
    assert _upload(client_for(eve), "policy.pdf", pdf_bytes()).status_code == 302
    assert SharedDocument.objects.get().current.file_type == "pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("jd.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "is a program"),
        ("jd.docx", b"PK\x03\x04 this is not really a zip", "damaged"),
        ("jd.docx", b"", "empty"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "not a PDF, DOCX"),
    ],
)
def test_bad_files_get_a_clear_error_and_nothing_is_stored(eve, name, data, message):
    response = _upload(client_for(eve), name, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not SharedDocument.objects.exists() and not DocumentVersion.objects.exists()


def test_a_docx_that_cannot_be_parsed_is_refused(eve):
    import io
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("word/document.xml", "<not-closed")
    response = _upload(client_for(eve), "broken.docx", buffer.getvalue())
    assert "could not be read" in response.content.decode()
    assert not SharedDocument.objects.exists()


@override_settings(MAX_UPLOAD_BYTES=1000)
def test_an_oversized_file_is_refused(eve):
    response = _upload(client_for(eve), "big.txt", b"a" * 2000)
    assert "larger than" in response.content.decode() or "limit" in response.content.decode()
    assert not SharedDocument.objects.exists()


def test_a_viewer_cannot_upload(bob):
    assert _upload(client_for(bob), "jd.txt", b"text").status_code == 403


def test_an_editor_cannot_upload_for_another_trust(charlie):
    assert _upload(client_for(charlie), "jd.txt", b"text").status_code == 403
    assert not SharedDocument.objects.exists()


def test_another_trust_sees_the_shared_document_and_never_the_private_one(charlie, private_doc, shared_doc):
    client = client_for(charlie)
    listing = client.get("/documents/").content.decode()
    assert "Shared training agreement zebra" in listing and "Private JD zebra" not in listing
    found = client.get("/search/?q=zebra").content.decode()
    assert "Shared training agreement zebra" in found and "Private JD zebra" not in found
    assert client.get(f"/documents/{private_doc.pk}/").status_code == 404
    assert client.get(f"/documents/{private_doc.pk}/download/").status_code == 404
    assert client.get(f"/documents/{shared_doc.pk}/download/").status_code == 200
    role_page = client.get("/roles/nursing_associate/")
    assert "Private JD zebra" not in role_page.content.decode()


def test_members_see_their_private_document(bob, private_doc):
    client = client_for(bob)
    assert client.get(f"/documents/{private_doc.pk}/").status_code == 200
    assert b"Private JD zebra" in client.get("/search/?q=zebra").content
    assert client.post(f"/documents/{private_doc.pk}/delete/").status_code == 403


def test_sharing_nationally_makes_it_visible(eve, charlie, private_doc):
    client_for(eve).post(
        f"/documents/{private_doc.pk}/change/",
        {"title": private_doc.title, "sharing": "signed_in", "reuse_note": "Adapt freely."},
    )
    assert client_for(charlie).get(f"/documents/{private_doc.pk}/").status_code == 200
    assert b"Private JD zebra" in client_for(charlie).get("/search/?q=zebra").content


def test_public_documents_download_without_signing_in(eve, shared_doc, private_doc):
    anonymous = Client()
    assert anonymous.get(f"/public/documents/{shared_doc.pk}/").status_code == 404  # signed-in only
    services.update_document(actor=eve, document=shared_doc, sharing="public")
    assert anonymous.get(f"/public/documents/{shared_doc.pk}/").status_code == 200
    assert anonymous.get(f"/public/documents/{private_doc.pk}/").status_code == 404
    assert anonymous.get(f"/documents/{shared_doc.pk}/").status_code == 302  # the page itself needs sign-in


def test_a_new_version_keeps_the_old_one(eve, private_doc):
    client_for(eve).post(
        f"/documents/{private_doc.pk}/version/", {"file": SimpleUploadedFile("jd2.txt", b"Second version")}
    )
    assert list(private_doc.versions.values_list("number", flat=True)) == [2, 1]
    assert client_for(eve).get(f"/documents/{private_doc.pk}/download/1/").status_code == 200


def test_a_pack_export_leaves_out_attachments_the_user_cannot_see(national_pack, eve, charlie, sheffield):
    import io
    import zipfile

    copy = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    services.update_pack(actor=eve, pack=copy, is_shared=True)
    services.upload_document(
        actor=eve,
        trust=sheffield,
        title="Private attachment",
        doc_type="policy",
        data=b"private text",
        filename="p.txt",
        pack=copy,
    )
    data = client_for(charlie).get(f"/packs/{copy.pk}/export.zip").content
    assert not [n for n in zipfile.ZipFile(io.BytesIO(data)).namelist() if n.startswith("attachments/")]
