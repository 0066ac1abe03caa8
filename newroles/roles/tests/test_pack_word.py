"""Adopting once, export names by owner and version, and packs in Word: export, and import into a component."""

from __future__ import annotations

import io
import zipfile

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.test import override_settings

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.conftest import client_for
from newroles.roles import packdocx, services
from newroles.roles.models import RolePack
from newroles.roles.tests.conftest import docx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def word_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def job_description() -> bytes:
    """A job description as a trust writes it in Word: headings, a list, bold words and a table."""
    document = docx.Document()
    document.add_heading("Job purpose", level=1)
    paragraph = document.add_paragraph("The post holder uses their ")
    paragraph.add_run("lived experience").bold = True
    paragraph.add_run(" to support recovery.")
    document.add_heading("Main duties", level=1)
    document.add_paragraph("Build hopeful relationships", style="List Bullet")
    document.add_paragraph("Co-produce recovery plans", style="List Bullet")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "Criterion", "Essential"
    table.cell(1, 0).text, table.cell(1, 1).text = "Lived experience | of services", "Yes"
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def copy(national_pack, eve, sheffield) -> RolePack:  # type: ignore[no-untyped-def]
    return services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)


# Adopting once ------------------------------------------------------------------------------------


def test_adopting_again_opens_the_copy_and_makes_no_twin(national_pack, eve, sheffield):
    client = client_for(eve)
    first = client.post(f"/packs/{national_pack.pk}/adopt/", {"trust": "TAH"})
    copy = RolePack.objects.get(trust=sheffield, role=national_pack.role)
    second = client.post(f"/packs/{national_pack.pk}/adopt/", {"trust": "TAH"})
    assert first.url == second.url == copy.get_absolute_url()
    assert RolePack.objects.filter(trust=sheffield, role=national_pack.role).count() == 1
    assert services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield) == copy
    assert RolePack.objects.filter(trust=sheffield, role=national_pack.role).count() == 1


def test_an_adopted_pack_offers_your_copy_instead_of_adopt(national_pack, copy, eve, charlie):
    page = client_for(eve).get(f"/packs/{national_pack.pk}/").content.decode()
    assert "Open your copy" in page and f'href="{copy.get_absolute_url()}"' in page
    assert "Adopt for your trust" not in page
    # The adopt page itself leads to the copy when there is nothing left to adopt.
    assert client_for(eve).get(f"/packs/{national_pack.pk}/adopt/").url == copy.get_absolute_url()
    # Another trust's editor still adopts for theirs and is not shown Sheffield's copy.
    other = client_for(charlie).get(f"/packs/{national_pack.pk}/").content.decode()
    assert "Adopt for your trust" in other and "Open your copy" not in other


def test_a_newer_national_version_does_not_make_a_second_copy(national_pack, copy, eve, rita, sheffield):
    newer = services.edit_component(actor=rita, component=national_pack.components.get(key="sops"), text="New.")
    assert client_for(eve).post(f"/packs/{newer.pk}/adopt/", {"trust": "TAH"}).url == copy.get_absolute_url()
    assert RolePack.objects.filter(trust=sheffield, role=national_pack.role).count() == 1


# Export names -------------------------------------------------------------------------------------


def test_zip_exports_are_named_by_owner_and_version(national_pack, copy, eve):
    slug = national_pack.role.slug
    national = client_for(eve).get(f"/packs/{national_pack.pk}/export.zip")
    own = client_for(eve).get(f"/packs/{copy.pk}/export.zip")
    assert f'filename="role-pack-{slug}-national-v{national_pack.version}.zip"' in national["Content-Disposition"]
    assert f'filename="role-pack-{slug}-TAH-v1.zip"' in own["Content-Disposition"]


# Word export --------------------------------------------------------------------------------------


def test_a_pack_downloads_as_word_with_every_component(copy, eve):
    response = client_for(eve).get(f"/packs/{copy.pk}/export.docx")
    assert response.status_code == 200 and response["Content-Type"] == DOCX
    assert f'filename="role-pack-{copy.role.slug}-TAH-v1.docx"' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    headings = [p.text for p in document.paragraphs if p.style.name == "Heading 1"]
    assert headings[:2] == ["Job description", "Person specification"] and len(headings) == 11
    text = word_text(response.content)
    assert copy.title in text and "Text for job description." in text
    assert "This part of the pack has not been written yet." in text  # sops


def test_a_component_downloads_as_word_with_its_tables(copy, eve):
    services.edit_component(
        actor=eve,
        component=copy.components.get(key="person_specification"),
        text=(
            "## Criteria\n\n| Criterion | Essential |\n| --- | --- |\n| **Lived** experience | Yes |\n\n"
            "- one\n- two\n  lines\n\nAfter."
        ),
    )
    response = client_for(eve).get(f"/packs/{copy.pk}/components/person_specification/export.docx")
    assert response.status_code == 200
    assert f"role-pack-{copy.role.slug}-TAH-v1-person-specification.docx" in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    table = document.tables[0]
    assert [c.text for c in table.rows[1].cells] == ["Lived experience", "Yes"]
    assert [p.text for p in document.paragraphs if p.style.name == "List Bullet"] == ["one", "two lines"]
    assert document.paragraphs[-1].text == "After." and document.paragraphs[-1].style.name == "Normal"
    assert "Job description" not in word_text(response.content)


