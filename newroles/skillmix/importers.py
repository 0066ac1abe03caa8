"""Import kinds of the skill-mix app: a trust's organisation units and the teams they are."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from newroles.accounts import policy
from newroles.imports.registry import ImportContext, ImportField, ImportKind, RowError, model_field, register
from newroles.organisations.models import Team
from newroles.skillmix import record
from newroles.skillmix.models import RecordUnit


class RecordUnitImport(ImportKind):
    key = "record_units"
    title = "Teams in the staff record"
    description = (
        "Say which team each organisation unit of the trust's staff record is, matched on the unit's name; "
        "a unit already mapped takes the team given. Leave the team empty to take a unit out of its team."
    )
    trust_scoped = True
    fields = [
        model_field(RecordUnit, "org_unit", required=True,
                    synonyms=("organisation", "org unit", "organisation unit", "unit", "cost centre")),
        ImportField(
            "team", "Team", required=False, help_text="The team's name as the trust's team list has it.",
            synonyms=("team name", "service", "service name"),
        ),
    ]  # fmt: skip

    def may_use(self, user: Any, trust: Any = None) -> bool:
        return trust is not None and policy.can_change_in(user, trust.pk)

    def done_url(self, trust: Any = None) -> str:
        return reverse("skillmix:record_units", args=[trust.ods_code])

    def import_row(self, values: dict[str, str], ctx: ImportContext) -> str:
        org_unit = " ".join(values["org_unit"].split())
        if not org_unit:
            raise RowError("org_unit", "is empty: give the organisation unit as the staff record names it")
        name = values.get("team", "").strip()
        team = None
        if name:
            teams = ctx.cache.setdefault("teams", {t.name.lower(): t for t in Team.objects.filter(trust=ctx.trust)})
            team = teams.get(name.lower())
            if team is None:
                raise RowError("team", f"'{name}' is not one of the trust's teams (add it to the team list first)")
        before = RecordUnit.objects.filter(trust=ctx.trust, org_unit=org_unit).values_list("team_id", flat=True).first()
        record.set_unit_team(actor=ctx.actor, trust=ctx.trust, org_unit=org_unit, team=team)
        return "created" if before is None else "updated"


register(RecordUnitImport())
