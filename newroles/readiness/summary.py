"""A deployment's readiness summary: every factor of the framework with its status, why, and what to do next.

Asked factors come from the deployment's latest assessment (or the one asked for); computed factors are
worked out now (`computed.py`). Pages, the trust's list, the national view, the deployment page's panel and
the command line all read summaries from here, in batches with a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch

from newroles.mapping.models import Deployment
from newroles.readiness import computed
from newroles.readiness.computed import Finding, Link
from newroles.readiness.models import (
    ASKED,
    IN_PLACE,
    NOT_APPLICABLE,
    NOT_ASSESSED,
    NOT_KNOWN,
    STATUS_LABELS,
    UNMET,
    Assessment,
    FrameworkItem,
    FrameworkVersion,
    Rating,
)

STATUS_TAGS = {  # NHS.UK tag colours
    "not_started": "red",
    "partly": "orange",
    IN_PLACE: "green",
    NOT_APPLICABLE: "grey",
    NOT_KNOWN: "white",
    NOT_ASSESSED: "white",
}


@dataclass
class ItemSummary:
    """One factor for one deployment."""

    item: FrameworkItem
    status: str
    reason: str
    next_step: str = ""
    links: tuple[Link, ...] = ()
    rating: Rating | None = None

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def computed(self) -> bool:
        return self.item.is_computed

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def tag(self) -> str:
        return STATUS_TAGS[self.status]

    @property
    def flagged(self) -> bool:
        """A red flag: the factor is not started or only partly in place."""
        return self.status in UNMET

    @property
    def headline(self) -> str:
        """The red flag in a line: a computed factor's own finding (concrete), an asked factor's flag text."""
        return self.reason if self.computed else self.item.flag

    def as_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.item.title,
            "mode": self.item.mode,
            "status": self.status,
            "status_label": self.status_label,
            "red_flag": self.flagged,
            "reason": self.reason,
            "next_step": self.next_step,
            "champion": self.rating.champion if self.rating else "",
            "links": [{"text": link.text, "url": link.url} for link in self.links],
        }


@dataclass
class Summary:
    """A deployment's readiness: its framework version, the assessment the asked factors come from, every factor."""

    deployment: Deployment
    framework: FrameworkVersion | None
    assessment: Assessment | None
    items: list[ItemSummary] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)

    @property
    def flags(self) -> list[ItemSummary]:
        return [i for i in self.items if i.flagged]

    @property
    def unknown(self) -> list[ItemSummary]:
        """Factors to find out about: computed ones whose data is missing, asked ones not rated yet."""
        return [i for i in self.items if i.status in (NOT_KNOWN, NOT_ASSESSED)]

    @property
    def in_place(self) -> list[ItemSummary]:
        return [i for i in self.items if i.status == IN_PLACE]

    def as_json(self) -> dict[str, Any]:
        d = self.deployment
        a = self.assessment
        return {
            "deployment": {
                "id": d.pk,
                "title": d.local_title,
                "trust": {"ods_code": d.trust.ods_code, "name": d.trust.name},
                "role": {"slug": d.role.slug, "name": d.role.name} if d.role else None,
                "status": d.status,
                "planned_start": d.planned_start.isoformat() if d.planned_start else None,
            },
            "as_of": self.today.isoformat(),
            "framework_version": self.framework.version if self.framework else None,
            "assessment": None
            if a is None
            else {"id": a.pk, "assessed_on": a.assessed_on.isoformat(), "assessed_by": a.assessed_by_name},
            "red_flags": len(self.flags),
            "items": [i.as_json() for i in self.items],
        }


def current_framework() -> FrameworkVersion | None:
    """The newest framework version: new assessments are made against it."""
    return FrameworkVersion.objects.order_by("-version").first()


def _asked(item: FrameworkItem, rating: Rating | None) -> ItemSummary:
    if rating is None:
        return ItemSummary(item, NOT_ASSESSED, "Not rated in a readiness check yet.", "Rate it in a readiness check.")
    reason = rating.evidence.strip()
    if rating.champion.strip():
        reason = f"{item.name_label.rstrip('?')}: {rating.champion.strip()}. {reason}".strip()
    next_step = item.next_step if rating.status in UNMET else ""
    return ItemSummary(item, rating.status, reason, next_step, rating=rating)


def _computed(item: FrameworkItem, finding: Finding | None) -> ItemSummary:
    if finding is None:  # a version names a computation this release does not have (never for loaded files)
        return ItemSummary(item, NOT_KNOWN, "This factor cannot be worked out here.")
    next_step = finding.next_step or (item.next_step if finding.status in UNMET else "")
    return ItemSummary(item, finding.status, finding.reason, next_step, finding.links)


def latest_assessments(deployment_ids: Iterable[int]) -> dict[int, Assessment]:
    """Each deployment's latest assessment (by date, then the one made last), in one query."""
    latest: dict[int, Assessment] = {}
    for a in Assessment.objects.filter(deployment_id__in=list(deployment_ids)).order_by(
        "deployment_id", "-assessed_on", "-created_at", "-pk"
    ):
        latest.setdefault(a.deployment_id, a)
    return latest


def summaries(
    deployments: Sequence[Deployment],
    *,
    today: dt.date,
    assessments: dict[int, Assessment] | None = None,
    current: FrameworkVersion | None = None,
) -> dict[int, Summary]:
    """Summaries of many deployments (select_related "trust" and "role"), by deployment id.

    `assessments` gives the assessment to read each deployment's asked factors from (default: its latest).
    A deployment without one is summarised against the current framework (read here unless given), its asked
    factors not rated yet.
    """
    deployments = list(deployments)
    if assessments is None:
        assessments = latest_assessments(d.pk for d in deployments)
    if current is None and len(assessments) < len(deployments):
        current = current_framework()
    framework_ids = {a.framework_id for a in assessments.values()} | ({current.pk} if current else set())
    frameworks = {
        f.pk: f
        for f in FrameworkVersion.objects.filter(pk__in=framework_ids).prefetch_related(
            Prefetch("items", queryset=FrameworkItem.objects.order_by("order"))
        )
    }
    ratings: dict[int, dict[int, Rating]] = {}
    for r in Rating.objects.filter(assessment_id__in=[a.pk for a in assessments.values()]).select_related("document"):
        ratings.setdefault(r.assessment_id, {})[r.item_id] = r
    keys = sorted({i.key for f in frameworks.values() for i in f.items.all() if i.is_computed})
    findings = computed.compute(keys, deployments, today)
    out = {}
    for d in deployments:
        assessment = assessments.get(d.pk)
        framework = frameworks.get(assessment.framework_id) if assessment else (frameworks.get(current.pk) if current
                                                                                 else None)  # fmt: skip
        summary = Summary(d, framework, assessment, today=today)
        for item in framework.items.all() if framework else ():
            if item.mode == ASKED:
                rated = ratings.get(assessment.pk, {}).get(item.pk) if assessment else None
                summary.items.append(_asked(item, rated))
            else:
                summary.items.append(_computed(item, findings.get(item.key, {}).get(d.pk)))
        out[d.pk] = summary
    return out


def summary_for(deployment: Deployment, *, today: dt.date, assessment: Assessment | None = None) -> Summary:
    """One deployment's summary, from `assessment` or its latest."""
    chosen = {deployment.pk: assessment} if assessment is not None else None
    return summaries([deployment], today=today, assessments=chosen)[deployment.pk]
