"""The findings briefing's figures, read from the live data through each app's own functions.

`briefing_data()` returns plain values only (numbers, text, lists, dicts): the JSON a reader downloads, what
a snapshot freezes, and what the page and the PDF are drawn from. Every figure is worked out by the app that
owns it (coverage exactly as the national map computes it, `mapping.services.coverage`; the data-quality
report of `workforce.quality`; readiness's and funding's national views) and read as the public reader
(`readers.PUBLIC_READER`), so every staff count of 1 to 4, and every total that would give one away, is
already "*". Counts of trusts (coverage such as 1 of 4, trusts deploying a role) are not staff counts and are
shown as they are, as the published briefing shows them.

A section with no data yet has an `empty` sentence, and the page says it in one line instead of leaving the
section out.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from django.apps import apps
from django.utils import timezone

from newroles.accounts import disclosure
from newroles.audit.cache import data_version
from newroles.forewarning import services as forewarning
from newroles.funding.national import national_funding
from newroles.mapping import services as mapping
from newroles.mapping.models import DEPLOYED_STATUSES, REASON_SHORT, STANCE_CHOICES, Deployment
from newroles.readiness.national import national_view
from newroles.reports import sources
from newroles.reports.readers import PUBLIC_READER, Reader
from newroles.roles.models import Role, RolePack, SharedDocument
from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS, KINDS
from newroles.workforce import counts as staff_counts
from newroles.workforce import quality

TITLE = "New roles in mental health: early findings briefing"
SUPPRESSION_RULE = (
    "Counts of staff (headcount, WTE and figures derived from them) from 1 to {n} are shown as * outside the "
    "trust they describe, and so is any total from which such a count could be worked out. Counts of trusts "
    "and of deployments are not counts of staff and are shown as they are."
)
# The briefing's own references, then the reference data the figures rest on.
REFERENCES = [
    "Nancarrow SA and Borthwick AM. (2005) Dynamic professional boundaries in the healthcare workforce. "
    "Sociology of Health and Illness, 27(7): 897-919. DOI: 10.1111/j.1467-9566.2005.00463.x",
    "Nelson P, Martindale AM, McBride A, Checkland K, Hodgson D. (2018) Skill-mix change and the general "
    "practice workforce challenge. British Journal of General Practice, 68 (667): 66-67. "
    "DOI: 10.3399/bjgp18X694469",
    "Sibbald B, Shen J, and McBride A. (2004) Changing the skill-mix of the healthcare workforce. Journal of "
    "Health Services Research and Policy, 9(Suppl 1): 28-38. DOI: 10.1258/135581904322724112",
]
DATA_SOURCES = [
    "NHS England regions and mental health trusts: NHS ODS extracts and NHS Staff Survey organisation lists, "
    "Open Government Licence v3.0.",
    "NHS occupation codes: NHS Occupation Code Manual v22.1 (NHS England), Open Government Licence v3.0.",
    "Role catalogue and role packs: the register's curated catalogue, with the sources named on each role.",
    "Deployments, reasons and kinds of change: the mapping exercise (phase 1 interviews) and trusts' own entries.",
    "Staff in post: trusts' Electronic Staff Record extracts, kept as aggregate counts only.",
]
EVENTS_AHEAD = 10
TOP_ROLES = 10


def as_count(value: Any) -> Any:
    """A count as JSON: an int, or "*" when suppressed."""
    return value if isinstance(value, str) else int(value)


def as_number(value: Any) -> Any:
    """A WTE or other decimal as JSON: a float (2 places), or "*"."""
    if value is None or isinstance(value, str):
        return value
    return round(float(value), 2)


def meta(today: dt.date) -> dict[str, Any]:
    """Date, as-of, the demo notice and the suppression rule: the same on every report."""
    _, newest = data_version()
    demo = apps.is_installed("newroles.demo") and apps.get_model("demo", "DemoLoad").objects.exists()
    return {
        "generated": today.isoformat(),
        "as_of": timezone.localtime(newest).date().isoformat() if newest else None,
        "demo": bool(demo),
        "demo_notice": "The data are illustrative demo data, not the study's findings." if demo else "",
        "suppression": SUPPRESSION_RULE.format(n=disclosure.threshold() - 1),
        "threshold": disclosure.threshold(),
    }


def deployments() -> list[Deployment]:
    """Every deployment, read once (everyone signed in reads deployments; figures are not used from them)."""
    return list(Deployment.objects.select_related("trust__region", "role").order_by("pk"))


# Sections -------------------------------------------------------------------------------------------


def coverage_section() -> dict[str, Any]:
    cov = mapping.coverage()
    rows = [{"region": r.region.name, "code": r.region.code, "engaged": r.engaged, "total": r.total} for r in cov.rows]
    return {
        "engaged": cov.engaged,
        "total": cov.total,
        "regions": rows,
        "empty": "" if cov.engaged else "No trust has completed a phase 1 engagement yet.",
    }


def roles_section(picture: mapping.Picture) -> dict[str, Any]:
    return {
        "deployments": picture.deployments,
        "trusts": picture.trusts,
        "distinct_titles": picture.titles,
        "canonical_roles": picture.roles,
        "unmapped": picture.unmapped,
        "most_deployed": [
            {"role": r.role.name, "slug": r.role.slug, "trusts": r.trusts, "deployments": r.deployments}
            for r in picture.roles_ranked[:TOP_ROLES]
        ],
        "empty": "" if picture.deployments else "No deployments of new roles are recorded yet.",
    }


def newness_section(picture: mapping.Picture) -> dict[str, Any]:
    rows = [
        {
            "role": n.role.name,
            "slug": n.role.slug,
            "new_role": n.new_role,
            "new_title": n.new_title,
            "not_new": n.not_new,
            "disagree": n.disagree,
        }
        for n in picture.newness
    ]
    return {
        "roles": rows,
        "disagreed": sum(1 for r in rows if r["disagree"]),
        "empty": "" if rows else "No trust has said yet how new it considers its roles.",
    }


def data_quality_section(reader: Reader) -> dict[str, Any]:
    """The national data-quality summary for the month most trusts sent (as the national page shows it)."""
    coverage = staff_counts.month_coverage()
    month = staff_counts.widest_month(coverage)
    if month is None:
        return {"month": None, "trusts": 0, "findings": [], "empty": "No staff-record extract has been imported yet."}
    trust_ids = sorted(coverage[month])
    report = quality.report(trust_ids, month, outside=True)
    findings = [
        {
            "key": f.key,
            "label": f.label,
            "checked": f.checked,
            "staff": as_count(disclosure.total_shown(reader, f.by_trust)) if f.checked else None,
            "trusts": sum(1 for n in f.by_trust.values() if n),
        }
        for f in report.findings
    ]
    return {"month": month.isoformat(), "trusts": len(trust_ids), "findings": findings, "empty": ""}


def reasons_section(rows: list[Deployment]) -> dict[str, Any]:
    ranked = mapping.reasons_ranked(rows)
    stances: dict[str, Counter[str]] = {r.key: Counter() for r in ranked}
    for d in rows:
        for key in d.reasons:
            stances[key][d.stance or "unstated"] += 1
    out = [
        {
            "key": r.key,
            "label": r.label,
            "short": REASON_SHORT[r.key],
            "deployments": r.count,
            **{stance: stances[r.key][stance] for stance, _ in STANCE_CHOICES},
            "unstated": stances[r.key]["unstated"],
        }
        for r in ranked
    ]
    given = any(r["deployments"] for r in out)
    return {
        "reasons": out,
        "top": out[0]["label"] if given else None,
        "stances": [{"key": k, "label": label} for k, label in STANCE_CHOICES],
        "empty": "" if given else "No deployment records a reason yet.",
    }


def kinds_section(picture: mapping.Picture) -> dict[str, Any]:
    kinds = [{"key": k.key, "label": k.label, "intended": k.intended, "actual": k.actual} for k in picture.kinds]
    recorded = any(k["intended"] or k["actual"] for k in kinds)
    top = max(kinds, key=lambda k: (k["intended"] + k["actual"], -KINDS.index(k["key"]))) if recorded else None
    return {
        "kinds": kinds,
        "definitions": [{"key": k, "label": KIND_LABELS[k], "definition": KIND_DEFINITIONS[k]} for k in KINDS],
        "top": top["label"] if top else None,
        "none_reported": [k["label"] for k in kinds if recorded and not k["intended"] and not k["actual"]],
        "drift": len(picture.drift),
        "drift_examples": [
            {
                "trust": d.trust.name,
                "title": d.local_title,
                "intended": [KIND_LABELS[k] for k in d.intended_kinds],
                "actual": [KIND_LABELS[k] for k in d.actual_kinds],
            }
            for d in sorted(picture.drift, key=lambda d: (d.trust.name, d.local_title))[:8]
        ],
        "empty": "" if recorded else "No deployment records an intended or actual kind of change yet.",
    }


def readiness_section(reader: Reader, today: dt.date) -> dict[str, Any]:
    view = national_view(reader, today=today)
    rows = [
        {"key": r.key, "title": r.title, "unmet": as_count(r.unmet), "checked": as_count(r.checked), "share": r.share}
        for r in view.rows
    ]
    rows.sort(key=lambda r: (-(r["share"] if r["share"] is not None else -1), r["title"]))
    return {
        "deployments": as_count(view.deployments),
        "trusts": view.trusts,
        "factors": rows,
        "empty": "" if view.trusts else "No deployment has had a readiness check yet.",
    }


def national_asks_section(rows: list[Deployment], today: dt.date) -> dict[str, Any]:
    """Packs (coverage: deployed roles with a published national pack; adoption: trusts' copies), shared
    documents, and forewarning events ahead."""
    deployed = {d.role_id for d in rows if d.role_id and d.status in DEPLOYED_STATUSES}
    national = RolePack.objects.filter(trust__isnull=True, is_current=True, status=RolePack.PUBLISHED)
    packed = set(national.values_list("role_id", flat=True))
    copies = set(
        RolePack.objects.filter(trust__isnull=False, adopted_from__isnull=False).values_list("role_id", "trust_id")
    )
    adoptions = Counter(role_id for role_id, _ in copies)  # trusts adopting each role's pack
    roles = Role.objects.in_bulk(packed | deployed)
    packs = sorted(
        (
            {
                "role": roles[pk].name,
                "slug": roles[pk].slug,
                "adopted_by": adoptions.get(pk, 0),
                "deployed": pk in deployed,
            }
            for pk in packed
        ),
        key=lambda p: (-p["adopted_by"], p["role"]),
    )
    shared = SharedDocument.objects.exclude(sharing=SharedDocument.PRIVATE)
    by_type = Counter(shared.values_list("doc_type", flat=True))
    type_labels = dict(SharedDocument._meta.get_field("doc_type").choices)
    ahead = forewarning.dated(
        forewarning.events().filter(date__gte=today).order_by("date", "title")[:EVENTS_AHEAD], today=today
    )
    return {
        "deployed_roles": len(deployed),
        "deployed_roles_with_pack": len(deployed & packed),
        "national_packs": len(packed),
        "packs": packs,
        "adopting_trusts": len({trust_id for _, trust_id in copies}),
        "documents_shared": shared.count(),
        "documents_by_type": [{"type": type_labels.get(k, k), "documents": n} for k, n in by_type.most_common()],
        "events": [
            {
                "date": e.event.date.isoformat(),
                "title": e.event.title,
                "when": e.when,
                "region": e.event.region.name if e.event.region else "England",
                "roles": [r.name for r in e.event.roles.all()],
            }
            for e in ahead
        ],
        "empty": "" if packed or shared.exists() or ahead else "No national packs, shared documents or events yet.",
    }


def funding_section(reader: Reader, today: dt.date) -> dict[str, Any]:
    picture = national_funding(reader, today=today)

    def cliff(row: Any) -> dict[str, Any]:
        return {
            "name": row.name,
            "deployments_6": as_count(row.deployments_6),
            "wte_6": as_number(row.wte_6),
            "deployments_12": as_count(row.deployments_12),
            "wte_12": as_number(row.wte_12),
        }

    return {
        "trusts": picture.trusts,
        "funded": as_count(picture.funded),
        "total": cliff(picture.total),
        "by_region": [cliff(r) for r in picture.by_region],
        "costs": [
            {
                "label": c.label,
                "covered": as_count(c.covered),
                "not_covered": as_count(c.not_covered),
                "percent": as_count(c.percent),
            }
            for c in picture.costs
        ],
        "empty": "" if picture.trusts else "No funding lines are recorded yet.",
    }


def quotes_section() -> dict[str, Any]:
    quotes = sources.quotes()
    themes: dict[str, list[dict[str, Any]]] = {}
    for q in quotes:
        themes.setdefault(q["theme"] or "Other", []).append(q)
    return {
        "themes": [{"theme": t, "quotes": qs} for t, qs in themes.items()],
        "count": len(quotes),
        "empty": "" if quotes else "No quotes have been approved for publication yet.",
    }


def case_studies_section() -> dict[str, Any]:
    studies = sources.case_studies()
    return {"studies": studies, "empty": "" if studies else "No phase 3 case studies are recorded yet."}


def references_section() -> dict[str, Any]:
    return {"references": REFERENCES, "data_sources": DATA_SOURCES, "empty": ""}


# The whole briefing ---------------------------------------------------------------------------------

SECTIONS = [
    ("coverage", "Who took part"),
    ("roles", "Roles reported"),
    ("newness", "What counts as new"),
    ("data_quality", "Staff-record data quality"),
    ("reasons", "Why trusts bring in new roles"),
    ("kinds", "Kinds of skill-mix change"),
    ("readiness", "Implementation factors"),
    ("national_asks", "National asks: packs, shared learning and forewarning"),
    ("funding", "Funding"),
    ("quotes", "What participants said"),
    ("case_studies", "Phase 3 case studies"),
    ("references", "References and sources"),
]


def briefing_data(*, today: dt.date | None = None, reader: Reader = PUBLIC_READER) -> dict[str, Any]:
    """Every figure of the briefing as plain values, for the public reader."""
    today = today or timezone.localdate()
    rows = deployments()
    picture = mapping.national_picture(rows)
    data = {
        "kind": "briefing",
        "title": TITLE,
        "meta": meta(today),
        "sections": [{"id": key, "title": title} for key, title in SECTIONS],
        "coverage": coverage_section(),
        "roles": roles_section(picture),
        "newness": newness_section(picture),
        "data_quality": data_quality_section(reader),
        "reasons": reasons_section(rows),
        "kinds": kinds_section(picture),
        "readiness": readiness_section(reader, today),
        "national_asks": national_asks_section(rows, today),
        "funding": funding_section(reader, today),
        "quotes": quotes_section(),
        "case_studies": case_studies_section(),
        "references": references_section(),
    }
    return data
