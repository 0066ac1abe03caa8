"""Attaching a document to a pack is a change to the pack: only its owners (curators for national packs).

Before, an editor of one trust could attach a document to another trust's shared pack, or to a national
pack; it then showed on that pack and in its zip, and the pack's owners could not remove it.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from newroles.conftest import client_for
from newroles.roles import services
from newroles.roles.models import RolePack, SharedDocument


@pytest.fixture
def rotherham_shared_pack(national_pack, charlie, rotherham) -> RolePack:  # type: ignore[no-untyped-def]
    copy = services.adopt_pack(actor=charlie, pack=national_pack, trust=rotherham)
    return services.update_pack(actor=charlie, pack=copy, is_shared=True)


def _attach(client, pack: RolePack, trust: str = "TAH"):  # type: ignore[no-untyped-def]
    form = {
        "title": "Our supervision policy",
        "doc_type": "policy",
        "sharing": "signed_in",
        "trust": trust,
        "file": SimpleUploadedFile("policy.txt", b"Supervision every fortnight."),
    }
    return client.post(f"/documents/upload/?trust={trust}&pack={pack.pk}", form)


def test_an_editor_cannot_attach_to_another_trusts_shared_pack(eve, rotherham_shared_pack) -> None:
    response = _attach(client_for(eve), rotherham_shared_pack)
    assert response.status_code == 403
    assert not SharedDocument.objects.filter(pack=rotherham_shared_pack).exists()


def test_an_editor_cannot_attach_to_a_national_pack(eve, national_pack) -> None:
    response = _attach(client_for(eve), national_pack)
    assert response.status_code == 403
    assert not SharedDocument.objects.filter(pack=national_pack).exists()


def test_nor_through_the_service_or_by_moving_a_document_there(eve, sheffield, rotherham_shared_pack) -> None:
    with pytest.raises(PermissionDenied):
        services.upload_document(
            actor=eve, trust=sheffield, title="Forged", doc_type="policy", data=b"x", filename="x.txt",
            pack=rotherham_shared_pack,
        )  # fmt: skip
    own = services.upload_document(
        actor=eve, trust=sheffield, title="Ours", doc_type="policy", data=b"ours", filename="ours.txt"
    )
    with pytest.raises(PermissionDenied):
        services.update_document(actor=eve, document=own, pack=rotherham_shared_pack)
    own.refresh_from_db()
    assert own.pack_id is None
    assert not SharedDocument.objects.filter(pack=rotherham_shared_pack).exists()


def test_the_packs_owners_attach_to_it(charlie, rotherham_shared_pack) -> None:
    response = _attach(client_for(charlie), rotherham_shared_pack, trust="RXE")
    assert response.status_code == 302
    assert SharedDocument.objects.get(pack=rotherham_shared_pack).trust.ods_code == "RXE"


def test_curators_attach_to_national_packs(rita, national_pack) -> None:
    document = services.upload_document(
        actor=rita, trust=None, title="National guidance", doc_type="policy", data=b"guidance", filename="g.txt",
        pack=national_pack, sharing="signed_in",
    )  # fmt: skip
    assert document.pack_id == national_pack.pk


def test_an_attached_documents_owner_still_changes_and_removes_it(eve, sheffield, national_pack) -> None:
    copy = services.adopt_pack(actor=eve, pack=national_pack, trust=sheffield)
    document = services.upload_document(
        actor=eve, trust=sheffield, title="Ours", doc_type="policy", data=b"ours", filename="ours.txt", pack=copy
    )
    services.update_document(actor=eve, document=document, title="Ours, renamed")
    services.delete_document(actor=eve, document=document)
    assert not SharedDocument.objects.filter(pk=document.pk).exists()
