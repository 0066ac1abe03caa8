"""The `deployments` import kind: a trust's new roles in bulk, for its editors (administrators: any trust)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from django.urls import reverse

from newroles.accounts import policy
from newroles.imports.registry import (
    ImportContext,
    ImportField,
    ImportKind,
    RowError,
    model_field,
    parse_choice,
    register,
)
from newroles.mapping import services
from newroles.mapping.models import (
    KIND_CHOICES,
    REASON_CHOICES,
    SOURCE_CHOICES,
    STANCE_CHOICES,
    STATUS_CHOICES,
    TRUST_NEWNESS_CHOICES,
    Deployment,
)
from newroles.roles.models import Role, normalise_title
from newroles.workforce.normalisers import normalisers as staff_record_normalisers

LIST_SEPARATORS = re.compile(r"[;|\n]+")


def parse_date(field_name: str, value: str) -> dt.date | None:
    """YYYY-MM-DD (as spreadsheets export) or DD/MM/YYYY (as people in England type)."""
    text = value.strip()
    if not text:
        return None
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise RowError(field_name, "is not a date: write it as YYYY-MM-DD or DD/MM/YYYY")


def parse_int(field_name: str, value: str) -> int | None:
    text = value.strip().replace(",", "")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise RowError(field_name, "is not a whole number") from None
    if number != number.to_integral_value() or number < 0:
        raise RowError(field_name, "is not a whole number of people")
    return int(number)


def parse_decimal(field_name: str, value: str) -> Decimal | None:
    text = value.strip()
    if not text:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowError(field_name, "is not a number") from None


def parse_list(field_name: str, value: str, choices: list[tuple[str, str]]) -> list[str]:
    """Keys or labels separated by semicolons (labels may contain commas); plain keys may use commas."""
    keys: list[str] = []
    for part in (p.strip() for p in LIST_SEPARATORS.split(value)):
        if not part:
            continue
        try:
            keys.append(parse_choice(field_name, part, choices))
        except RowError:
            pieces = [p.strip() for p in part.split(",") if p.strip()]
            if len(pieces) < 2:
                raise
            keys.extend(parse_choice(field_name, p, choices) for p in pieces)
    return list(dict.fromkeys(keys))


def find_role(value: str, ctx: ImportContext) -> Role:
    roles = ctx.cache.setdefault("roles", list(Role.objects.all()))
    key = normalise_title(value)
    for role in roles:
        if value.strip() == role.slug or key in (normalise_title(role.name), normalise_title(role.slug)):
            return role
    raise RowError("role", "is not a role in the catalogue: give its slug (e.g. peer_support_worker) or name")


class DeploymentImport(ImportKind):
    key = "deployments"
    title = "Deployments of new roles"
    description = (
        "Add a trust's new roles to the national map or update them, matched on the trust's title for the role. "
        "Each title is matched to a catalogue role by its known titles; a title that matches none is kept, "
        "unmatched, and listed under the trust's titles to resolve. Separate several reasons, kinds or teams "
        "with semicolons."
    )
    trust_scoped = True
    fields = [
        model_field(Deployment, "local_title", synonyms=("title", "job title", "local title", "role title", "post")),
        ImportField(
            "role",
            "Role",
            False,
            "Catalogue role slug or name. Leave empty to match the title automatically.",
            ("role slug", "canonical role", "catalogue role"),
        ),
        model_field(Deployment, "status"),
        model_field(Deployment, "first_post_started", synonyms=("start date", "started", "first post")),
        model_field(Deployment, "planned_start", synonyms=("planned start date", "start planned")),
        model_field(Deployment, "headcount", synonyms=("people", "staff in post")),
        model_field(Deployment, "wte", synonyms=("fte", "whole time equivalent")),
        model_field(Deployment, "figures_as_of", synonyms=("as of", "as at", "date of figures")),
        model_field(Deployment, "figures_source", synonyms=("source",)),
        ImportField("teams", "Teams", False, "Names of the trust's teams, separated by semicolons.", ("team",)),
        model_field(Deployment, "reasons", synonyms=("reason", "why")),
        model_field(Deployment, "reason_other"),
        model_field(Deployment, "stance"),
        model_field(Deployment, "trust_newness", synonyms=("newness", "how new")),
        model_field(Deployment, "intended_kinds", synonyms=("intended change", "intended kinds", "intended")),
        model_field(Deployment, "intended_evidence"),
        model_field(Deployment, "actual_kinds", synonyms=("actual change", "actual kinds", "actual")),
        model_field(Deployment, "actual_evidence"),
        model_field(Deployment, "notes"),
    ]

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return trust is not None and policy.can_change_in(user, trust.pk)

    def done_url(self, trust: Any = None) -> str:
        return reverse("mapping:trust", args=[trust.ods_code])

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        _deployment, created = services.save_by_title(
            actor=ctx.actor, trust=ctx.trust, local_title=values["local_title"].strip(), message="import",
            normalisers=self._normalisers(ctx), **self._fields(values, ctx),
        )  # fmt: skip
        return "created" if created else "updated"

    @staticmethod
    def _normalisers(ctx: ImportContext) -> Any:
        """One set of normalisers for the whole file, so the catalogue is read once."""
        if "normalisers" not in ctx.cache:
            ctx.cache["normalisers"] = staff_record_normalisers()
        return ctx.cache["normalisers"]

    def _fields(self, values: dict[str, str], ctx: ImportContext) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if values.get("role"):
            fields["role"] = find_role(values["role"], ctx)
        if values.get("status"):
            fields["status"] = parse_choice("status", values["status"], STATUS_CHOICES)
        for name in ("first_post_started", "planned_start", "figures_as_of"):
            if name in values:
                fields[name] = parse_date(name, values[name])
        if "headcount" in values:
            fields["headcount"] = parse_int("headcount", values["headcount"])
        if "wte" in values:
            fields["wte"] = parse_decimal("wte", values["wte"])
        choices = {
            "figures_source": SOURCE_CHOICES,
            "stance": STANCE_CHOICES,
            "trust_newness": TRUST_NEWNESS_CHOICES,
        }
        for name, options in choices.items():
            if name in values:
                fields[name] = parse_choice(name, values[name], options) if values[name] else ""
        lists = {"reasons": REASON_CHOICES, "intended_kinds": KIND_CHOICES, "actual_kinds": KIND_CHOICES}
        for name, options in lists.items():
            if name in values:
                fields[name] = parse_list(name, values[name], options)
        for name in ("reason_other", "intended_evidence", "actual_evidence", "notes"):
            if name in values:
                fields[name] = values[name]
        if "teams" in values:
            fields["teams"] = self._teams(values["teams"], ctx)
        return fields

    def _teams(self, value: str, ctx: ImportContext) -> list[Any]:
        teams = ctx.cache.setdefault("teams", {t.name.lower(): t for t in ctx.trust.teams.all()})
        found = []
        for name in (p.strip() for p in LIST_SEPARATORS.split(value)):
            if not name:
                continue
            team = teams.get(name.lower())
            if team is None:
                raise RowError("teams", f"has '{name}', which is not one of {ctx.trust.name}'s teams")
            found.append(team)
        return found


register(DeploymentImport())
