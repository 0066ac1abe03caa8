"""The staff record beside the map: each month's staff-record figures keep the trust's deployments
current, new roles found in the staff record but not on the map are suggested, and the trust's page
compares the two role by role.

The staff record (workforce) sits below the map and does not import it. After writing a month's
figures it sends `workforce.signals.month_counted`; `on_month_counted` below answers it (connected in
MappingConfig.ready), inside the import's transaction, so the map changes with the month or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from newroles.accounts.policy import require_editor
from newroles.audit.writes import create_row, update_row
from newroles.mapping.models import Deployment
from newroles.mapping.services import create_deployment, resolve_title, unmapped, update_deployment
from newroles.organisations.models import Trust
from newroles.roles.models import Role
from newroles.workforce.counts import latest_month, month_end
from newroles.workforce.models import (
    ExtractImport,
    ExtractTitle,
    StaffRecordFigure,
    StaffRecordSuggestion,
)
from newroles.workforce.normalisers import normalisers


def on_month_counted(
    sender: Any, *, extract_import: ExtractImport, figures: dict[int, dict[str, Any]], actor: Any, **kwargs: Any
) -> None:
    """The staff record wrote a month's figures: bring the map up to date with them."""
    update_map(extract_import, figures, actor)


def on_titles_decided(sender: Any, *, trust: Trust, actor: Any, **kwargs: Any) -> None:
    """The trust decided titles (on the staff record's page or the map's): match its unmatched titles again."""
    rematch_titles(trust, actor)


def rematch_titles(trust: Trust, actor: Any) -> int:
    """Match each of the trust's deployments still without a role again, with the trust's decisions as
    they now stand; returns how many found a role."""
    by_trust = normalisers()
    matched = 0
    for deployment in unmapped(trust):
        role = resolve_title(trust, deployment.local_title, normalisers=by_trust)
        if role is not None:
            update_row(actor, deployment, {"role": role}, message="title matched by the trust's decision")
            matched += 1
    return matched


def update_map(obj: ExtractImport, figures: dict[int, dict[str, Any]], actor: Any) -> dict[str, int]:
    """Update the deployments whose figures come from the staff record, and suggest new roles found in
    the staff record but not on the map. `figures` is the month's role -> headcount, WTE and training.

    A figure a person entered (source other than the staff record) is never overwritten: the figure is
    kept beside it, and the pages flag the difference.
    """
    trust, month = obj.trust, obj.month
    outcome = {"figures": len(figures), "deployments_updated": 0, "suggestions": 0}
    latest = (
        ExtractImport.objects.filter(trust=trust, is_current=True).order_by("-month").values_list("month", flat=True)
    )
    if latest.first() != month:
        return outcome  # an older month re-imported: the map shows the latest month's figures
    as_of = month_end(month)
    deployments = defaultdict(list)
    # The trust and role come with each row: the audit names every row it records (its __str__).
    for d in Deployment.objects.filter(trust=trust, role__isnull=False).select_related("trust", "role"):
        deployments[d.role_id].append(d)
    for role_id, r in figures.items():
        own = deployments.get(role_id, [])
        if len(own) == 1 and _staff_record_may_write(own[0]):
            deployment = own[0]
            changes = {"headcount": r["headcount"], "wte": Decimal(r["wte"] or 0).quantize(Decimal("0.01")),
                       "figures_as_of": as_of, "figures_source": "staff_record"}  # fmt: skip
            try:
                update_deployment(actor=actor, deployment=deployment, message="staff record", **changes)
                outcome["deployments_updated"] += 1
            except (ValidationError, PermissionDenied):
                pass  # the page still shows the staff-record figure beside the deployment
    new_roles = {r.pk: r for r in Role.objects.filter(pk__in=figures).exclude(newness="established")}
    examples: dict[int, tuple[int, str]] = {}
    for role_id, title, headcount in ExtractTitle.objects.filter(
        trust=trust, month=month, role_id__in=list(new_roles)
    ).values_list("role_id", "title", "headcount"):
        if headcount > examples.get(role_id, (-1, ""))[0]:
            examples[role_id] = (headcount, title)
    suggestions = {s.role_id: s for s in StaffRecordSuggestion.objects.filter(trust=trust).select_related("role")}
    for role_id, role in new_roles.items():
        if deployments.get(role_id):
            continue
        r = figures[role_id]
        values = {"month": month, "headcount": r["headcount"], "wte": Decimal(r["wte"] or 0).quantize(Decimal("0.01")),
                  "example_title": examples.get(role_id, (0, ""))[1][:300]}  # fmt: skip
        suggestion = suggestions.get(role_id)
        if suggestion is None:
            create_row(actor, StaffRecordSuggestion(trust=trust, role=role, **values),
                       message="found in staff record")  # fmt: skip
        elif suggestion.status == StaffRecordSuggestion.OPEN:
            update_row(actor, suggestion, values, message="found in staff record")
        outcome["suggestions"] += 1
    return outcome


