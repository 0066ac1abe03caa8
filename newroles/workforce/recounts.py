"""Recounting: a trust's titles waiting for review resolved again with the current catalogue and the
trust's decisions, and the staff of every title whose answer changed moved to its new role."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Sum

from newroles.accounts import policy
from newroles.audit.models import ChangeRecord
from newroles.audit.services import record
from newroles.lib.bands import AFC_BANDS, band_index
from newroles.organisations.models import Trust
from newroles.workforce import pipeline as p
from newroles.workforce.counts import current_imports
from newroles.workforce.memory import current_catalogue_version
from newroles.workforce.models import ExtractImport, ExtractTitle, StaffCount, month_label
from newroles.workforce.month import role_bands, write_figures
from newroles.workforce.normalisers import normaliser_for


@dataclass
class RecountResult:
    titles_changed: int = 0
    staff_moved: int = 0
    months: list[dt.date] = field(default_factory=list)


def recount(*, actor: Any, trust: Trust, reason: str = "recount") -> RecountResult:
    """Resolve the trust's titles waiting for review again, with the current catalogue and the trust's
    decisions, and move the staff of every title whose answer changed. One audit record per month changed.

    Only titles counted under their own title (`review`) can move: a title matched with confidence at
    import was counted under its role alone, and keeps that role until the month is imported again.
    """
    normaliser = normaliser_for(trust)
    version = current_catalogue_version()
    result = RecountResult()
    imports = {i.month: i for i in current_imports(trust)}
    roles = role_bands()
    candidates_field = ExtractTitle._meta.get_field("candidates")
    fields = ["role", "confidence", "method", "in_training", "code_conflict", "cleaned", "candidates", "band_outside"]
    with transaction.atomic():
        changed_by_month: dict[dt.date, list[ExtractTitle]] = defaultdict(list)
        titles = ExtractTitle.objects.filter(trust=trust, review=True, extract__is_current=True)
        for title in titles.iterator(chunk_size=2000):
            m = normaliser.normalise(title.title, title.job_role or None, title.occupation_code or None)
            new = {
                "role_id": roles[m.slug][0] if m.slug in roles else None, "confidence": m.confidence,
                "method": m.method, "in_training": m.in_training, "code_conflict": m.code_conflict,
                "cleaned": m.cleaned[:300], "candidates": candidates_field.to_python(p.candidates_json(m)),
            }  # fmt: skip
            if any(getattr(title, k) != v for k, v in new.items()):
                if title.role_id != new["role_id"]:
                    result.staff_moved += title.headcount
                for k, v in new.items():
                    setattr(title, k, v)
                changed_by_month[title.month].append(title)
        slugs = {pk: slug for slug, (pk, *_rest) in roles.items()}
        for month, changed in sorted(changed_by_month.items()):
            by_answer: dict[tuple[int | None, bool], list[int]] = defaultdict(list)
            for t in changed:
                by_answer[(t.role_id, t.in_training)].append(t.pk)
            for (role_id, training), pks in by_answer.items():
                for start in range(0, len(pks), 500):
                    StaffCount.objects.filter(title_id__in=pks[start : start + 500]).update(
                        role_id=role_id, in_training=training
                    )
            # The band check follows the new role, from the title's own cells.
            bands: dict[int, list[tuple[str, int]]] = defaultdict(list)
            for title_id, band, staff in (
                StaffCount.objects.filter(title_id__in=[t.pk for t in changed]).values_list("title_id", "band")
                .annotate(staff=Sum("headcount")).order_by()
            ):  # fmt: skip
                bands[title_id].append((band, staff))
            for t in changed:
                _pk, _new, low, high = roles.get(slugs.get(t.role_id, ""), (None, 0, None, None))
                t.band_outside = sum(
                    staff for band, staff in bands[t.pk]
                    if low is not None and high is not None and band in AFC_BANDS
                    and not low <= band_index(band) <= high
                )  # fmt: skip
            ExtractTitle.objects.bulk_update(changed, fields, batch_size=500)
            result.titles_changed += len(changed)
            result.months.append(month)
            obj = imports.get(month)
            if obj is not None:
                record(
                    actor=actor, action=ChangeRecord.UPDATE, obj=obj, before=None,
                    after={"titles_changed": len(changed), "reason": reason},
                    message=f"recounted {month_label(month)}: {len(changed)} title(s) changed ({reason})"[:500],
                )  # fmt: skip
                write_figures(obj, actor)
        # The trust's months now rest on this catalogue: the recount job (recount_jobs) skips them until it
        # changes again. A derived marker, covered by the records above and the job's own row.
        ExtractImport.objects.filter(trust=trust, is_current=True).exclude(counted_under=version).update(
            counted_under=version
        )
    return result


def recount_all(*, actor: Any = policy.SYSTEM) -> int:
    """Recount every trust with staff-record data (after a national catalogue change)."""
    trusts = Trust.objects.filter(extract_imports__is_current=True).distinct()
    changed = 0
    for trust in trusts:
        changed += recount(actor=actor, trust=trust, reason="national catalogue changed").titles_changed
    return changed
