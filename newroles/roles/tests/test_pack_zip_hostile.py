"""A role pack zip that is not what the manifest promises is a form error, never a 500."""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from newroles.conftest import client_for
from newroles.roles.models import RolePack, SharedDocument
from newroles.roles.tests.conftest import docx_bytes

JD = docx_bytes("Job description text")


def _attachment(**changes: Any) -> dict[str, Any]:
    entry = {
        "title": "Our JD",
        "doc_type": "job_description",
        "file": "attachments/jd.docx",
        "original_name": "jd.docx",
        "sha256": hashlib.sha256(JD).hexdigest(),
        "reuse_note": "",
    }
    entry.update(changes)
    return {k: v for k, v in entry.items() if v is not None}


def _manifest(**changes: Any) -> dict[str, Any]:
    manifest = {
        "format": "newroles-role-pack",
        "format_version": 1,
        "role": "nursing_associate",
        "title": "Imported pack",
        "version": 1,
        "as_of": "2026",
        "components": [{"key": "job_description", "markdown": "components/job_description.md", "data": {}}],
        "attachments": [_attachment()],
    }
    manifest.update(changes)
    return manifest


def pack_zip(manifest: Any) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("components/job_description.md", "## Job description\n\nText.")
        archive.writestr("attachments/jd.docx", JD)
        archive.writestr("manifest.json", manifest if isinstance(manifest, str | bytes) else json.dumps(manifest))
    return buffer.getvalue()


def _post(user, data: bytes, trust: str = "TAH"):  # type: ignore[no-untyped-def]
    upload = SimpleUploadedFile("pack.zip", data, content_type="application/zip")
    return client_for(user).post("/packs/import/", {"file": upload, "trust": trust})


def test_a_well_formed_pack_imports(eve, sheffield):
    response = _post(eve, pack_zip(_manifest()))
    assert response.status_code == 302
    assert SharedDocument.objects.filter(pack__trust=sheffield, title="Our JD").exists()


HOSTILE = {
    "manifest is a list": (pack_zip([1, 2, 3]), "manifest"),
    "manifest is a string": (pack_zip(json.dumps("a pack")), "manifest"),
    "manifest is not JSON": (pack_zip("{not json"), "manifest"),
    "components are strings": (pack_zip(_manifest(components=["job_description"])), "component"),
    "components are not a list": (pack_zip(_manifest(components="job_description")), "component"),
    "component data is a list": (
        pack_zip(
            _manifest(
                components=[{"key": "job_description", "markdown": "components/job_description.md", "data": [1, 2]}]
            )
        ),
        "component",
    ),
    "component file name is not text": (
        pack_zip(_manifest(components=[{"key": "job_description", "markdown": ["x"]}])),
        "component",
    ),
    "attachment without a title": (pack_zip(_manifest(attachments=[_attachment(title=None)])), "title"),
    "attachment with an empty title": (pack_zip(_manifest(attachments=[_attachment(title="  ")])), "title"),
    "attachment title too long": (pack_zip(_manifest(attachments=[_attachment(title="T" * 201)])), "title"),
    "attachment with an invalid type": (pack_zip(_manifest(attachments=[_attachment(doc_type="malware")])), "type"),
    "attachment is a string": (pack_zip(_manifest(attachments=["jd.docx"])), "attachment"),
    "pack title too long": (pack_zip(_manifest(title="P" * 201)), "title"),
    "pack title is not text": (pack_zip(_manifest(title={"a": 1})), "title"),
    "as of too long": (pack_zip(_manifest(as_of="2026" * 10)), "as of"),
    "role is not text": (pack_zip(_manifest(role=["nursing_associate"])), "role"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_malformed_pack_is_a_form_error_and_nothing_is_written(eve, sheffield, case):
    data, words = HOSTILE[case]
    before = (RolePack.objects.count(), SharedDocument.objects.count())
    response = _post(eve, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors, case
    assert words in " ".join(errors.get("file", [])).lower(), errors
    assert (RolePack.objects.count(), SharedDocument.objects.count()) == before
