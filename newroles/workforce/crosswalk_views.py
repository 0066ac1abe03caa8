"""The coding proposal page and its download: for each new role without an occupation code of its own, the
national recommendation (`roles.crosswalk`) beside how trusts coded it in their staff records
(`workforce.crosswalk`).

Open to everyone signed in, as the national staff-record pages are: it is written for national leads and
researchers, to send to the people who keep the occupation code manual. Every staff count passes through
`accounts.disclosure`: counts below the threshold from trusts the reader does not belong to are shown as
"*", and so is any figure (a remainder, a share) that would let them be worked out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from newroles.accounts import disclosure
from newroles.lib.exports import download
from newroles.roles.crosswalk import crosswalk
from newroles.roles.models import OccupationCode
from newroles.workforce import quality
from newroles.workforce.crosswalk import ByTrust, RoleEvidence, Tally, evidence
from newroles.workforce.models import ExtractImport, month_label
from newroles.workforce.views import _month, _month_options

SUPPRESSED = disclosure.SUPPRESSED
NONE_RECORDED = "None recorded"
# Tallies listed per role on the page and in the download; the rest are summed as "other".
SHOWN_VALUES = 5
SHOWN_COMBINATIONS = 3


def _shares(user: Any, part: ByTrust, whole: ByTrust) -> tuple[Any, Any]:
    """A part of a total and the rest, each as the user may see it: the rest is a count too, so the pair
    is protected as a column whose total is shown."""
    rest = {t: whole.get(t, 0) - part.get(t, 0) for t in whole}
    hidden = disclosure.protect_column(user, [part, rest])
    return (SUPPRESSED if hidden[0] else sum(part.values())), (SUPPRESSED if hidden[1] else sum(rest.values()))


def _percent(part: Any, whole: Any) -> str:
    if SUPPRESSED in (part, whole) or not whole:
        return ""
    return f"{round(100 * part / whole)}%"


def _tallies_shown(user: Any, tallies: Sequence[Tally], total_known: bool, label: Any) -> list[dict[str, Any]]:
    hidden = disclosure.protect_column(user, [t.by_trust for t in tallies], total_known=total_known)
    return [
        {"value": t.value, "label": label(t.value), "count": SUPPRESSED if hide else t.total}
        for t, hide in zip(tallies, hidden, strict=True)
    ][:SHOWN_VALUES]


def present(user: Any, items: Sequence[RoleEvidence]) -> list[dict[str, Any]]:
    """Each role's recommendation and evidence as this user may see them."""
    names = dict(OccupationCode.objects.values_list("code", "name"))
    rows = []
    for item in items:
        rec = item.recommendation
        staff = disclosure.total_shown(user, item.staff)
        known = staff != SUPPRESSED
        recommended, other = _shares(user, item.as_recommended, item.staff)
        hidden = disclosure.protect_column(user, [c.role_by_trust for c in item.combinations], total_known=known)
        combinations = []
        for combo, hide in list(zip(item.combinations, hidden, strict=True))[:SHOWN_COMBINATIONS]:
            role_staff = SUPPRESSED if hide else combo.role_staff
            all_staff = disclosure.total_shown(user, combo.all_by_trust)
            combinations.append({
                "staff_group": combo.staff_group or NONE_RECORDED, "area_of_work": combo.area_of_work or NONE_RECORDED,
                "role_staff": role_staff, "all_staff": all_staff,
                "of_role": _percent(role_staff, staff), "of_combination": _percent(role_staff, all_staff),
            })  # fmt: skip
        rows.append({
            "role": item.role, "rec": rec, "staff": staff, "trusts": item.trusts,
            "codes_named": [(code, names.get(code, "")) for code in rec.occupation_codes],
            "trainee_codes_named": [(code, names.get(code, "")) for code in rec.trainee_occupation_codes],
            "recommended": recommended, "other": other, "recommended_share": _percent(recommended, staff),
            "occupation_codes": _tallies_shown(
                user, item.occupation_codes, known,
                lambda v: f"{v} {names[v]}" if v in names else (v or NONE_RECORDED),
            ),
            "job_roles": _tallies_shown(user, item.job_roles, known, lambda v: v or NONE_RECORDED),
            "combinations": combinations,
        })  # fmt: skip
    return rows


EXPORT_HEADERS = [
    "Role", "Recommended occupation codes", "Trainee occupation codes", "ESR job role", "ESR staff group",
    "Area of work", "Separated today by", "Reason", "Proposal for the occupation code manual", "Sources",
    "Month", "Staff in the role", "Trusts", "Staff with a recommended code", "Occupation codes used (staff)",
    "ESR job roles used (staff)", "Best separating staff group and area of work (role staff of all staff)",
]  # fmt: skip


def _joined(values: Sequence[dict[str, Any]]) -> str:
    return "; ".join(f"{v['label']} ({v['count']})" for v in values)


def _combination_text(best: dict[str, Any] | None) -> str:
    if best is None:
        return ""
    return f"{best['staff_group']} / {best['area_of_work']} ({best['role_staff']} of {best['all_staff']})"


def export_rows(rows: Sequence[dict[str, Any]], month_text: str) -> list[list[Any]]:
    out = []
    for r in rows:
        rec = r["rec"]
        best = r["combinations"][0] if r["combinations"] else None
        out.append([
            r["role"].name, ", ".join(rec.occupation_codes), ", ".join(rec.trainee_occupation_codes),
            rec.esr_job_role, rec.esr_staff_group, rec.area_of_work, rec.isolated_by, rec.reason, rec.proposal,
            "; ".join(rec.sources), month_text, r["staff"], r["trusts"], r["recommended"],
            _joined(r["occupation_codes"]), _joined(r["job_roles"]),
            _combination_text(best),
        ])  # fmt: skip
    return out


def coding_crosswalk(request: HttpRequest) -> HttpResponse:
    user = request.user
    months = quality.months_with_data()
    month = _month(request, months)
    trust_ids = list(ExtractImport.objects.filter(is_current=True, month=month).values_list("trust_id", flat=True))
    rows = present(user, evidence(trust_ids, month))
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        name = f"coding-proposal-{month:%Y-%m}" if month else "coding-proposal"
        return download(name, EXPORT_HEADERS, export_rows(rows, month_label(month) if month else ""), fmt)
    context = {
        "proposal": crosswalk(), "rows": rows, "month": month, "month_options": _month_options(months),
        "trusts": len(set(trust_ids)), "threshold": settings.SMALL_COUNT_THRESHOLD,
        "outside": any(disclosure.is_outsider(user, t) for t in trust_ids),
    }  # fmt: skip
    return render(request, "workforce/crosswalk.html", context)
