"""Every change to the catalogue, role packs and shared documents goes through these functions."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from newroles.accounts import policy
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.lib.documents import DocumentError, extract_text, sniff_type
from newroles.lib.tabular import too_large_message
from newroles.roles.models import (
    PACK_COMPONENTS,
    DocumentVersion,
    OccupationCode,
    PackComponent,
    PackReviewFlag,
    Role,
    RoleAlias,
    RoleCode,
    RolePack,
    SearchEntry,
    SharedDocument,
    default_review_by,
    normalise_title,
)
from newroles.roles.search import reindex_document, reindex_pack, reindex_role, unindex
from newroles.roles.typology_facts import load_typology_facts

DATA_DIR = Path(__file__).resolve().parent / "data"
SEED = "reference data: roles/data"

ROLE_FIELDS = (
    "name",
    "staff_group",
    "newness",
    "newness_reason",
    "first_year",
    "regulator",
    "registration",
    "regulation_note",
    "medical",
    "band_min",
    "band_max",
    "entry_routes",
    "training_note",
    "supervises_others",
    "lead_time_months",
    "typical_teams",
    "case_study",
    "as_of",
)


# Catalogue ----------------------------------------------------------------------------------------


def role_fields_from_seed(entry: dict[str, Any], as_of: str) -> dict[str, Any]:
    """Model field values for one role of catalogue.json."""
    fields = {name: entry[name] for name in ROLE_FIELDS if name in entry}
    fields["band_min"] = entry.get("band_min") or ""
    fields["band_max"] = entry.get("band_max") or ""
    supervision = entry.get("supervision") or {}
    fields["supervisor"] = supervision.get("supervisor", "")
    fields["supervision_frequency"] = supervision.get("frequency", "")
    fields["supervision_hours_per_wte"] = Decimal(str(supervision.get("hours_per_week_per_wte", 0))).quantize(
        Decimal("0.01")
    )
    portrait = entry.get("pen_portrait") or {}
    fields["pen_what"] = portrait.get("what", "")
    fields["pen_why"] = portrait.get("why", "")
    fields["pen_challenges"] = portrait.get("challenges", "")
    lead = entry.get("lead_times") or {}
    fields["recruit_months"] = lead.get("recruit_months")
    fields["recruit_source"] = lead.get("recruit_source", "")
    fields["qualify_months"] = lead.get("qualify_months")
    fields["qualify_source"] = lead.get("qualify_source", "")
    fields["as_of"] = entry.get("as_of") or as_of
    return fields


def save_role(*, actor: Any, slug: str, curated: bool = True, **fields: Any) -> tuple[Role, bool]:
    """Create or update a role by slug (curators). Returns (role, created)."""
    policy.require_curator(actor)
    existing = Role.objects.filter(slug=slug).first()
    if existing is None:
        role = create_row(actor, Role(slug=slug, curated=curated, **fields))
        created = True
    else:
        # A row whose values already match is left alone (and not marked curated), so re-importing an
        # export writes nothing.
        if all(getattr(existing, k) == v for k, v in fields.items()):
            return existing, False
        role = update_row(actor, existing, {**fields, "curated": curated or existing.curated})
        created = False
    reindex_role(role)
    return role, created


def save_alias(
    *, actor: Any, role: Role, title: str, trust: Any = None, status: str = RoleAlias.APPROVED, **fields: Any
) -> tuple[RoleAlias, bool]:
    """Add an alias (or update the one with the same normalised title and owner). Returns (alias, created).

    A national alias needs a curator; a trust's own alias needs an editor of that trust.
    """
    if trust is None:
        policy.require_curator(actor)
    elif not policy.can_change_in(actor, trust.pk):
        raise PermissionDenied("Only the trust's editors add its aliases.")
    normalised = normalise_title(title)
    existing = RoleAlias.objects.filter(normalised=normalised, trust=trust).first()
    if existing is None:
        alias = create_row(actor, RoleAlias(role=role, title=title.strip(), trust=trust, status=status, **fields))
        created = True
    else:
        previous_role = existing.role
        alias = update_row(actor, existing, {"role": role, "title": title.strip(), "status": status, **fields})
        created = False
        if trust is None and previous_role.pk != role.pk:
            reindex_role(previous_role)
    if trust is None:
        reindex_role(role)  # a role's national titles are part of its searchable text
    return alias, created


def save_code(*, actor: Any, role: Role, system: str, code: str, **fields: Any) -> tuple[RoleCode, bool]:
    policy.require_curator(actor)
    existing = RoleCode.objects.filter(role=role, system=system, code=code).first()
    if existing is None:
        return create_row(actor, RoleCode(role=role, system=system, code=code, **fields)), True
    return update_row(actor, existing, fields), False


def load_occupation_codes(*, actor: Any = policy.SYSTEM) -> dict[str, int]:
    """Load the NHS Occupation Code Manual lookup (945 codes). Idempotent."""
    counts = {"occupation_codes": 0, "occupation_codes_changed": 0}
    existing = {c.code: c for c in OccupationCode.objects.all()}
    with open(DATA_DIR / "nhs_occupation_codes_v22_1.csv", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            fields = {
                "name": row["occupation_code_name"],
                "main_staff_group": row["main_staff_group"],
                "broad_staff_group": row["broad_staff_group"],
                "detailed_staff_group": row["detailed_staff_group"],
                "level": row["occupation_level"],
                "care_setting": row["care_setting_or_specialty"],
                "is_valid": row["is_currently_valid"] == "True",
            }
            counts["occupation_codes"] += 1
            current = existing.get(row["occupation_code"])
            if current is None:
                create_row(actor, OccupationCode(code=row["occupation_code"], **fields), message=SEED)
                counts["occupation_codes_changed"] += 1
            elif any(getattr(current, k) != v for k, v in fields.items()):
                update_row(actor, current, fields, message=SEED)
                counts["occupation_codes_changed"] += 1
    return counts


def load_catalogue(*, actor: Any = policy.SYSTEM) -> dict[str, int]:
    """Load occupation codes, the role catalogue and the national packs from roles/data. Idempotent.

    Roles a curator has edited in the app (`curated`) are left as they are; packs are created only for
    roles that have no national pack yet, so curators' versions are never overwritten.
    """
    with transaction.atomic():
        counts = load_occupation_codes(actor=actor)
        path = DATA_DIR / "catalogue.json"
        if not path.exists():
            return counts
        data = json.loads(path.read_text(encoding="utf-8"))
        counts.update({"roles": 0, "roles_changed": 0, "aliases": 0, "codes": 0, "packs_created": 0})
        roles: dict[str, Role] = {r.slug: r for r in Role.objects.all()}
        for entry in data["roles"]:
            counts["roles"] += 1
            current = roles.get(entry["slug"])
            fields = role_fields_from_seed(entry, data.get("as_of", ""))
            if current is not None and current.curated:
                continue
            if current is None or any(getattr(current, k) != v for k, v in fields.items()):
                roles[entry["slug"]], _ = save_role(actor=actor, slug=entry["slug"], curated=False, **fields)
                counts["roles_changed"] += 1
        for entry in data["roles"]:
            role = roles[entry["slug"]]
            for alias in entry.get("aliases", []):
                counts["aliases"] += 1
                existing = RoleAlias.objects.filter(normalised=normalise_title(alias["title"]), trust=None).first()
                if existing is None:
                    save_alias(
                        actor=actor,
                        role=role,
                        title=alias["title"],
                        kind=alias.get("kind", "variant"),
                        in_training=alias.get("in_training", False),
                        source="national catalogue",
                    )
            for code in entry.get("codes", []):
                counts["codes"] += 1
                if not RoleCode.objects.filter(role=role, system=code["system"], code=code["code"]).exists():
                    save_code(
                        actor=actor,
                        role=role,
                        system=code["system"],
                        code=code["code"],
                        label=code.get("label", ""),
                        in_training=code.get("in_training", False),
                    )
        # Every role's searchable text carries its national titles; reindexing writes only what changed.
        for role in Role.objects.all():
            reindex_role(role)
        for pack_path in sorted((DATA_DIR / "packs").glob("*.json")):
            pack_data = json.loads(pack_path.read_text(encoding="utf-8"))
            role = roles.get(pack_data["role"])
            if role is None or RolePack.objects.filter(role=role, trust=None).exists():
                continue
            create_national_pack(actor=actor, role=role, data=pack_data)
            counts["packs_created"] += 1
        counts.update(load_typology_facts(actor=actor))
    return counts


# Packs --------------------------------------------------------------------------------------------

COMPONENT_KEYS = [k for k, _ in PACK_COMPONENTS]


def component_values(value: Any) -> tuple[str, dict[str, Any]]:
    """A pack file's component is Markdown text, or an object with "text" and structured data."""
    if isinstance(value, dict):
        data = {k: v for k, v in value.items() if k != "text"}
        return str(value.get("text", "")), data
    return str(value or ""), {}


