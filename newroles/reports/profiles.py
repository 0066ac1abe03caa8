"""A trust's profile and a role's profile, as plain values, read through the owning apps' functions.

A trust profile is written for a reader (`readers`): the trust's members see its own counts; a national
reader from outside sees every staff count of 1 to 4 as "*", and nothing the trust keeps private (its
readiness checks, its funding lines, its private packs and documents). Comparisons with the region and
England are ranks and ratios, never another trust's count; a ratio is left out whenever the total behind it,
less the trust's own count, could give away a small count (`accounts.disclosure.total_hidden`).

A role profile is written for the public reader: it is the same for everyone signed in.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Q, Sum
from django.utils import timezone

from newroles.accounts import disclosure, policy
from newroles.forewarning import services as forewarning
from newroles.funding import warnings as funding_warnings
from newroles.funding.national import national_funding
from newroles.mapping import services as mapping
from newroles.mapping.models import DEPLOYED_STATUSES, Deployment
from newroles.organisations.models import Region, Trust
from newroles.readiness.national import national_view
from newroles.readiness.summary import summaries
from newroles.reports import sources
from newroles.reports.briefing import as_count, as_number, meta
from newroles.reports.readers import PUBLIC_READER, Reader
from newroles.roles.models import ESTABLISHED, PACK_COMPONENTS, Role, RolePack, SharedDocument
from newroles.skillmix.models import DeploymentShift
from newroles.skillmix.typology import KIND_LABELS, KINDS
from newroles.workforce import counts as staff_counts
from newroles.workforce import quality
from newroles.workforce.models import StaffCount

PRIVATE = "Private to the trust: shown to its members only."
MIN_OTHERS = 2  # other trusts with staff behind a benchmark's ratio


# Trust profile --------------------------------------------------------------------------------------


def _staff_by_trust(month: dt.date, trust_ids: list[int]) -> dict[int, tuple[int, Decimal]]:
    rows = (
        StaffCount.objects.filter(month=month, trust_id__in=trust_ids, extract__is_current=True, role__isnull=False)
        .exclude(role__newness=ESTABLISHED)
        .values("trust")
        .annotate(n=Sum("headcount"), w=Sum("wte"))
        .order_by()
    )
    return {r["trust"]: (r["n"] or 0, r["w"] or Decimal(0)) for r in rows}


def _rank(own: int, others: list[int]) -> int:
    """1 for the most staff; ties share the better rank."""
    return 1 + sum(1 for n in others if n > own)


def _benchmark(reader: Reader, trust: Trust, staff: dict[int, tuple[int, Decimal]], ids: list[int], name: str) -> dict:
    own = staff.get(trust.pk, (0, Decimal(0)))[0]
    by_trust = {t: staff.get(t, (0, Decimal(0)))[0] for t in ids}
    own_shown = disclosure.count_for(reader, trust.pk, own)
    # A ratio to the mean gives the total back from the trust's own count, and so the other trusts' sum:
    # shown only when that total may be shown, and when the others are more than one trust (their sum is
    # then no one trust's count).
    others = sum(1 for t, n in by_trust.items() if n and t != trust.pk)
    hidden = own_shown == disclosure.SUPPRESSED or others < MIN_OTHERS or disclosure.total_hidden(reader, by_trust)
    mean = sum(by_trust.values()) / len(ids) if ids else 0
    return {
        "area": name,
        "trusts": len(ids),
        "rank": _rank(own, [n for t, n in by_trust.items() if t != trust.pk]),
        "ratio_to_mean": disclosure.SUPPRESSED if hidden else (round(own / mean, 2) if mean else None),
    }


def _staff_record(reader: Reader, trust: Trust) -> dict[str, Any]:
    month = staff_counts.latest_month(trust)
    if month is None:
        return {"month": None, "roles": [], "empty": "The trust has not imported a staff-record extract yet."}
    # New roles only: the established professions (nurses, psychologists...) are in the extract as well.
    counts = [c for c in staff_counts.counts_by_role([trust.pk], month) if c.role is not None and c.role.is_new]
    rows = [
        {
            "role": c.role.name,
            "slug": c.role.slug,
            "headcount": as_count(disclosure.count_for(reader, trust.pk, c.headcount)),
            "wte": as_number(disclosure.wte_for(reader, trust.pk, c.wte, c.headcount)),
        }
        for c in counts
    ]
    coverage = staff_counts.month_coverage().get(month, set())
    region_ids = sorted(set(Trust.objects.filter(region=trust.region_id, pk__in=coverage).values_list("pk", flat=True)))
    england_ids = sorted(coverage)
    staff = _staff_by_trust(month, england_ids)
    own = staff.get(trust.pk, (0, Decimal(0)))
    return {
        "month": month.isoformat(),
        "roles": rows,
        "headcount": as_count(disclosure.count_for(reader, trust.pk, own[0])),
        "wte": as_number(disclosure.wte_for(reader, trust.pk, own[1], own[0])),
        "benchmarks": [
            _benchmark(reader, trust, staff, region_ids, trust.region.name),
            _benchmark(reader, trust, staff, england_ids, "England"),
        ],
        "empty": "",
    }


def _quality(reader: Reader, trust: Trust) -> dict[str, Any]:
    months = quality.months_with_data([trust.pk])
    if not months:
        return {"month": None, "findings": [], "empty": "No staff-record extract to check yet."}
    outside = disclosure.is_outsider(reader, trust.pk)
    report = quality.report([trust.pk], months[0], outside=outside)
    findings = [
        {"label": f.label, "staff": as_count(disclosure.count_for(reader, trust.pk, f.count)) if f.checked else None}
        for f in report.findings
    ]
    return {"month": months[0].isoformat(), "findings": findings, "empty": ""}


def _readiness(reader: Reader, deployments: list[Deployment], today: dt.date) -> dict[str, Any]:
    found = summaries(deployments, today=today)
    rows = [
        {
            "title": s.deployment.local_title,
            "checked": s.assessment is not None,
            "red_flags": len(s.flags),
            "flags": [i.item.title for i in s.flags],
        }
        for s in found.values()
    ]
    rows.sort(key=lambda r: (-r["red_flags"], r["title"]))
    return {"deployments": rows, "empty": "" if rows else "No deployment to check."}


def _funding(deployments: list[Deployment], today: dt.date) -> dict[str, Any]:
    titles = {d.pk: d.local_title for d in deployments}
    found = funding_warnings.for_deployments(deployments, today=today)
    rows = [
        {"title": titles[pk], "kind": w.kind, "label": w.label, "message": w.message}
        for pk, ws in sorted(found.items(), key=lambda kv: titles.get(kv[0], ""))
        for w in ws
    ]
    return {"warnings": rows, "empty": "" if rows else "No funding warnings."}


def trust_data(trust: Trust, reader: Reader, *, today: dt.date | None = None) -> dict[str, Any]:
    """The trust's profile as `reader` may see it."""
    today = today or timezone.localdate()
    member = not disclosure.is_outsider(reader, trust.pk)
    deployments = list(
        policy.visible(reader, trust.deployments.select_related("role", "trust__region")).order_by("local_title")
    )
    for d in deployments:
        # Stricter than the map, which shows figures a trust reported itself as given: a profile is handed on
        # (to a board, in a PDF), so outside the trust every small headcount is starred, whatever its source.
        d.shown_headcount = disclosure.count_for(reader, trust.pk, d.headcount)
        d.shown_wte = disclosure.wte_for(reader, trust.pk, d.wte, d.headcount)
    upcoming, _ = forewarning.trust_events(trust, today=today)
    packs = policy.visible(reader, RolePack.objects.filter(trust=trust).select_related("role", "adopted_from"))
    documents = policy.visible(reader, SharedDocument.objects.filter(trust=trust).select_related("role"))
    return {
        "kind": "trust",
        "title": f"Trust profile: {trust.name}",
        "meta": {**meta(today), "audience": reader.audience},
        "trust": {"name": trust.name, "ods_code": trust.ods_code, "region": trust.region.name},
        "deployments": {
            "rows": [
                {
                    "title": d.local_title,
                    "role": d.role.name if d.role else "",
                    "slug": d.role.slug if d.role else "",
                    "status": d.get_status_display(),
                    "headcount": as_count(d.shown_headcount) if d.shown_headcount is not None else None,
                    "wte": as_number(d.shown_wte),
                    "kinds": [KIND_LABELS[k] for k in d.intended_kinds],
                }
                for d in deployments
            ],
            "roles": len({d.role_id for d in deployments if d.role_id}),
            "empty": "" if deployments else "No deployments of new roles are recorded for the trust yet.",
        },
        "staff_record": _staff_record(reader, trust),
        "readiness": _readiness(reader, deployments, today) if member else {"deployments": [], "empty": PRIVATE},
        "funding": _funding(deployments, today) if member else {"warnings": [], "empty": PRIVATE},
        "data_quality": _quality(reader, trust),
        "packs": {
            "rows": [
                {
                    "role": p.role.name,
                    "title": p.title,
                    "version": p.version,
                    "adopted_version": p.adopted_version,
                    "adopted": p.adopted_from_id is not None,
                }
                for p in packs.order_by("role__name")
            ],
            "empty": "" if packs.exists() else "No role packs adopted yet.",
        },
        "documents": {
            "rows": [
                {
                    "title": d.title,
                    "type": d.get_doc_type_display(),
                    "sharing": d.get_sharing_display(),
                    "role": d.role.name if d.role else "",
                }
                for d in documents.order_by("title")
            ],
            "empty": "" if documents.exists() else "No documents shared yet.",
        },
        "events": {
            "rows": [
                {
                    "date": e.event.date.isoformat(),
                    "title": e.event.title,
                    "when": e.when,
                    "roles": [r.name for r in e.roles],
                }
                for e in upcoming
            ],
            "empty": "" if upcoming else "No events ahead affect the trust's roles.",
        },
    }