def _staff_record_may_write(deployment: Any) -> bool:
    """A deployment's figures may come from the staff record unless a person entered them, or it is planned."""
    entered_by_a_person = deployment.figures_source not in ("", "staff_record") and (
        deployment.headcount is not None or deployment.wte is not None
    )
    return not entered_by_a_person and deployment.status != "planned"


@dataclass
class MapRow:
    """One role at a trust: the staff record's figure beside the map's deployments of it."""

    role: Role
    figure: StaffRecordFigure | None
    deployments: list[Any]

    @property
    def discrepancies(self) -> list[Any]:
        """Deployments whose person-entered headcount differs from the staff record's."""
        if self.figure is None:
            return []
        return [
            d
            for d in self.deployments
            if d.figures_source not in ("", "staff_record") and d.headcount is not None
            and d.headcount != self.figure.headcount
        ]  # fmt: skip

    @property
    def shared(self) -> bool:
        """Several deployments share the role: the staff record cannot tell them apart."""
        return len(self.deployments) > 1


def map_rows(trust: Trust) -> tuple[dt.date | None, list[MapRow]]:
    """The latest month's staff-record figures beside the trust's deployments, role by role."""
    month = latest_month(trust)
    figures = {}
    if month is not None:
        figures = {
            f.role_id: f for f in StaffRecordFigure.objects.filter(trust=trust, month=month).select_related("role")
        }
    deployments = defaultdict(list)
    roles: dict[int, Role] = {f.role_id: f.role for f in figures.values()}
    for d in Deployment.objects.filter(trust=trust, role__isnull=False).select_related("role"):
        deployments[d.role_id].append(d)
        roles.setdefault(d.role_id, d.role)
    # The map is of new roles: an established role appears only when the trust recorded it there.
    rows = [
        MapRow(role, figures.get(pk), deployments.get(pk, []))
        for pk, role in roles.items()
        if role.is_new or deployments.get(pk)
    ]
    rows.sort(key=lambda r: (-(r.figure.headcount if r.figure else 0), r.role.name))
    return month, rows


@transaction.atomic
def accept_suggestion(*, actor: Any, suggestion: StaffRecordSuggestion) -> Any:
    """Put a role found in the staff record on the map, with the staff record's figures."""
    require_editor(actor, suggestion.trust)
    if suggestion.status != StaffRecordSuggestion.OPEN:
        raise ValidationError("This suggestion has already been decided.")
    title = suggestion.role.name
    if Deployment.objects.filter(trust=suggestion.trust, local_title__iexact=title).exists():
        title = f"{title} (staff record)"
    deployment = create_deployment(
        actor=actor, trust=suggestion.trust, local_title=title, role=suggestion.role, status="active",
        headcount=suggestion.headcount, wte=suggestion.wte, figures_as_of=month_end(suggestion.month),
        figures_source="staff_record", message="found in staff record",
    )  # fmt: skip
    update_row(
        actor, suggestion, {"status": StaffRecordSuggestion.ACCEPTED, "deployment": deployment,
                            "decided_by": actor if getattr(actor, "pk", None) else None},
        message="added to the map",
    )  # fmt: skip
    return deployment


def dismiss_suggestion(*, actor: Any, suggestion: StaffRecordSuggestion) -> StaffRecordSuggestion:
    require_editor(actor, suggestion.trust)
    return update_row(
        actor, suggestion, {"status": StaffRecordSuggestion.DISMISSED,
                            "decided_by": actor if getattr(actor, "pk", None) else None},
        message="dismissed",
    )  # fmt: skip