def review_date(value: Any) -> date | None:
    """A pack file's `review_by` (a date or YYYY-MM-DD), or None when it names none."""
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise ValidationError({"review_by": f"'{value}' is not a date (use YYYY-MM-DD)."}) from exc


@transaction.atomic
def create_national_pack(*, actor: Any, role: Role, data: dict[str, Any]) -> RolePack:
    """A national pack from a pack file's content (version 1, or the next version).

    The review date is the file's; without one a new version keeps the date of the version it replaces
    (changing a component is not a review of the whole pack), and a first version gets the default.
    """
    policy.require_curator(actor)
    latest = RolePack.objects.filter(role=role, trust=None).aggregate(v=Max("version"))["v"] or 0
    previous = RolePack.objects.filter(role=role, trust=None, is_current=True).first()
    review_by = review_date(data.get("review_by")) or (previous and previous.review_by) or default_review_by()
    pack = create_row(
        actor,
        RolePack(
            role=role,
            trust=None,
            version=latest + 1,
            title=data.get("title") or f"National role pack: {role.name}",
            as_of=data.get("as_of", ""),
            status=RolePack.PUBLISHED,
            review_by=review_by,
        ),
    )
    for older in RolePack.objects.filter(role=role, trust=None, is_current=True).exclude(pk=pack.pk):
        update_row(actor, older, {"is_current": False}, message=f"replaced by version {pack.version}")
    not_written = set(data.get("not_yet_written", []))
    components = data.get("components", {})
    for key in COMPONENT_KEYS:
        text, extra = component_values(components.get(key, ""))
        create_row(
            actor,
            PackComponent(pack=pack, key=key, text=text, data=extra, not_yet_written=key in not_written or not text),
        )
    reindex_pack(pack)
    return pack