# Role profile ---------------------------------------------------------------------------------------


def _bands(reader: Reader, role: Role) -> dict[str, Any]:
    coverage = staff_counts.month_coverage()
    month = staff_counts.widest_month(coverage)
    if month is None:
        return {"month": None, "bands": [], "empty": "No staff-record extract has been imported yet."}
    rows = (
        StaffCount.objects.filter(month=month, trust_id__in=coverage[month], role=role, extract__is_current=True)
        .values("band", "trust")
        .annotate(n=Sum("headcount"), w=Sum("wte"))
        .order_by()
    )
    cells: dict[str, dict[int, int]] = defaultdict(dict)
    wte: dict[str, Decimal] = defaultdict(Decimal)
    for r in rows:
        band = r["band"] or "Not recorded"
        cells[band][r["trust"]] = cells[band].get(r["trust"], 0) + (r["n"] or 0)
        wte[band] += r["w"] or Decimal(0)
    order = sorted(cells)
    hidden = disclosure.protect_column(reader, [cells[b] for b in order])
    total_by_trust: dict[int, int] = defaultdict(int)
    for b in order:
        for t, n in cells[b].items():
            total_by_trust[t] += n
    return {
        "month": month.isoformat(),
        "trusts": sum(1 for n in total_by_trust.values() if n),
        "headcount": as_count(disclosure.total_shown(reader, total_by_trust)),
        "bands": [
            {
                "band": b,
                "headcount": disclosure.SUPPRESSED if h else sum(cells[b].values()),
                "wte": disclosure.SUPPRESSED if h else as_number(wte[b]),
            }
            for b, h in zip(order, hidden, strict=True)
        ],
        "empty": "" if order else "No staff in this role in the staff record yet.",
    }


