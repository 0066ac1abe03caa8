"""Reading a role pack zip's manifest: every member checked first, every entry's shape checked before use.

A pack zip comes from another installation or another trust, so nothing in it is trusted: the archive
is checked for decompression bombs before it is opened, and the manifest must be an object of the
documented shape (components and attachments lists of objects, text where text is expected, attachment
titles and types the document model accepts). Each problem is a `PackZipError` whose message names the
entry, for the form to show; nothing reaches the database until the whole manifest has passed.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Any

from newroles.lib.zipcheck import ZipCheckError, check_zip, limits_from_settings
from newroles.roles.models import DOCUMENT_TYPES, RolePack, SharedDocument
from newroles.roles.services import COMPONENT_KEYS

ZIP_FORMAT = "newroles-role-pack"
ZIP_FORMAT_VERSION = 1
DOCUMENT_TYPE_KEYS = {k for k, _ in DOCUMENT_TYPES}


class PackZipError(ValueError):
    """The zip is not a pack this installation can read; the message says why."""


@dataclass
class Manifest:
    """A checked manifest: text fields are str, components and attachments lists of dicts."""

    role: str
    title: str
    as_of: str
    components: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, str]] = field(default_factory=list)


def open_pack_zip(data: bytes) -> tuple[zipfile.ZipFile, Manifest]:
    """The opened archive and its checked manifest, or PackZipError."""
    try:
        check_zip(data, limits_from_settings(), what="role pack zip")
    except ZipCheckError as exc:
        raise PackZipError(str(exc)) from exc
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        raw = json.loads(archive.read("manifest.json"))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:  # JSONDecodeError and bad UTF-8 are ValueErrors
        raise PackZipError("This is not a role pack zip: it has no readable manifest.json.") from exc
    return archive, check_manifest(raw)


def _text(entry: dict[str, Any], key: str, what: str, *, max_length: int | None = None, default: str = "") -> str:
    value = entry.get(key, default)
    if value is None:
        value = default
    if not isinstance(value, str):
        raise PackZipError(f"In the manifest, {what} must be text.")
    if max_length is not None and len(value) > max_length:
        raise PackZipError(f"In the manifest, {what} is {len(value)} characters long; the limit is {max_length}.")
    return value


def _list_of_objects(raw: dict[str, Any], key: str, what: str) -> list[dict[str, Any]]:
    value = raw.get(key) or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise PackZipError(f"In the manifest, '{key}' must be a list of {what} entries (objects with named fields).")
    return value


def _max_length(model: type, name: str) -> int:
    return model._meta.get_field(name).max_length  # type: ignore[attr-defined, no-any-return]


def check_manifest(raw: Any) -> Manifest:
    """The manifest's shape, checked entry by entry (PackZipError names the first problem)."""
    if not isinstance(raw, dict):
        raise PackZipError("This is not a role pack zip: its manifest.json is not an object with named fields.")
    if raw.get("format") != ZIP_FORMAT or raw.get("format_version") != ZIP_FORMAT_VERSION:
        raise PackZipError("This zip is not a role pack in a format this installation reads.")
    manifest = Manifest(
        role=_text(raw, "role", "the role"),
        title=_text(raw, "title", "the pack title", max_length=_max_length(RolePack, "title")),
        as_of=_text(raw, "as_of", "the pack's 'as of' date", max_length=_max_length(RolePack, "as_of")),
    )
    for entry in _list_of_objects(raw, "components", "component"):
        key = entry.get("key")
        if not isinstance(key, str) or key not in COMPONENT_KEYS:
            raise PackZipError(f"Unknown component '{key}' in the manifest.")
        data = entry.get("data")
        if data is not None and not isinstance(data, dict):
            raise PackZipError(f"In the manifest, the data of component '{key}' must be an object with named fields.")
        manifest.components.append(
            {
                "key": key,
                "markdown": _text(entry, "markdown", f"the file of component '{key}'"),
                "data": data or {},
                "not_yet_written": bool(entry.get("not_yet_written")),
            }
        )
    for number, entry in enumerate(_list_of_objects(raw, "attachments", "attachment"), start=1):
        where = f"attachment {number}"
        title = _text(entry, "title", f"the title of {where}", max_length=_max_length(SharedDocument, "title")).strip()
        if not title:
            raise PackZipError(f"In the manifest, {where} has no title.")
        doc_type = _text(entry, "doc_type", f"the type of {where}")
        if doc_type not in DOCUMENT_TYPE_KEYS:
            raise PackZipError(f"In the manifest, '{doc_type}' is not a document type ({where}, '{title}').")
        manifest.attachments.append(
            {
                "title": title,
                "doc_type": doc_type,
                "file": _text(entry, "file", f"the file of {where}"),
                "original_name": _text(entry, "original_name", f"the file name of {where}"),
                "sha256": _text(entry, "sha256", f"the checksum of {where}"),
                "reuse_note": _text(entry, "reuse_note", f"the reuse note of {where}"),
            }
        )
    return manifest