def pack_content(pack: RolePack) -> dict[str, Any]:
    """The pack's content in the pack-file shape (used to copy, version and export packs)."""
    components: dict[str, Any] = {}
    not_written = []
    for c in pack.components.all():
        components[c.key] = {"text": c.text, **c.data} if c.data else c.text
        if c.not_yet_written:
            not_written.append(c.key)
    return {
        "role": pack.role.slug,
        "version": pack.version,
        "title": pack.title,
        "as_of": pack.as_of,
        "components": components,
        "not_yet_written": sorted(not_written),
    }


def adopted_copy(role: Role, trust: Any) -> RolePack | None:
    """The trust's copy of the role's national pack (of any version), if it adopted one."""
    return RolePack.objects.filter(role=role, trust=trust, adopted_from__isnull=False).order_by("pk").first()


@transaction.atomic
def adopt_pack(*, actor: Any, pack: RolePack, trust: Any) -> RolePack:
    """Copy a national pack into a trust's space as a draft it can adapt, remembering its origin.

    A trust keeps one copy of a role's national pack: adopting again returns the copy it has (a newer
    national version is offered on the copy's page), so a second click never makes a twin.
    """
    if not pack.is_national:
        raise ValidationError("Only national packs can be adopted.")
    if not policy.can_change_in(actor, trust.pk):
        raise PermissionDenied("Only the trust's editors adopt packs for it.")
    # Lock the trust's row so two adoptions at once cannot both find no copy (PostgreSQL; SQLite writes
    # one at a time anyway).
    type(trust).objects.select_for_update().filter(pk=trust.pk).first()
    existing = adopted_copy(pack.role, trust)
    if existing is not None:
        return existing
    copy = create_row(
        actor,
        RolePack(
            role=pack.role,
            trust=trust,
            version=1,
            title=f"{pack.role.name} role pack – {trust.name}",
            as_of=pack.as_of,
            status=RolePack.DRAFT,
            adopted_from=pack,
            adopted_version=pack.version,
            review_by=pack.review_by,
        ),
    )
    for c in pack.components.all():
        create_row(
            actor,
            PackComponent(pack=copy, key=c.key, text=c.text, data=c.data, not_yet_written=c.not_yet_written),
        )
    reindex_pack(copy)
    return copy


