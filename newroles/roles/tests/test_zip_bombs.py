"""Shared documents and role pack zips that inflate to a gigabyte are refused before any parser opens them."""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import SimpleUploadedFile

from newroles.conftest import client_for
from newroles.lib.tests import bombs
from newroles.lib.tests.test_zipcheck import Bounded
from newroles.roles.models import RolePack, SharedDocument
from newroles.roles.tests.test_pack_zip_hostile import _manifest, pack_zip


def test_a_one_megabyte_odt_inflating_to_a_gigabyte_is_a_form_error(eve):
    upload = SimpleUploadedFile("jd.odt", bombs.odt_bomb(1024))
    with Bounded() as cost:
        response = client_for(eve).post(
            "/documents/upload/?trust=TAH", {"title": "JD", "doc_type": "job_description", "sharing": "private",
                                             "file": upload},
        )  # fmt: skip
    assert response.status_code == 200
    assert "once unpacked; the limit is 256 MB" in response.content.decode()
    assert not SharedDocument.objects.exists()
    assert cost.peak < 64 * bombs.MIB and cost.seconds < 10


def test_a_docx_with_a_thousandfold_part_is_refused(eve):
    docx = bombs.with_member(bombs.xlsx_bytes([["x"]]), bombs.plain("word/document.xml", "<w:document/>"))
    upload = SimpleUploadedFile("jd.docx", bombs.with_member(docx, bombs.spaces("word/media/image1.png", 100)))
    response = client_for(eve).post(
        "/documents/upload/?trust=TAH", {"title": "JD", "doc_type": "job_description", "sharing": "private",
                                         "file": upload},
    )  # fmt: skip
    assert "decompression bomb" in response.content.decode()
    assert not SharedDocument.objects.exists()


def test_a_pack_zip_that_inflates_to_a_gigabyte_is_a_form_error(eve, sheffield):
    bomb = bombs.with_member(pack_zip(_manifest()), bombs.spaces("components/padding.md", 1024))
    before = RolePack.objects.count()
    with Bounded() as cost:
        response = client_for(eve).post(
            "/packs/import/", {"file": SimpleUploadedFile("pack.zip", bomb), "trust": "TAH"}
        )
    assert response.status_code == 200
    assert "once unpacked" in " ".join(response.context["form"].errors["file"])
    assert RolePack.objects.count() == before
    assert cost.peak < 64 * bombs.MIB and cost.seconds < 10


def test_a_pack_zip_whose_attachment_is_a_bomb_is_refused(eve, sheffield):
    inner = bombs.odt_bomb(1024)  # the zip holds it as it is: a 1 MB attachment that unpacks to 1 GiB
    attachment = {"title": "Big", "doc_type": "other", "file": "attachments/big.odt", "original_name": "big.odt"}
    manifest = _manifest(attachments=[{**attachment, "sha256": hashlib.sha256(inner).hexdigest()}])
    data = bombs.with_member(pack_zip(manifest), bombs.plain("attachments/big.odt", inner, stored=True))
    with Bounded() as cost:
        response = client_for(eve).post(
            "/packs/import/", {"file": SimpleUploadedFile("pack.zip", data), "trust": "TAH"}
        )
    assert "big.odt: The document would take more than 1.0 GB once unpacked" in " ".join(
        response.context["form"].errors["file"]
    )
    assert not SharedDocument.objects.exists() and not RolePack.objects.filter(trust=sheffield).exists()
    assert cost.peak < 64 * bombs.MIB and cost.seconds < 10
