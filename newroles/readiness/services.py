"""Every change to the readiness framework and to assessments goes through these functions.

The framework is loaded from `data/framework-v<N>.toml` by `load_framework` (a reference loader, run by
`newroles load_reference`): each file is a version; a new file adds a version and assessments already made
keep theirs. Assessments are recorded whole (one row, a rating for each asked factor) and never overwritten:
a new check is a new assessment.
"""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import create_row, update_row
from newroles.mapping.models import Deployment
from newroles.readiness.computed import COMPUTATIONS
from newroles.readiness.models import (
    ASKED,
    COMPUTED,
    RATING_CHOICES,
    Assessment,
    FrameworkItem,
    FrameworkVersion,
    Rating,
)
from newroles.readiness.summary import current_framework

DATA_DIR = Path(__file__).resolve().parent / "data"
FILE_NAME = re.compile(r"^framework-v(\d+)\.toml$")
SEED = "reference data: readiness/data"
REQUIRED_ITEM_FIELDS = ("key", "title", "question", "good", "source", "mode", "flag", "next_step")
ITEM_FIELDS = ("title", "question", "good", "source", "mode", "flag", "next_step", "name_label")
KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


class FrameworkFileError(ValueError):
    """A framework file that cannot be loaded; the message names the file, the item and the reason."""


# The framework -------------------------------------------------------------------------------------


def framework_files(data_dir: Path = DATA_DIR) -> list[tuple[int, Path]]:
    """The framework files in `data_dir`, by version number (so version 10 comes after version 9)."""
    found = []
    for path in data_dir.glob("framework-v*.toml"):
        match = FILE_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), path))
    return sorted(found)


def read_framework_file(path: Path, number: int) -> dict[str, Any]:
    """A framework file's content, checked: every problem names the file, the item and the reason."""
    name = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise FrameworkFileError(f"{name}: not valid TOML ({exc}).") from exc
    if data.get("version") != number:
        raise FrameworkFileError(
            f"{name}: its version must be {number}, as its name says (not {data.get('version')!r})."
        )
    if not str(data.get("title", "")).strip():
        raise FrameworkFileError(f"{name}: give the framework a title.")
    items = data.get("items")
    if not isinstance(items, list) or not items:
        raise FrameworkFileError(f"{name}: list the framework's items as [[items]] tables.")
    seen: set[str] = set()
    for n, entry in enumerate(items, start=1):
        where = f"{name}, item {n}" + (f" ({entry.get('key')})" if isinstance(entry, dict) and entry.get("key") else "")
        if not isinstance(entry, dict):
            raise FrameworkFileError(f"{where}: an item is a table of fields.")
        unknown = sorted(set(entry) - {"key", *ITEM_FIELDS})
        if unknown:
            raise FrameworkFileError(f"{where}: unknown field {', '.join(unknown)}.")
        for field_name in REQUIRED_ITEM_FIELDS:
            if not isinstance(entry.get(field_name), str) or not entry[field_name].strip():
                raise FrameworkFileError(f"{where}: '{field_name}' is missing or empty.")
        if not KEY.match(entry["key"]):
            raise FrameworkFileError(f"{where}: a key is lower-case letters, digits and underscores.")
        if entry["key"] in seen:
            raise FrameworkFileError(f"{where}: the key '{entry['key']}' is used twice.")
        seen.add(entry["key"])
        if entry["mode"] not in (ASKED, COMPUTED):
            raise FrameworkFileError(f"{where}: mode must be 'asked' or 'computed' (not '{entry['mode']}').")
        if entry["mode"] == COMPUTED and entry["key"] not in COMPUTATIONS:
            raise FrameworkFileError(
                f"{where}: no computation is named '{entry['key']}'; computed items are: {', '.join(COMPUTATIONS)}."
            )
    return data


def _item_fields(entry: Mapping[str, Any], order: int) -> dict[str, Any]:
    return {**{f: str(entry.get(f, "")).strip() for f in ITEM_FIELDS}, "order": order}