def _kinds(role: Role, deployments: list[Deployment]) -> dict[str, Any]:
    rule: dict[str, Counter[str]] = {"intended": Counter(), "actual": Counter()}
    for which, kinds in DeploymentShift.objects.filter(deployment__role=role).values_list("which", "kinds"):
        rule.setdefault(which, Counter()).update(kinds or [])
    researchers = mapping.kinds_compared(deployments)
    rows = [
        {
            "key": k,
            "label": KIND_LABELS[k],
            "rule_intended": rule["intended"][k],
            "rule_actual": rule["actual"][k],
            "intended": r.intended,
            "actual": r.actual,
        }
        for k, r in zip(KINDS, researchers, strict=True)
    ]
    recorded = any(v for r in rows for key, v in r.items() if key not in ("key", "label"))
    return {"kinds": rows, "empty": "" if recorded else "No kind of change is recorded for this role yet."}


def _pack(role: Role) -> dict[str, Any]:
    pack = (
        RolePack.objects.filter(role=role, trust__isnull=True, is_current=True).prefetch_related("components").first()
    )
    if pack is None:
        return {"title": None, "components": [], "empty": "No national role pack yet."}
    written = {c.key: not c.not_yet_written and bool(c.text or c.data) for c in pack.components.all()}
    adopted = RolePack.objects.filter(adopted_from__role=role, trust__isnull=False).values("trust").distinct().count()
    return {
        "title": pack.title,
        "version": pack.version,
        "status": pack.get_status_display(),
        "components": [{"label": label, "written": written.get(key, False)} for key, label in PACK_COMPONENTS],
        "adopted_by": adopted,
        "empty": "",
    }