def test_another_trusts_private_pack_is_404_in_word(copy, charlie):
    client = client_for(charlie)
    assert client.get(f"/packs/{copy.pk}/export.docx").status_code == 404
    assert client.get(f"/packs/{copy.pk}/components/job_description/export.docx").status_code == 404


# Word import --------------------------------------------------------------------------------------


def test_an_editor_imports_a_word_job_description_into_their_copy(copy, eve):
    client = client_for(eve)
    assert client.get(f"/packs/{copy.pk}/components/job_description/import/").status_code == 200
    upload = io.BytesIO(job_description())
    upload.name = "PSW JD.docx"
    response = client.post(f"/packs/{copy.pk}/components/job_description/import/", {"file": upload})
    assert response.status_code == 302 and response.url == f"{copy.get_absolute_url()}#job_description"
    text = copy.components.get(key="job_description").text
    assert text.startswith("### Job purpose\n\nThe post holder uses their **lived experience** to support recovery.")
    assert "- Build hopeful relationships\n- Co-produce recovery plans" in text
    assert "| Criterion | Essential |" in text and "| Lived experience \\| of services | Yes |" in text
    # What was imported reads back as the same Word content.
    again = packdocx.docx_to_markdown(client.get(f"/packs/{copy.pk}/components/job_description/export.docx").content)
    assert "- Build hopeful relationships" in again and "| Lived experience \\| of services | Yes |" in again
    assert ChangeRecord.objects.filter(object_id=str(copy.components.get(key="job_description").pk)).exists()


def _post(client, pack, data: bytes, name: str = "jd.docx"):  # type: ignore[no-untyped-def]
    upload = io.BytesIO(data)
    upload.name = name
    return client.post(f"/packs/{pack.pk}/components/job_description/import/", {"file": upload})


def test_only_the_packs_owners_import_into_it(copy, national_pack, charlie, bob, eve):
    before = copy.components.get(key="job_description").text
    assert _post(client_for(charlie), copy, job_description()).status_code == 404  # private: not even seen
    assert _post(client_for(bob), copy, job_description()).status_code == 403  # a viewer of the trust
    services.update_pack(actor=eve, pack=copy, is_shared=True)
    assert _post(client_for(charlie), copy, job_description()).status_code == 403  # shared: seen, not changed
    assert _post(client_for(eve), national_pack, job_description()).status_code == 403  # national: curators'
    assert copy.components.get(key="job_description").text == before
    with pytest.raises(PermissionDenied):
        packdocx.import_component_docx(
            actor=charlie, component=copy.components.get(key="job_description"), data=job_description()
        )


def _zip_with(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"%PDF-1.4 not really", "not a Word document"),
        (b"Plain text pretending", "not a Word document"),
        (_zip_with({"xl/workbook.xml": b"<x/>"}), "not a Word document"),
        (_zip_with({"word/document.xml": b"<broken"}), "damaged"),
        (docx_bytes("Hello\x9cthere"), "control character (U+009C)"),
        (docx_bytes(""), "no text"),
    ],
)
def test_a_file_that_is_not_a_readable_word_document_is_refused_and_nothing_changes(copy, eve, data, message):
    before = copy.components.get(key="job_description").text
    response = _post(client_for(eve), copy, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert copy.components.get(key="job_description").text == before


def test_a_zip_bomb_posing_as_word_is_refused_before_it_is_opened(copy, eve):
    before = copy.components.get(key="job_description").text
    bomb = _zip_with({"word/document.xml": b"<w/>", "word/media/big.bin": b"\0" * 30_000_000})
    response = _post(client_for(eve), copy, bomb)
    assert response.status_code == 200 and "decompression bomb" in response.content.decode()
    with override_settings(ZIP_MAX_RATIO=10_000, ZIP_MAX_UNCOMPRESSED_BYTES=10_000_000):
        response = _post(client_for(eve), copy, bomb)
    assert response.status_code == 200 and "It was not opened" in response.content.decode()
    assert copy.components.get(key="job_description").text == before


def test_importing_without_a_file_says_what_to_do(copy, eve):
    response = client_for(eve).post(f"/packs/{copy.pk}/components/job_description/import/", {})
    assert response.status_code == 200 and "Choose a Word document to import" in response.content.decode()


def test_a_word_file_over_the_upload_limit_is_refused(copy, eve):
    with override_settings(MAX_UPLOAD_BYTES=1000):
        response = _post(client_for(eve), copy, job_description())
    assert "the limit is" in response.content.decode()


def test_a_curator_import_into_the_national_pack_makes_a_new_version(national_pack, rita):
    new = packdocx.import_component_docx(
        actor=rita, component=national_pack.components.get(key="job_description"), data=job_description()
    )
    assert new.version == national_pack.version + 1 and new.trust_id is None
    assert new.components.get(key="job_description").text.startswith("### Job purpose")
    assert policy.can_edit_pack(rita, new)