@transaction.atomic
def edit_component(*, actor: Any, component: PackComponent, text: str, not_yet_written: bool = False) -> RolePack:
    """Change one component. A trust's copy changes in place; a national pack gets a new version.

    Returns the pack that now holds the change.
    """
    pack = component.pack
    if not policy.can_edit_pack(actor, pack):
        raise PermissionDenied("You may not change this pack.")
    not_yet_written = not_yet_written or not text.strip()
    if pack.is_national:
        content = pack_content(pack)
        _, extra = component_values(content["components"].get(component.key, ""))
        content["components"][component.key] = {"text": text, **extra} if extra else text
        written = set(content["not_yet_written"]) - {component.key}
        content["not_yet_written"] = sorted(written | ({component.key} if not_yet_written else set()))
        return create_national_pack(actor=actor, role=pack.role, data=content)
    update_row(actor, component, {"text": text, "not_yet_written": not_yet_written})
    reindex_pack(pack)
    return pack


def update_pack(*, actor: Any, pack: RolePack, **changes: Any) -> RolePack:
    """Change a trust copy's title, status or sharing."""
    if pack.is_national or not policy.can_change_in(actor, pack.trust_id):
        raise PermissionDenied("You may not change this pack.")
    pack = update_row(actor, pack, changes)
    reindex_pack(pack)
    return pack


def flag_pack_for_review(*, actor: Any, role: Role, reason: str) -> PackReviewFlag | None:
    """Mark a role's national pack for review before its date; the pack page shows the reason (curators).

    Called when a change of regulation or national guidance affecting the role is recorded. A role with
    no national pack has nothing to review (None); a reason already open for the role is not added twice.
    """
    policy.require_curator(actor)
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": "Say what changed, so the reviewer knows what to check."})
    if not RolePack.objects.filter(role=role, trust=None).exists():
        return None
    existing = PackReviewFlag.objects.filter(role=role, resolved_at=None, reason=reason).first()
    if existing is not None:
        return existing
    return create_row(actor, PackReviewFlag(role=role, reason=reason), message="national pack flagged for review")


