"""Import kinds for the catalogue: roles, title variants (aliases) and codes. National curators only.

The columns are the ones the catalogue export writes, so an exported spreadsheet imports back unchanged.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from newroles.accounts import policy
from newroles.imports.registry import (
    ImportContext,
    ImportField,
    ImportKind,
    RowError,
    model_field,
    parse_bool,
    parse_choice,
    register,
)
from newroles.lib.bands import AFC_BANDS
from newroles.roles import services
from newroles.roles.models import (
    ENTRY_ROUTES,
    NEWNESS_CHOICES,
    REGISTRATION_CHOICES,
    REGULATOR_CHOICES,
    ROLE_EDITABLE_FIELDS,
    STAFF_GROUP_CHOICES,
    TEAM_TYPES,
    Role,
    RoleAlias,
    RoleCode,
)

LIST_FIELDS = {"entry_routes": ENTRY_ROUTES, "typical_teams": TEAM_TYPES}
BOOL_FIELDS = ("medical", "supervises_others", "case_study")
CHOICE_FIELDS = {
    "staff_group": STAFF_GROUP_CHOICES,
    "newness": NEWNESS_CHOICES,
    "regulator": REGULATOR_CHOICES,
    "registration": REGISTRATION_CHOICES,
}


class CuratorKind(ImportKind):
    def may_use(self, user: Any, trust: Any = None) -> bool:
        return policy.is_curator(user)


def _role(ctx: ImportContext, slug: str) -> Role:
    roles = ctx.cache.setdefault("roles", {r.slug: r for r in Role.objects.all()})
    role = roles.get(slug.strip())
    if role is None:
        raise RowError("role", "is not a role slug in the catalogue")
    return role


def _band(name: str, value: str) -> str:
    band = value.strip().lower().removeprefix("band").strip()
    if band and band not in AFC_BANDS:
        raise RowError(name, "is not an Agenda for Change band (1-9, 8a-8d)")
    return band


class RoleImport(CuratorKind):
    key = "roles"
    title = "Role catalogue: roles"
    description = "Add roles or update them, matched on slug. The columns are those of the catalogue's roles export."
    fields = [
        model_field(Role, "slug", required=True),
        *[model_field(Role, name, required=False) for name in ROLE_EDITABLE_FIELDS],
    ]

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        slug = values.pop("slug").strip()
        existing = Role.objects.filter(slug=slug).first()
        fields: dict[str, Any] = {}
        for name, value in values.items():
            if name in BOOL_FIELDS:
                fields[name] = parse_bool(name, value)
            elif name in CHOICE_FIELDS:
                if value:  # a blank cell leaves the role's current value
                    fields[name] = parse_choice(name, value, CHOICE_FIELDS[name])
            elif name in LIST_FIELDS:
                items = [v.strip() for v in value.split(",") if v.strip()]
                fields[name] = [parse_choice(name, v, LIST_FIELDS[name]) for v in items]
            elif name in ("band_min", "band_max"):
                fields[name] = _band(name, value)
            elif name in ("first_year", "lead_time_months", "recruit_months", "qualify_months"):
                fields[name] = _number(name, value, int)
            elif name == "supervision_hours_per_wte":
                hours = _number(name, value, Decimal)
                fields[name] = (hours or Decimal(0)).quantize(Decimal("0.01"))
            else:
                fields[name] = value
        if existing is None and not fields.get("name"):
            raise RowError("name", "is required for a new role")
        services.save_role(actor=ctx.actor, slug=slug, **fields)
        return "updated" if existing else "created"


def _number(name: str, value: str, kind: type) -> Any:
    if not value.strip():
        return None
    try:
        return kind(value)
    except (ValueError, InvalidOperation):
        raise RowError(name, "is not a number") from None


class AliasImport(CuratorKind):
    key = "role_aliases"
    title = "Role catalogue: title variants"
    description = "Add national title variants (aliases), matched on the title. Columns as in the aliases export."
    fields = [
        ImportField("role", "Role", True, "Role slug, e.g. peer_support_worker."),
        model_field(RoleAlias, "title", required=True),
        model_field(RoleAlias, "kind"),
        model_field(RoleAlias, "in_training"),
        model_field(RoleAlias, "status"),
    ]

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        role = _role(ctx, values["role"])
        fields: dict[str, Any] = {}
        if values.get("kind"):
            fields["kind"] = parse_choice("kind", values["kind"], RoleAlias.KIND_CHOICES)
        if "in_training" in values:
            fields["in_training"] = parse_bool("in_training", values["in_training"])
        status = (
            parse_choice("status", values["status"], RoleAlias.STATUS_CHOICES) if values.get("status") else "approved"
        )
        _, created = services.save_alias(actor=ctx.actor, role=role, title=values["title"], status=status, **fields)
        return "created" if created else "updated"


class CodeImport(CuratorKind):
    key = "role_codes"
    title = "Role catalogue: codes"
    description = "Add staff-record and smartcard codes for roles. Columns as in the codes export."
    fields = [
        ImportField("role", "Role", True, "Role slug, e.g. nursing_associate."),
        model_field(RoleCode, "system", required=True),
        model_field(RoleCode, "code", required=True),
        model_field(RoleCode, "label"),
        model_field(RoleCode, "in_training"),
        model_field(RoleCode, "valid_from"),
        model_field(RoleCode, "valid_to"),
    ]

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        role = _role(ctx, values["role"])
        fields: dict[str, Any] = {"label": values.get("label", "")}
        if "in_training" in values:
            fields["in_training"] = parse_bool("in_training", values["in_training"])
        for name in ("valid_from", "valid_to"):
            if values.get(name):
                try:
                    fields[name] = date.fromisoformat(values[name])
                except ValueError:
                    raise RowError(name, "is not a date (YYYY-MM-DD)") from None
        system = parse_choice("system", values["system"], RoleCode.SYSTEM_CHOICES)
        _, created = services.save_code(actor=ctx.actor, role=role, system=system, code=values["code"], **fields)
        return "created" if created else "updated"


register(RoleImport())
register(AliasImport())
register(CodeImport())
