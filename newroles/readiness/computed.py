"""The readiness factors worked out from the register rather than asked: each from data another app keeps.

- supervision: the skill-mix figures of the deployment's teams (each team's latest composition, computed the
  way the composition page computes it);
- examples elsewhere: other trusts deploying the role on the national map, with their new roles leads;
- an off-the-shelf pack: a national pack for the role, and whether the trust adopted one;
- forewarning: the planned start against the role's lead times (`roles.leadtime.planning_gap`);
- funding: the deployment's lines in the funding register and their sustainability warnings.

Every computation takes a batch of deployments and reads what it needs in a fixed number of queries, so a
trust's list and the national view cost the same however many trusts there are. Nothing here is stored:
each finding is worked out when it is shown, with the sentence that explains it.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.urls import reverse

from newroles.funding import warnings as funding_warnings
from newroles.mapping.models import DEPLOYED_STATUSES, Deployment
from newroles.organisations.models import Trust
from newroles.readiness.models import IN_PLACE, NOT_APPLICABLE, NOT_KNOWN, NOT_STARTED, PARTLY
from newroles.roles.leadtime import planning_gap
from newroles.roles.models import RolePack
from newroles.skillmix import results
from newroles.skillmix.models import Composition, CompositionPost

# How many other trusts a summary names before pointing at the role's map page for the rest.
EXAMPLES_NAMED = 5


@dataclass(frozen=True)
class Link:
    text: str
    url: str


@dataclass(frozen=True)
class Finding:
    """A computed factor for one deployment: its status, the sentence that says why, and what to do."""

    status: str
    reason: str
    next_step: str = ""  # empty: the framework item's own next step
    links: tuple[Link, ...] = field(default=())


Computation = Callable[[Sequence[Deployment], dt.date], dict[int, Finding]]


def _hours(value: float) -> str:
    return f"{value:.1f} h a week"


def _and(parts: Sequence[str]) -> str:
    parts = list(parts)
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


# Supervision ---------------------------------------------------------------------------------------


def _latest_compositions(team_ids: set[int]) -> dict[int, Composition]:
    """Each team's latest composition (by its 'as of' date, then the newest), posts and roles read at once."""
    posts = Prefetch("posts", queryset=CompositionPost.objects.select_related("role"))
    latest: dict[int, Composition] = {}
    for c in Composition.objects.filter(team_id__in=team_ids).select_related("team").prefetch_related(posts):
        key = (c.as_of or dt.date.min, c.created_at, c.pk)
        current = latest.get(c.team_id)
        if current is None or key > (current.as_of or dt.date.min, current.created_at, current.pk):
            latest[c.team_id] = c
    return latest


def supervision(deployments: Sequence[Deployment], today: dt.date) -> dict[int, Finding]:
    """Supervision demand against capacity in each of the deployment's teams (their latest composition).

    The figures are the skill-mix pages' own (`skillmix.results.compute_metrics` over the composition's
    posts). Every team covered: in place. Any team short: partly, or not started when the short teams'
    supervisors can give no hours at all. A team without a composition is not known.
    """
    through = Deployment.teams.through.objects.filter(deployment_id__in=[d.pk for d in deployments])
    teams_of: dict[int, list] = defaultdict(list)
    for row in through.select_related("team").order_by("team__name"):
        teams_of[row.deployment_id].append(row.team)
    compositions = _latest_compositions({t.pk for teams in teams_of.values() for t in teams})
    metrics = {
        team_id: results.compute_metrics(c, [results.planned(p) for p in c.posts.all()], required=[]).supervision
        for team_id, c in compositions.items()
    }
    out = {}
    for d in deployments:
        teams = teams_of.get(d.pk, [])
        if not teams:
            out[d.pk] = Finding(
                NOT_KNOWN,
                "No teams are recorded for this deployment, so its supervision capacity is not known.",
                "Add the teams the role works in on the deployment's page, then record each team's staff mix.",
                (Link("Change the deployment", reverse("mapping:deployment_edit", args=[d.pk])),),
            )
            continue
        short, covered, unknown, links = [], [], [], []
        no_capacity = True
        for team in teams:
            s = metrics.get(team.pk)
            if s is None:
                unknown.append(team)
                links.append(Link(f"Record the staff mix of {team.name}",
                                  reverse("skillmix:composition_create") + f"?team={team.pk}"))  # fmt: skip
                continue
            links.append(Link(f"Staff mix of {team.name}", compositions[team.pk].get_absolute_url()))
            if s.shortfall_hours > 0:
                short.append(f"{_hours(s.shortfall_hours)} short in {team.name}")
                no_capacity = no_capacity and s.hours_available <= 0
            else:
                covered.append(f"{team.name} ({_hours(s.hours_needed)} needed, {_hours(s.hours_available)} available)")
        unknown_text = f" Not known for {_and([t.name for t in unknown])}: no staff mix recorded." if unknown else ""
        if short:
            status = NOT_STARTED if no_capacity else PARTLY
            out[d.pk] = Finding(status, f"Supervision {_and(short)}.{unknown_text}", "", tuple(links))
        elif unknown:
            covered_text = f"Supervision is covered in {_and(covered)}." if covered else ""
            out[d.pk] = Finding(
                NOT_KNOWN,
                f"{covered_text}{unknown_text}".strip(),
                "Record the staff mix of each team the role joins, so its supervision capacity can be checked.",
                tuple(links),
            )
        else:
            out[d.pk] = Finding(IN_PLACE, f"Supervision is covered in {_and(covered)}.", "", tuple(links))
    return out


