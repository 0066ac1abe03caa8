"""Titles to resolve, and a trust's decisions on them: the titles of a month the normaliser could not
place (or placed with little confidence), grouped, each with a suggested role; and deciding what a
title means, which makes it the trust's own alias (or a "not a new role" title) and recounts."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from newroles.accounts.policy import require_editor
from newroles.audit.context import batch
from newroles.audit.writes import create_row, delete_row, update_row
from newroles.organisations.models import Trust
from newroles.roles.aliases import propose_alias
from newroles.roles.models import Role, RoleAlias, normalise_title
from newroles.roles.normaliser import names_a_post_outside_the_catalogue, suggest
from newroles.roles.services import save_alias
from newroles.workforce.counts import latest_month
from newroles.workforce.models import ExtractTitle, TitleDecision
from newroles.workforce.month import REVIEW_CONFIDENCE
from newroles.workforce.normalisers import normaliser_for
from newroles.workforce.recounts import recount
from newroles.workforce.signals import titles_decided


@dataclass
class TitleGroup:
    """Titles of a trust's month that clean to the same text, to be decided together."""

    key: str
    headcount: int = 0
    titles: list[tuple[str, int]] = field(default_factory=list)  # (title as written, staff), most staff first
    resolved_to: Role | None = None  # a low-confidence answer, when there is one
    confidence: float = 0.0
    methods: set[str] = field(default_factory=set)
    suggestion: Role | None = None
    score: float = 0.0
    not_a_role: bool = False  # its words name a post outside the catalogue (administrator, porter, ...)
    remembered: bool = False  # its answer came from the remembered answers, not from matching it again
    # The three likeliest roles with their evidence: (role, score, alias resembled, words shared).
    candidates: list[tuple[Role, float, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def unresolved(self) -> bool:
        return self.resolved_to is None

    @property
    def form_id(self) -> str:
        return "t" + normalise_title(self.key).replace(" ", "-")[:60]


def titles_to_resolve(trust: Trust, month: dt.date | None = None) -> list[TitleGroup]:
    """Unresolved and low-confidence titles of the trust's month (the latest by default), grouped by their
    cleaned form, most staff first, each with a suggested role. Titles the trust has decided are left out."""
    month = month or latest_month(trust)
    if month is None:
        return []
    decided = set(TitleDecision.objects.filter(trust=trust).values_list("key", flat=True))
    rows = (
        ExtractTitle.objects.filter(trust=trust, month=month, review=True, extract__is_current=True)
        .filter(Q(role__isnull=True) | Q(confidence__lt=REVIEW_CONFIDENCE))
        .exclude(cleaned="")
        .values_list("cleaned", "title", "headcount", "role", "confidence", "method", "candidates", "remembered")
    )
    groups: dict[str, TitleGroup] = {}
    votes: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    resolved_votes: dict[str, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for key, title, headcount, role_id, confidence, method, candidates, remembered in rows:
        if key in decided:
            continue
        group = groups.setdefault(key, TitleGroup(key))
        group.remembered = group.remembered or remembered
        group.headcount += headcount
        group.titles.append((title, headcount))
        group.methods.add(method)
        if role_id:
            resolved_votes[key][role_id] += headcount
            group.confidence = max(group.confidence, confidence)
        for slug, score in candidates or []:
            votes[key][slug] += headcount * float(score)
    roles_by_pk = Role.objects.in_bulk()
    roles_by_slug = {r.slug: r for r in roles_by_pk.values()}
    normaliser = normaliser_for(trust) if groups else None
    for key, group in groups.items():
        group.not_a_role = names_a_post_outside_the_catalogue(key)
        merged: dict[str, int] = defaultdict(int)
        for title, headcount in group.titles:
            merged[title] += headcount
        group.titles = sorted(merged.items(), key=lambda t: (-t[1], t[0]))
        if resolved_votes[key]:
            role_id = max(resolved_votes[key].items(), key=lambda kv: kv[1])[0]
            group.resolved_to = group.suggestion = roles_by_pk.get(role_id)
            group.score = group.confidence
        elif votes[key] and not group.not_a_role:  # a code's guess at an administrator is no suggestion
            slug, total = max(votes[key].items(), key=lambda kv: kv[1])
            group.suggestion = roles_by_slug.get(slug)
            group.score = round(total / max(group.headcount, 1), 3)
        if not group.not_a_role:
            group.candidates = [
                (roles_by_slug[s.slug], s.score, s.alias, s.words)
                for s in suggest(normaliser, group.titles[0][0] if group.titles else key)
                if s.slug in roles_by_slug
            ]
            if group.suggestion is None and group.candidates:
                group.suggestion, group.score = group.candidates[0][0], group.candidates[0][1]
    return sorted(groups.values(), key=lambda g: (g.not_a_role, -g.headcount, g.key))


def decision_key(trust: Trust, title: str) -> str:
    """The key a decision on `title` is kept under: the cleaned form the normaliser matches on, as the
    staff record's titles are grouped (so a title decided on the map and the same title in an extract
    are one decision)."""
    cleaned = normaliser_for(trust).normalise(title).cleaned
    return " ".join((cleaned or normalise_title(title)).split())


def alias_title(key: str) -> str:
    """The alias a decision saves: the cleaned title, capitalised ('peer mentor' -> 'Peer mentor')."""
    return key[:1].upper() + key[1:]


def decide_title(
    *,
    actor: Any,
    trust: Trust,
    key: str,
    outcome: str,
    role: Role | None = None,
    propose: bool = False,
    recount_after: bool = True,
) -> TitleDecision:
    """Record a trust's decision on a title: it means `role` (accepting the suggestion or choosing another),
    or it is not a new role. A role becomes the trust's own alias (and, with `propose`, a proposal to the
    national catalogue); then the trust's counts are recounted. Audited, in one transaction."""
    require_editor(actor, trust)
    key = " ".join((key or "").split())
    if not key:
        raise ValidationError("There is no title to decide.")
    if outcome not in dict(TitleDecision.OUTCOME_CHOICES):
        raise ValidationError("Choose what the title means.")
    if outcome != TitleDecision.NOT_NEW and role is None:
        raise ValidationError("Choose the role the title means.")
    example = (
        ExtractTitle.objects.filter(trust=trust, cleaned=key).order_by("-month", "-headcount")
        .values_list("title", flat=True).first() or ""
    )  # fmt: skip
    with batch(), transaction.atomic():
        alias = None
        existing_alias = RoleAlias.objects.filter(trust=trust, normalised=normalise_title(alias_title(key))).first()
        if outcome == TitleDecision.NOT_NEW:
            role = None
            if existing_alias is not None:
                delete_row(actor, existing_alias, message="title marked not a new role")
        else:
            alias, _ = save_alias(
                actor=actor, role=role, title=alias_title(key), trust=trust, kind="variant",
                source="titles to resolve", status=RoleAlias.APPROVED,
            )  # fmt: skip
        values = {
            "example": example[:300], "outcome": outcome, "role": role, "alias": alias,
            "proposed": bool(propose and role is not None),
            "decided_by": actor if getattr(actor, "pk", None) else None,
        }  # fmt: skip
        decision = TitleDecision.objects.filter(trust=trust, key=key).first()
        if decision is None:
            decision = create_row(actor, TitleDecision(trust=trust, key=key, **values), message="title decided")
        else:
            decision = update_row(actor, decision, values, message="title decided again")
        if propose and role is not None:
            propose_alias(actor=actor, trust=trust, role=role, title=alias_title(key))
        if recount_after:
            recount(actor=actor, trust=trust, reason=f"title '{key}' decided")
            titles_decided.send(sender=TitleDecision, trust=trust, actor=actor)
    return decision


def mark_not_new(*, actor: Any, trust: Trust, keys: Sequence[str]) -> int:
    """Mark several titles "not a new role" at once, recounting once at the end."""
    require_editor(actor, trust)
    with batch(), transaction.atomic():
        for key in keys:
            decide_title(actor=actor, trust=trust, key=key, outcome=TitleDecision.NOT_NEW, recount_after=False)
        recount(actor=actor, trust=trust, reason=f"{len(keys)} titles marked not a new role")
        titles_decided.send(sender=TitleDecision, trust=trust, actor=actor)
    return len(keys)
