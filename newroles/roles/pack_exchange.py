"""Exchanging role packs as zip files: a pack exported with its components (Markdown and HTML) and the
attachments the user may see, and a pack zip read back as a new national version or a trust's own pack.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction

from newroles.accounts import policy
from newroles.audit.writes import create_row
from newroles.lib.documents import DocumentError
from newroles.lib.markdown import render_markdown
from newroles.roles.models import PackComponent, Role, RolePack, SharedDocument
from newroles.roles.packfile import ZIP_FORMAT, ZIP_FORMAT_VERSION, PackZipError, open_pack_zip
from newroles.roles.services import (
    COMPONENT_KEYS,
    component_values,
    create_national_pack,
    read_document,
    reindex_pack,
    upload_document,
)


def export_pack_zip(pack: RolePack, user: Any) -> bytes:
    """The pack as a zip: manifest.json, each component as Markdown and HTML, and attachments the user may see."""
    manifest: dict[str, Any] = {
        "format": ZIP_FORMAT,
        "format_version": ZIP_FORMAT_VERSION,
        "role": pack.role.slug,
        "title": pack.title,
        "version": pack.version,
        "as_of": pack.as_of,
        "components": [],
        "attachments": [],
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for component in sorted(pack.components.all(), key=lambda c: c.order):
            md_name, html_name = f"components/{component.key}.md", f"components/{component.key}.html"
            archive.writestr(md_name, component.text)
            archive.writestr(html_name, str(render_markdown(component.text)))
            manifest["components"].append(
                {
                    "key": component.key,
                    "markdown": md_name,
                    "html": html_name,
                    "data": component.data,
                    "not_yet_written": component.not_yet_written,
                }
            )
        documents = policy.visible(user, SharedDocument.objects.filter(pack=pack)).order_by("pk")
        for document in documents:
            version = document.current
            if version is None:
                continue
            name = f"attachments/{version.sha256[:12]}-{version.original_name}"
            archive.writestr(name, read_document(version))
            manifest["attachments"].append(
                {
                    "title": document.title,
                    "doc_type": document.doc_type,
                    "file": name,
                    "original_name": version.original_name,
                    "sha256": version.sha256,
                    "reuse_note": document.reuse_note,
                }
            )
        archive.writestr("manifest.json", json.dumps(manifest, indent=2, ensure_ascii=False))
    return buffer.getvalue()


@transaction.atomic
def import_pack_zip(*, actor: Any, data: bytes, trust: Any = None) -> RolePack:
    """Read a pack zip: a new national version (curators) or a trust's own pack (its editors)."""
    archive, manifest = open_pack_zip(data)  # members and manifest checked; PackZipError names a problem
    role = Role.objects.filter(slug=manifest.role).first()
    if role is None:
        raise PackZipError(f"The pack is for role '{manifest.role}', which is not in this catalogue.")
    components: dict[str, Any] = {}
    not_written = []
    for entry in manifest.components:
        try:
            text = archive.read(entry["markdown"]).decode("utf-8")
        except (KeyError, UnicodeDecodeError) as exc:
            raise PackZipError(f"The component file {entry.get('markdown')} is missing or unreadable.") from exc
        components[entry["key"]] = {"text": text, **entry["data"]} if entry.get("data") else text
        if entry.get("not_yet_written"):
            not_written.append(entry["key"])
    content = {
        "title": manifest.title,
        "as_of": manifest.as_of,
        "components": components,
        "not_yet_written": not_written,
    }
    if trust is None:
        pack = create_national_pack(actor=actor, role=role, data=content)
    else:
        if not policy.can_change_in(actor, trust.pk):
            raise PermissionDenied("Only the trust's editors import packs for it.")
        pack = create_row(
            actor,
            RolePack(
                role=role,
                trust=trust,
                version=1,
                title=content["title"] or f"{role.name} role pack",
                as_of=content["as_of"],
                status=RolePack.DRAFT,
            ),
        )
        for key in COMPONENT_KEYS:
            text, extra = component_values(components.get(key, ""))
            create_row(
                actor,
                PackComponent(
                    pack=pack, key=key, text=text, data=extra, not_yet_written=key in not_written or not text
                ),
            )
        reindex_pack(pack)
    for attachment in manifest.attachments:
        try:
            blob = archive.read(attachment["file"])
        except KeyError as exc:
            raise PackZipError(f"The attachment {attachment.get('file')} is missing from the zip.") from exc
        if hashlib.sha256(blob).hexdigest() != attachment.get("sha256"):
            raise PackZipError(f"The attachment {attachment.get('file')} does not match its checksum.")
        try:
            upload_document(
                actor=actor,
                trust=trust,
                title=attachment["title"],
                doc_type=attachment["doc_type"],
                data=blob,
                filename=attachment["original_name"],
                sharing="signed_in",
                reuse_note=attachment.get("reuse_note", ""),
                role=role,
                pack=pack,
            )
        except DocumentError as exc:
            raise PackZipError(f"The attachment {attachment['original_name']}: {exc}") from exc
    return pack