@transaction.atomic
def record_pack_review(*, actor: Any, pack: RolePack, review_by: date) -> RolePack:
    """A curator has checked the current national pack: set its next review date and close its flags."""
    policy.require_curator(actor)
    if not (pack.is_national and pack.is_current):
        raise ValidationError("Only the current version of a national pack is reviewed.")
    if review_by <= timezone.localdate():
        raise ValidationError({"review_by": "The next review date must be after today."})
    pack = update_row(actor, pack, {"review_by": review_by}, message="national pack reviewed")
    now = timezone.now()
    for flag in PackReviewFlag.objects.filter(role=pack.role, resolved_at=None):
        update_row(actor, flag, {"resolved_at": now}, message="national pack reviewed")
    return pack


# Shared documents ---------------------------------------------------------------------------------


def documents_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_DIR) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def document_path(version: DocumentVersion) -> Path:
    """Files are stored once per content, named by SHA-256, outside the web root."""
    return documents_dir() / version.sha256[:2] / version.sha256


def check_document(data: bytes) -> tuple[str, str]:
    """(file type, extracted text) of an upload, or DocumentError. Nothing is stored here."""
    if len(data) > settings.MAX_UPLOAD_BYTES:
        raise DocumentError(too_large_message(len(data), settings.MAX_UPLOAD_BYTES))
    file_type = sniff_type(data)
    return file_type, extract_text(data, file_type)


@transaction.atomic
def upload_document(
    *,
    actor: Any,
    trust: Any,
    title: str,
    doc_type: str,
    data: bytes,
    filename: str,
    sharing: str = "private",
    reuse_note: str = "",
    role: Role | None = None,
    pack: RolePack | None = None,
) -> SharedDocument:
    """Check the file (type from content, size, readable), then store it as version 1 of a new document."""
    if not policy.can_own_document(actor, trust):
        raise PermissionDenied("Only the trust's editors upload its documents.")
    file_type, text = check_document(data)
    document = create_row(
        actor,
        SharedDocument(
            trust=trust,
            title=title.strip(),
            doc_type=doc_type,
            sharing=sharing,
            reuse_note=reuse_note,
            role=role,
            pack=pack,
            created_by=actor if getattr(actor, "pk", None) else None,
        ),
    )
    _add_version(actor, document, data, filename, file_type, text)
    return document


@transaction.atomic
def add_document_version(*, actor: Any, document: SharedDocument, data: bytes, filename: str) -> DocumentVersion:
    if not policy.can_own_document(actor, document.trust):
        raise PermissionDenied("Only the owner's editors add versions.")
    file_type, text = check_document(data)
    return _add_version(actor, document, data, filename, file_type, text)


def _add_version(
    actor: Any, document: SharedDocument, data: bytes, filename: str, file_type: str, text: str
) -> DocumentVersion:
    digest = hashlib.sha256(data).hexdigest()
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = create_row(
        actor,
        DocumentVersion(
            document=document,
            number=number,
            original_name=Path(filename).name[:255] or f"document.{file_type}",
            file_type=file_type,
            size=len(data),
            sha256=digest,
            text=text,
            uploaded_by=actor if getattr(actor, "pk", None) else None,
        ),
    )
    path = document_path(version)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(".part")
        tmp.write_bytes(data)
        tmp.replace(path)  # atomic: a reader never sees half a file
    reindex_document(document)
    return version


def update_document(*, actor: Any, document: SharedDocument, **changes: Any) -> SharedDocument:
    if not policy.can_own_document(actor, document.trust):
        raise PermissionDenied("Only the owner's editors change this document.")
    document = update_row(actor, document, changes)
    reindex_document(document)
    return document


def delete_document(*, actor: Any, document: SharedDocument) -> None:
    if not policy.can_own_document(actor, document.trust):
        raise PermissionDenied("Only the owner's editors remove this document.")
    with transaction.atomic():
        unindex(SearchEntry.objects.filter(kind="document", object_id=document.pk))
        for version in document.versions.all():
            delete_row(actor, version)
        delete_row(actor, document)
    # Stored files are shared by content across versions and documents, so they are kept; see docs.


def read_document(version: DocumentVersion) -> bytes:
    return document_path(version).read_bytes()
