"""Import kinds for the trust register (administrators), a trust's teams (its editors) and the organisations
outside the register (curators)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.urls import reverse

from newroles.accounts import policy
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
from newroles.organisations import services
from newroles.organisations.models import SERVICE_TYPES, Organisation, Region, Team, Trust


class TrustImport(ImportKind):
    key = "trusts"
    title = "Trusts"
    description = "Add trusts to the register or update them, matched on ODS code. Administrators only."
    fields = [
        model_field(Trust, "ods_code", synonyms=("ods", "code", "org code", "organisation code")),
        model_field(Trust, "name", synonyms=("trust", "trust name", "organisation name")),
        model_field(Trust, "region", synonyms=("nhs england region", "region code")),
        model_field(Trust, "status", required=False),
        model_field(Trust, "in_study_set", synonyms=("in 2023 study set", "in_2023_study_set", "study set")),
        model_field(Trust, "website"),
        model_field(Trust, "new_roles_lead_name", synonyms=("new roles lead name",)),
        model_field(Trust, "new_roles_lead_email", synonyms=("lead email",)),
        ImportField(
            "icb",
            "ICB",
            help_text="ODS code of the integrated care board the trust's headquarters sit in, e.g. QF7; "
            "leave the column out to keep each trust's ICB.",
            synonyms=("icb code", "integrated care board", "icb ods code"),
        ),
    ]

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return policy.is_admin(user)

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        collect = Collector()
        region = collect(_region, values["region"], ctx, required=True)
        fields: dict[str, Any] = {"name": values["name"], "region": region}
        if "icb" in values:
            fields["icb"] = collect(_icb, values["icb"])
        if values.get("status"):
            fields["status"] = collect(parse_choice, "status", values["status"], Trust.STATUS_CHOICES)
        if "in_study_set" in values:
            fields["in_study_set"] = collect(parse_bool, "in_study_set", values["in_study_set"])
        collect.check()
        for name in ("website", "new_roles_lead_name", "new_roles_lead_email"):
            if name in values:
                fields[name] = values[name]
        _, created = services.save_trust(actor=ctx.actor, ods_code=values["ods_code"].strip().upper(), **fields)
        return "created" if created else "updated"


class TeamImport(ImportKind):
    key = "teams"
    title = "Teams"
    description = "Add a trust's teams or update them, matched on team name within the trust."
    trust_scoped = True
    fields = [
        model_field(Team, "name", synonyms=("team", "team name", "service name")),
        model_field(Team, "service_type", synonyms=("service", "type", "service type")),
        model_field(Team, "description"),
        model_field(Team, "is_shared", synonyms=("shared",)),
    ]

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return trust is not None and policy.can_change_in(user, trust.pk)

    def done_url(self, trust: Any = None) -> str:
        return reverse("organisations:teams", args=[trust.ods_code])

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        collect = Collector()
        fields: dict[str, Any] = {
            "service_type": collect(parse_choice, "service_type", values["service_type"], SERVICE_TYPES)
        }
        if "description" in values:
            fields["description"] = values["description"]
        if "is_shared" in values:
            fields["is_shared"] = collect(parse_bool, "is_shared", values["is_shared"])
        collect.check()
        name = values["name"].strip()
        existing = Team.objects.filter(Q(trust=ctx.trust) & Q(name__iexact=name)).first()
        if existing:
            services.update_team(actor=ctx.actor, team=existing, **fields)
            return "updated"
        services.create_team(actor=ctx.actor, trust=ctx.trust, name=name, **fields)
        return "created"


def _region(text: str, ctx: ImportContext, *, required: bool = False) -> Region | None:
    wanted = text.strip().lower()
    if not wanted and not required:
        return None
    regions = ctx.cache.setdefault("regions", list(Region.objects.all()))
    region = next((r for r in regions if wanted in (r.name.lower(), r.code.lower())), None)
    if region is None:
        raise RowError("region", "is not an NHS England region name or code (e.g. 'London' or 'Y56')")
    return region


def _icb(text: str) -> Organisation | None:
    code = text.strip().upper()
    if not code:
        return None
    icb = Organisation.objects.filter(kind=Organisation.ICB, ods_code=code).first()
    if icb is None:
        raise RowError("icb", f"{code} is not the ODS code of an integrated care board on the organisations list")
    return icb


class OrganisationImport(ImportKind):
    key = "organisations"
    title = "Organisations"
    description = (
        "Add organisations outside the trust register (ICBs, local authorities, charities, education "
        "providers...) or update them: matched on ODS code, or on kind and name when a row has no code. "
        "Researchers and administrators."
    )
    fields = [
        model_field(Organisation, "kind", synonyms=("type", "organisation type", "kind of organisation")),
        model_field(Organisation, "name", synonyms=("organisation", "organisation name")),
        model_field(Organisation, "ods_code", synonyms=("ods", "code", "org code", "organisation code")),
        model_field(Organisation, "region", synonyms=("nhs england region", "region code")),
        model_field(Organisation, "website", synonyms=("web site", "url")),
        model_field(Organisation, "source", synonyms=("where seen",)),
    ]

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return policy.is_curator(user)

    def done_url(self, trust: Any = None) -> str:
        return reverse("organisations:organisations")

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        collect = Collector()
        kind = collect(parse_choice, "kind", values["kind"], Organisation.KIND_CHOICES)
        fields: dict[str, Any] = {}
        if "region" in values:
            fields["region"] = collect(_region, values["region"], ctx)
        collect.check()
        for name in ("website", "source"):
            if name in values:
                fields[name] = values[name].strip()
        _, created = services.save_organisation(
            actor=ctx.actor, kind=kind, name=values["name"], ods_code=values.get("ods_code", ""), **fields
        )
        return "created" if created else "updated"


register(TrustImport())
register(TeamImport())
register(OrganisationImport())
