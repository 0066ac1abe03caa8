"""Role packs: adopt, adapt, version, see who adopted, and the zip round trip."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied

from newroles.conftest import client_for
from newroles.roles import pack_exchange, services
from newroles.roles.models import PackComponent, RolePack, SharedDocument
from newroles.roles.tests.conftest import docx_bytes


def test_an_editor_adopts_a_pack_as_a_draft_copy(national_pack, eve, sheffield):
    client = client_for(eve)
    response = client.post(f"/packs/{national_pack.pk}/adopt/", {"trust": "TAH"})
    copy = RolePack.objects.get(trust=sheffield)
    assert response.status_code == 302 and response.url == f"/packs/{copy.pk}/"
    assert copy.adopted_from == national_pack and copy.adopted_version == national_pack.version
    assert copy.status == RolePack.DRAFT
    assert services.pack_content(copy)["components"] == services.pack_content(national_pack)["components"]


def test_a_viewer_cannot_adopt(national_pack, bob):
    assert client_for(bob).post(f"/packs/{national_pack.pk}/adopt/", {"trust": "TAH"}).status_code == 403


def test_an_editor_cannot_adopt_for_another_trust(national_pack, charlie, sheffield):
    with pytest.raises(PermissionDenied):
        services.adopt_pack(actor=charlie, pack=national_pack, trust=sheffield)
    # The form only offers the editor's own trusts, so a forged choice is a form error, not a copy.
    client_for(charlie).post(f"/packs/{national_pack.pk}/adopt/", {"trust": "TAH"})
    assert not RolePack.objects.filter(trust=sheffield).exists()


def test_the_trust_edits_its_copy_in_place(national_pack, eve, sheffield):
    copy = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    response = client_for(eve).post(f"/packs/{copy.pk}/components/job_description/edit/", {"text": "Our own JD."})
    assert response.status_code == 302
    assert copy.components.get(key="job_description").text == "Our own JD."
    assert national_pack.components.get(key="job_description").text != "Our own JD."


def test_a_private_copy_is_404_for_another_trust_and_visible_when_shared(national_pack, eve, charlie, sheffield):
    copy = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    assert client_for(charlie).get(f"/packs/{copy.pk}/").status_code == 404
    assert client_for(charlie).get(f"/packs/{copy.pk}/export.zip").status_code == 404
    services.update_pack(actor=eve, pack=copy, is_shared=True)
    assert client_for(charlie).get(f"/packs/{copy.pk}/").status_code == 200
    assert client_for(charlie).get(f"/packs/{copy.pk}/components/job_description/edit/").status_code == 403


def test_a_curator_edit_makes_a_new_national_version(national_pack, rita, eve, sheffield):
    copy = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    component = national_pack.components.get(key="sops")
    new = services.edit_component(actor=rita, component=component, text="How we work.")
    assert new.version == national_pack.version + 1 and new.is_current
    national_pack.refresh_from_db()
    assert not national_pack.is_current
    assert new.components.get(key="sops").not_yet_written is False
    # The trust keeps the version it adopted, and its page says a newer one exists.
    page = client_for(eve).get(f"/packs/{copy.pk}/").content.decode()
    assert f"A newer national version ({new.version})" in page


def test_trust_editors_cannot_edit_the_national_pack(national_pack, eve):
    response = client_for(eve).get(f"/packs/{national_pack.pk}/components/sops/edit/")
    assert response.status_code == 403


def test_not_yet_written_components_are_visible(national_pack, bob):
    page = client_for(bob).get(f"/packs/{national_pack.pk}/").content.decode()
    assert "Not yet written" in page


def test_curators_see_which_trusts_adopted_which_version(national_pack, eve, rita, alice, sheffield):
    services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    page = client_for(rita).get(f"/roles/{national_pack.role.slug}/adoptions/").content.decode()
    assert sheffield.name in page
    assert client_for(alice).get(f"/roles/{national_pack.role.slug}/adoptions/").status_code == 403


def test_the_pack_zip_round_trips_exactly(national_pack, admin_user, eve, sheffield):
    copy = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    services.upload_document(
        actor=eve,
        trust=sheffield,
        title="Our JD",
        doc_type="job_description",
        data=docx_bytes("Job description text"),
        filename="jd.docx",
        sharing="signed_in",
        pack=copy,
        role=copy.role,
    )
    data = client_for(eve).get(f"/packs/{copy.pk}/export.zip").content
    names = zipfile.ZipFile(io.BytesIO(data)).namelist()
    assert "manifest.json" in names and "components/job_description.html" in names
    imported = pack_exchange.import_pack_zip(actor=eve, data=data, trust=sheffield)
    original, again = services.pack_content(copy), services.pack_content(imported)
    assert again["components"] == original["components"]
    assert again["not_yet_written"] == original["not_yet_written"]
    assert again["title"] == original["title"]
    attached = SharedDocument.objects.get(pack=imported)
    assert services.read_document(attached.current) == docx_bytes("Job description text") or (
        attached.current.sha256 == SharedDocument.objects.get(pack=copy).current.sha256
    )


def test_a_broken_zip_is_refused_and_nothing_is_written(national_pack, eve, sheffield):
    before = (RolePack.objects.count(), PackComponent.objects.count())
    with pytest.raises(pack_exchange.PackZipError):
        pack_exchange.import_pack_zip(actor=eve, data=b"not a zip", trust=sheffield)
    assert (RolePack.objects.count(), PackComponent.objects.count()) == before