def load_framework(*, actor: Any = policy.SYSTEM, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """Load every framework file (a reference loader). Idempotent: rows are written only where they changed.

    A file whose version is not loaded yet adds that version. For a loaded version, wording changes are
    applied in place and new items added; an item missing from the file of a loaded version is refused (its
    ratings would lose their question): revise the framework by adding a version instead.
    """
    policy.require_curator(actor)
    counts = {"framework_versions": 0, "framework_versions_added": 0, "framework_items_changed": 0}
    with transaction.atomic():
        for number, path in framework_files(data_dir):
            data = read_framework_file(path, number)
            counts["framework_versions"] += 1
            header = {"title": data["title"].strip(), "source_document": str(data.get("source_document", "")).strip()}
            version = FrameworkVersion.objects.filter(version=number).first()
            if version is None:
                version = create_row(actor, FrameworkVersion(version=number, **header), message=SEED)
                counts["framework_versions_added"] += 1
            elif any(getattr(version, k) != v for k, v in header.items()):
                update_row(actor, version, header, message=SEED)
            existing = {i.key: i for i in version.items.all()}
            missing = sorted(set(existing) - {e["key"] for e in data["items"]})
            if missing:
                raise FrameworkFileError(
                    f"{path.name}: version {number} is loaded with the items {', '.join(missing)}, which the file "
                    f"no longer has. A loaded version keeps its items: add framework-v{number + 1}.toml instead."
                )
            for order, entry in enumerate(data["items"], start=1):
                fields = _item_fields(entry, order)
                item = existing.get(entry["key"])
                if item is None:
                    create_row(actor, FrameworkItem(framework=version, key=entry["key"], **fields), message=SEED)
                    counts["framework_items_changed"] += 1
                elif any(getattr(item, k) != v for k, v in fields.items()):
                    if item.mode != fields["mode"] and item.ratings.exists():
                        raise FrameworkFileError(
                            f"{path.name}, item {entry['key']}: it has ratings, so it cannot change from "
                            f"{item.mode} to {fields['mode']}. Add a new version instead."
                        )
                    update_row(actor, item, fields, message=SEED)
                    counts["framework_items_changed"] += 1
    return counts


# Assessments --------------------------------------------------------------------------------------

RATING_KEYS = {key for key, _ in RATING_CHOICES}


@transaction.atomic
def record_assessment(
    *,
    actor: Any,
    deployment: Deployment,
    assessed_on: dt.date,
    ratings: Mapping[str, Mapping[str, Any]],
    notes: str = "",
    assessed_by_name: str = "",
    framework: FrameworkVersion | None = None,
) -> Assessment:
    """Record a readiness check of a deployment: a new assessment, earlier ones kept as its history.

    `ratings` maps each asked item's key to its fields: `status` (not_started, partly, in_place,
    not_applicable), and optionally `evidence`, `document` (a SharedDocument) and `champion`. Every asked
    item of the framework (the current version unless given) is rated, and only those. Only the trust's
    editors may record a check.
    """
    policy.require_editor(actor, deployment.trust)
    framework = framework or current_framework()
    if framework is None:
        raise ValidationError("No readiness framework is loaded: run newroles load_reference.")
    if assessed_on > timezone.localdate():
        raise ValidationError({"assessed_on": "A check cannot be dated in the future."})
    asked = {i.key: i for i in framework.items.filter(mode=ASKED).order_by("order")}
    errors: dict[str, str] = {}
    for key in sorted(set(ratings) - set(asked)):
        errors[key] = f"'{key}' is not an asked item of version {framework.version} of the framework."
    for key, item in asked.items():
        status = (ratings.get(key) or {}).get("status")
        if status not in RATING_KEYS:
            errors[key] = f"Say where '{item.title}' stands."
    if errors:
        raise ValidationError(errors)
    name = assessed_by_name.strip() or getattr(actor, "name", "") or str(actor)
    assessment = create_row(
        actor,
        Assessment(
            deployment=deployment,
            framework=framework,
            assessed_on=assessed_on,
            assessed_by=actor if getattr(actor, "pk", None) else None,
            assessed_by_name=name,
            notes=notes,
        ),
    )
    for key, item in asked.items():
        given = ratings[key]
        create_row(
            actor,
            Rating(
                assessment=assessment,
                item=item,
                status=given["status"],
                evidence=str(given.get("evidence") or "").strip(),
                document=given.get("document"),
                champion=str(given.get("champion") or "").strip(),
            ),
        )
    return assessment