# Examples elsewhere -------------------------------------------------------------------------------


def _unmatched(d: Deployment, what: str) -> Finding:
    return Finding(
        NOT_KNOWN,
        f"The title is not matched to a role in the catalogue yet, so {what} is not known.",
        "Match the title to a role on the trust's titles page.",
        (Link("Titles to resolve", reverse("mapping:titles", args=[d.trust.ods_code])),),
    )


def _lead(trust: Trust) -> str:
    lead = trust.new_roles_lead_name.strip()
    return f"{trust.name} (new roles lead: {lead})" if lead else f"{trust.name} (no new roles lead recorded)"


def examples_elsewhere(deployments: Sequence[Deployment], today: dt.date) -> dict[int, Finding]:
    """Other trusts deploying the role (pilot, active or paused) on the national map, with their leads.

    None: not started (there is no example to learn from yet); one or more: in place, naming them, the
    trust's own region first.
    """
    role_ids = {d.role_id for d in deployments if d.role_id is not None}
    pairs = (
        Deployment.objects.filter(role_id__in=role_ids, status__in=DEPLOYED_STATUSES)
        .order_by()
        .values_list("role_id", "trust_id")
        .distinct()
    )
    trusts_of: dict[int, set[int]] = defaultdict(set)
    for role_id, trust_id in pairs:
        trusts_of[role_id].add(trust_id)
    trust_ids = set().union(*trusts_of.values()) if trusts_of else set()
    trusts = {t.pk: t for t in Trust.objects.filter(pk__in=trust_ids).only("name", "ods_code", "region_id",
                                                                          "new_roles_lead_name")}  # fmt: skip
    out = {}
    for d in deployments:
        if d.role_id is None:
            out[d.pk] = _unmatched(d, "who else deploys it")
            continue
        others = sorted(
            (trusts[t] for t in trusts_of.get(d.role_id, set()) if t != d.trust_id),
            key=lambda t: (t.region_id != d.trust.region_id, t.name),
        )
        role_name = d.role.name.lower()
        if not others:
            out[d.pk] = Finding(NOT_STARTED, f"No other trust deploys the role ({role_name}) on the national map yet.")
            continue
        named = others[:EXAMPLES_NAMED]
        links = [Link(_lead(t), t.get_absolute_url()) for t in named]
        if len(others) > len(named):
            links.append(Link(f"All {len(others)} trusts on the role's map page",
                              reverse("mapping:role", args=[d.role.slug])))  # fmt: skip
        count = f"{len(others)} other trust{'s' if len(others) != 1 else ''}"
        out[d.pk] = Finding(
            IN_PLACE,
            f"{count} deploy{'s' if len(others) == 1 else ''} the role ({role_name}): ask their new roles leads "
            "what worked.",
            "",
            tuple(links),
        )
    return out


# An off-the-shelf pack ----------------------------------------------------------------------------


def off_the_shelf_pack(deployments: Sequence[Deployment], today: dt.date) -> dict[int, Finding]:
    """A national role pack for the role, and whether the trust adopted one (or keeps its own).

    The trust has a pack: in place (with a note when a newer national version exists). A published national
    pack the trust has not adopted: partly. No national pack and none of the trust's own: not started.
    """
    role_ids = {d.role_id for d in deployments if d.role_id is not None}
    national = {
        p.role_id: p
        for p in RolePack.objects.filter(
            role_id__in=role_ids, trust=None, is_current=True, status=RolePack.PUBLISHED
        ).order_by("version")
    }
    own: dict[tuple[int, int], RolePack] = {}
    trust_ids = {d.trust_id for d in deployments}
    for p in RolePack.objects.filter(role_id__in=role_ids, trust_id__in=trust_ids).order_by("created_at", "pk"):
        current = own.get((p.trust_id, p.role_id))
        if current is None or (p.adopted_from_id and not current.adopted_from_id):
            own[(p.trust_id, p.role_id)] = p  # an adopted copy says more than a pack of the trust's own
    out = {}
    for d in deployments:
        if d.role_id is None:
            out[d.pk] = _unmatched(d, "whether a role pack exists")
            continue
        pack, latest = own.get((d.trust_id, d.role_id)), national.get(d.role_id)
        if pack is not None and pack.adopted_from_id:
            reason = f"The trust adopted version {pack.adopted_version} of the national pack."
            if latest is not None and pack.adopted_version is not None and latest.version > pack.adopted_version:
                reason += f" Version {latest.version} is now published: compare it with the trust's copy."
            out[d.pk] = Finding(IN_PLACE, reason, "", (Link("The trust's pack", pack.get_absolute_url()),))
        elif pack is not None:
            out[d.pk] = Finding(IN_PLACE, "The trust keeps its own pack for the role.", "",
                                (Link("The trust's pack", pack.get_absolute_url()),))  # fmt: skip
        elif latest is not None:
            out[d.pk] = Finding(
                PARTLY,
                f"A national pack for the role exists (version {latest.version}), but the trust has not adopted it.",
                "",
                (Link("The national pack", latest.get_absolute_url()),),
            )
        else:
            out[d.pk] = Finding(
                NOT_STARTED,
                f"There is no national pack for the role ({d.role.name.lower()}) yet, and the trust has none.",
                "Ask trusts that deploy the role for their job description and governance documents, and share "
                "yours in the document library.",
                (Link("Shared documents", reverse("roles:documents")),),
            )
    return out