def role_data(role: Role, *, today: dt.date | None = None, reader: Reader = PUBLIC_READER) -> dict[str, Any]:
    """The role's profile for the public reader (the same for everyone signed in)."""
    today = today or timezone.localdate()
    deployments = list(
        policy.visible(reader, Deployment.objects.filter(role=role).select_related("trust__region", "role"))
    )
    regions = list(Region.objects.order_by("sort_order", "name"))
    study = Counter(Trust.objects.filter(in_study_set=True).values_list("region_id", flat=True))
    deploying: dict[int, set[int]] = defaultdict(set)
    for d in deployments:
        if d.status in DEPLOYED_STATUSES:
            deploying[d.trust.region_id].add(d.trust_id)
    readiness = national_view(reader, today=today, role=role)
    funding = national_funding(reader, today=today)
    cliff = next((r for r in funding.by_role if r.name == role.name), None)
    quotes = sources.quotes(role_slug=role.slug)
    reasons = [r for r in mapping.reasons_ranked(deployments) if r.count]
    readiness_rows = sorted(
        (
            {"title": r.title, "unmet": as_count(r.unmet), "checked": as_count(r.checked), "share": r.share}
            for r in readiness.rows
        ),
        key=lambda r: (-(r["share"] if r["share"] is not None else -1), r["title"]),
    )
    return {
        "kind": "role",
        "title": f"Role profile: {role.name}",
        "meta": meta(today),
        "role": {
            "name": role.name,
            "slug": role.slug,
            "staff_group": role.staff_group,
            "newness": role.get_newness_display(),
            "regulator": role.get_regulator_display(),
            "registration": role.get_registration_display(),
            "bands": "medical terms" if role.medical else "–".join(b for b in (role.band_min, role.band_max) if b),
            "lead_time_months": role.lead_time_months,
            "supervisor": role.supervisor,
            "what": role.pen_what,
            "why": role.pen_why,
            "challenges": role.pen_challenges,
            "as_of": role.as_of,
        },
        "pack": _pack(role),
        "deployed": {
            "trusts": len({d.trust_id for d in deployments if d.status in DEPLOYED_STATUSES}),
            "deployments": len(deployments),
            "regions": [
                {"region": r.name, "code": r.code, "trusts": len(deploying[r.pk]), "total": study.get(r.pk, 0)}
                for r in regions
            ],
            "empty": "" if deployments else "No trust has recorded this role yet.",
        },
        "staff_record": _bands(reader, role),
        "kinds": _kinds(role, deployments),
        "reasons": {
            "reasons": [{"label": r.label, "deployments": r.count} for r in reasons],
            "empty": "" if reasons else "No trust has given a reason for this role yet.",
        },
        "quotes": {"quotes": quotes, "empty": "" if quotes else "No quotes about this role are published yet."},
        "readiness": {
            "deployments": as_count(readiness.deployments),
            "factors": readiness_rows,
            "empty": "" if readiness.trusts else "No deployment of this role has had a readiness check yet.",
        },
        "funding": {
            "cliff": None
            if cliff is None
            else {
                "deployments_6": as_count(cliff.deployments_6),
                "wte_6": as_number(cliff.wte_6),
                "deployments_12": as_count(cliff.deployments_12),
                "wte_12": as_number(cliff.wte_12),
            },
            "empty": "" if cliff else "No funding lines are recorded for this role yet.",
        },
    }


def roles_with_profiles() -> Any:
    return Role.objects.filter(Q(deployments__isnull=False) | Q(packs__isnull=False)).distinct().order_by("name")
