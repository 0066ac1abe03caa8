"""The `funding` import kind: a trust's funding lines in bulk, for its editors (administrators: any trust).

A row with a line number (from the trust's own export) updates that line; a row without one adds a line.
Every problem of a row is reported together, by column, and the engine writes nothing unless every row
is good. The export (`funding/exports.py`) writes these same columns, so an export can be edited and
imported back.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.urls import reverse

from newroles.accounts import policy
from newroles.funding import services
from newroles.funding.models import (
    CONTRACT_STATUS_CHOICES,
    COST_FIELDS,
    FUNDER_KIND_CHOICES,
    FUNDING_TYPE_CHOICES,
    FundingLine,
)
from newroles.funding.shares import EXAMPLE, parse_shares
from newroles.imports.registry import (
    Collector,
    ImportContext,
    ImportField,
    ImportKind,
    RowError,
    model_field,
    parse_bool,
    parse_choice,
    register,
)
from newroles.mapping.importers import parse_date, parse_int
from newroles.roles.models import SharedDocument

_COST_SYNONYMS = {
    "covers_salary": ("salary",),
    "covers_on_costs": ("on-costs", "on costs", "oncosts"),
    "covers_training": ("training", "training fees", "education fees", "covers training"),
    "covers_backfill": ("backfill",),
    "covers_supervision": ("supervision",),
    "covers_support": ("ongoing support", "cpd", "support", "covers ongoing support"),
    "covers_recruitment": ("recruitment",),
}

FIELDS = [
    ImportField(
        "id", "Line number", False,
        "The line's number in the trust's funding export, to change that line; leave empty to add a line.",
        ("line id", "funding line", "id"),
    ),
    ImportField(
        "deployment", "Role", True, "The trust's title for the role it pays for, as on the trust's list of roles.",
        ("role title", "job title", "title", "local title", "deployment", "post"),
    ),
    model_field(FundingLine, "name", synonyms=("funding name", "name", "description")),
    model_field(FundingLine, "funder_kind", synonyms=("funder kind", "funder type", "type of funder", "source")),
    ImportField(
        "funder_name", "Funder", False,
        "Who pays: the name or ODS code of an organisation listed outside the trust register, or any name.",
        ("funder name", "funded by", "paid by"),
    ),
    model_field(FundingLine, "funding_type", synonyms=("funding type", "type", "recurrent")),
    model_field(
        FundingLine, "amount_per_year", synonyms=("amount", "amount a year", "annual amount", "per year", "£ a year")
    ),
    model_field(FundingLine, "start_date", synonyms=("start", "start date", "from")),
    model_field(FundingLine, "end_date", synonyms=("end", "end date", "until", "to")),
    model_field(FundingLine, "posts", synonyms=("number of posts",)),
    model_field(FundingLine, "wte", synonyms=("wte", "fte", "whole time equivalent")),
    *(model_field(FundingLine, name, synonyms=_COST_SYNONYMS[name]) for name in COST_FIELDS),
    model_field(FundingLine, "conditions", synonyms=("condition",)),
    model_field(FundingLine, "contract_status", synonyms=("contract status", "contracting status", "contract")),
    model_field(FundingLine, "contract_note", synonyms=("contract note", "contracting note")),
    model_field(FundingLine, "contract_holder", synonyms=("contract holder", "holds the contract")),
    ImportField(
        "shares", "Joint funders and their shares", False,
        f"Only for joint funding: each partner with its share in per cent, separated by semicolons, e.g. "
        f"'{EXAMPLE}'. The shares must add to 100.",
        ("partners", "joint funders", "joint funding", "shares", "partner shares"),
    ),
    model_field(FundingLine, "partner_agreement", synonyms=("partner agreement", "agreement if a partner stops")),
    ImportField(
        "evidence", "Evidence", False, "The title of one of the trust's documents (the funding letter or agreement).",
        ("evidence document", "document"),
    ),
    model_field(FundingLine, "notes", synonyms=("note",)),
]  # fmt: skip

CLEARABLE = ("end_date", "posts", "wte", "funder", "evidence")
TEXT_FIELDS = ("name", "conditions", "contract_note", "contract_holder", "partner_agreement", "notes")


def parse_pounds(field_name: str, value: str) -> Decimal | None:
    """ "45000", "45,000", "£45,000.50": pounds to the penny."""
    text = value.strip().removeprefix("£").replace(",", "").strip()
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise RowError(field_name, "is not an amount in pounds, e.g. 45000 or £45,000.50") from None
    if amount != amount.quantize(Decimal("0.01")):
        raise RowError(field_name, "has more than two decimal places: give pounds and pence")
    return amount


def parse_wte(field_name: str, value: str) -> Decimal | None:
    text = value.strip()
    if not text:
        return None
    try:
        return Decimal(text).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise RowError(field_name, "is not a number") from None


class FundingImport(ImportKind):
    key = "funding"
    title = "Funding lines"
    description = (
        "Add a trust's funding lines, or change them: a row with a line number from the trust's funding export "
        "changes that line, a row without one adds a line. The role is matched on the trust's own title for it. "
        "Give joint funders with their shares separated by semicolons, e.g. '" + EXAMPLE + "'."
    )
    trust_scoped = True
    fields = FIELDS

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return trust is not None and policy.can_change_in(user, trust.pk)

    def done_url(self, trust: Any = None) -> str:
        return reverse("funding:trust", args=[trust.ods_code])

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        collect = Collector()
        line = self._line(values.get("id", ""), ctx, collect)
        fields = self._fields(values, ctx, collect)
        shares = collect(self._shares, values) if "shares" in values else None
        collect.check()
        if line is None:
            deployment = fields.pop("deployment")
            services.create_line(
                actor=ctx.actor, trust=ctx.trust, deployment=deployment, shares=shares, message="import", **fields
            )
            return "created"
        services.update_line(actor=ctx.actor, line=line, shares=shares, message="import", **fields)
        return "updated"

    @staticmethod
    def _shares(values: dict[str, str]) -> list[Any]:
        try:
            return parse_shares(values["shares"])
        except ValidationError as exc:
            raise RowError("shares", " ".join(exc.messages)) from None

    def _line(self, value: str, ctx: ImportContext, collect: Collector) -> FundingLine | None:
        text = value.strip()
        if not text:
            return None
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            collect.add("id", "is not a line number: copy it from the trust's funding export, or leave it empty")
            return None
        line = FundingLine.objects.filter(trust=ctx.trust, pk=int(text)).first()
        if line is None:
            collect.add("id", f"is not the number of one of {ctx.trust.name}'s funding lines")
        return line

    def _fields(self, values: dict[str, str], ctx: ImportContext, collect: Collector) -> dict[str, Any]:
        fields: dict[str, Any] = {}
        if values.get("deployment"):
            fields["deployment"] = collect(self._deployment, values["deployment"], ctx)
        choices = {
            "funder_kind": FUNDER_KIND_CHOICES,
            "funding_type": FUNDING_TYPE_CHOICES,
            "contract_status": CONTRACT_STATUS_CHOICES,
        }
        for name, options in choices.items():
            if values.get(name):
                fields[name] = collect(parse_choice, name, values[name], options)
        if "funder_name" in values:
            fields["funder_name"] = values["funder_name"]
            fields["funder"] = self._organisation(values["funder_name"], ctx)
        if "amount_per_year" in values:
            fields["amount_per_year"] = collect(parse_pounds, "amount_per_year", values["amount_per_year"])
        for name in ("start_date", "end_date"):
            if name in values:
                fields[name] = collect(parse_date, name, values[name])
        if "posts" in values:
            fields["posts"] = collect(parse_int, "posts", values["posts"])
        if "wte" in values:
            fields["wte"] = collect(parse_wte, "wte", values["wte"])
        for name in COST_FIELDS:
            if name in values:
                fields[name] = collect(parse_bool, name, values[name])
        for name in TEXT_FIELDS:
            if name in values:
                fields[name] = values[name]
        if "evidence" in values:
            fields["evidence"] = collect(self._document, values["evidence"], ctx) if values["evidence"] else None
        # An empty cell clears what may be empty; any other None (an empty cell, or one that failed to parse and
        # is reported) leaves the field as it is.
        return {k: v for k, v in fields.items() if v is not None or k in CLEARABLE}

    @staticmethod
    def _deployment(value: str, ctx: ImportContext) -> Any:
        by_title = ctx.cache.setdefault(
            "deployments", {d.local_title.casefold(): d for d in ctx.trust.deployments.select_related("role")}
        )
        found = by_title.get(value.strip().casefold())
        if found is None:
            raise RowError("deployment", f"is not one of {ctx.trust.name}'s roles: give its title as on its roles list")
        return found

    @staticmethod
    def _organisation(value: str, ctx: ImportContext) -> Any:
        if "organisations" not in ctx.cache:
            from newroles.organisations.models import Organisation

            ctx.cache["organisations"] = {
                key: org for org in Organisation.objects.all() for key in (org.name.casefold(), org.ods_code.casefold())
                if key
            }  # fmt: skip
        return ctx.cache["organisations"].get(value.strip().casefold())

    @staticmethod
    def _document(value: str, ctx: ImportContext) -> Any:
        documents = ctx.cache.setdefault(
            "documents", {d.title.casefold(): d for d in SharedDocument.objects.filter(trust=ctx.trust)}
        )
        found = documents.get(value.strip().casefold())
        if found is None:
            raise RowError("evidence", f"is not the title of one of {ctx.trust.name}'s documents")
        return found


register(FundingImport())