# Forewarning --------------------------------------------------------------------------------------


def forewarning(deployments: Sequence[Deployment], today: dt.date) -> dict[int, Finding]:
    """The planned start against the role's lead times, through `roles.leadtime.planning_gap`.

    Not yet possible to recruit a trained post-holder: not started. Possible only with trained
    post-holders (a trainee would not qualify in time): partly. Otherwise in place. A role already past
    planning is not applicable; a missing date or lead time is not known.
    """
    out = {}
    for d in deployments:
        if d.status != "planned":
            out[d.pk] = Finding(NOT_APPLICABLE, f"The role is past planning ({d.get_status_display().lower()}).")
            continue
        if d.role_id is None:
            out[d.pk] = _unmatched(d, "its lead time")
            continue
        gap = planning_gap(d.role, d.planned_start, today)
        edit = (Link("Change the deployment", reverse("mapping:deployment_edit", args=[d.pk])),)
        if gap is None:
            out[d.pk] = Finding(NOT_KNOWN, "No planned start date is recorded.",
                                "Record the planned start on the deployment's page.", edit)  # fmt: skip
        elif gap.recruit_months is None:
            out[d.pk] = Finding(
                NOT_KNOWN, gap.sentence(),
                "Plan from the experience of trusts that deploy the role until its lead times are known.",
                (Link("The role in the catalogue", d.role.get_absolute_url()),),
            )  # fmt: skip
        elif gap.short:
            out[d.pk] = Finding(NOT_STARTED, gap.sentence(), "", edit)
        elif gap.too_short_to_train:
            out[d.pk] = Finding(
                PARTLY,
                gap.sentence() + " Only trained post-holders can be in post by then: a trainee would not qualify "
                "in time.",
                "Recruit trained post-holders for the first posts, or move the start back for trainees.",
                edit,
            )
        else:
            out[d.pk] = Finding(IN_PLACE, gap.sentence())
    return out


# Funding ------------------------------------------------------------------------------------------


def funding(deployments: Sequence[Deployment], today: dt.date) -> dict[int, Finding]:
    """The deployment's funding lines and their sustainability warnings (`funding.warnings`).

    No line: not started ("No funding recorded"). Lines with warnings: partly, each warning listed with
    a link to its line. Lines without warnings: in place.
    """
    lines = funding_warnings.lines_for_deployments(d.pk for d in deployments)
    out = {}
    for d in deployments:
        own = lines.get(d.pk, [])
        if not own:
            out[d.pk] = Finding(
                NOT_STARTED, "No funding recorded for the role in the funding register.",
                "Record the role's funding lines: who pays, until when, and whether backfill, supervision and "
                "ongoing support are covered.",
                (Link("The trust's funding register", reverse("funding:trust", args=[d.trust.ods_code])),),
            )  # fmt: skip
            continue
        found = [] if d.status == funding_warnings.DISCONTINUED else funding_warnings.warnings_for(own, today=today)
        count = f"{len(own)} funding line{'s' if len(own) != 1 else ''}"
        if found:
            out[d.pk] = Finding(
                PARTLY,
                f"{count} recorded, with {len(found)} sustainability warning{'s' if len(found) != 1 else ''}: "
                + "; ".join(dict.fromkeys(w.label.lower() for w in found))
                + ".",
                "Act on each warning: find successor funding before a cliff, and ask funders to cover backfill, "
                "supervision and ongoing support.",
                tuple(Link(w.message, w.url) for w in found),
            )
        else:
            out[d.pk] = Finding(IN_PLACE, f"{count} recorded, with no sustainability warning.")
    return out


# Each computed item's key in the framework file names its computation here.
COMPUTATIONS: dict[str, Computation] = {
    "supervision": supervision,
    "examples_elsewhere": examples_elsewhere,
    "off_the_shelf_pack": off_the_shelf_pack,
    "forewarning": forewarning,
    "funding": funding,
}


def compute(keys: Sequence[str], deployments: Sequence[Deployment], today: dt.date) -> dict[str, dict[int, Finding]]:
    """The findings of the computed items `keys` for every deployment: key -> deployment id -> finding.

    The deployments need their trust and role read with them (`select_related("trust", "role")`).
    """
    deployments = list(deployments)
    if not deployments:
        return {}
    return {key: COMPUTATIONS[key](deployments, today) for key in keys if key in COMPUTATIONS}
