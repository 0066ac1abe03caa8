"""Pages for team compositions, their metrics, and scenarios of change. Each view's first lines decide access."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST

from newroles.accounts import disclosure, policy
from newroles.lib.exports import download
from newroles.lib.forms import form_copy, parse_id
from newroles.organisations.models import Team
from newroles.skillmix import charts, exports, results, services
from newroles.skillmix.forms import (
    MAX_COMPARED,
    CompareForm,
    CompetenciesForm,
    CompositionCreateForm,
    CompositionForm,
    PostAddForm,
    PostForm,
    ScenarioForm,
    change_form,
)
from newroles.skillmix.models import Composition, CompositionPost, Scenario, ScenarioChange
from newroles.skillmix.presentation import metric_sections
from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS

T = TypeVar("T")
COMPOSITIONS = Composition.objects.select_related("team", "team__trust")
SCENARIOS = Scenario.objects.select_related("composition", "composition__team", "composition__team__trust")
BRIEFING_SUPERVISION = (
    "Ensuring teams have capacity to take on additional work of formal supervision and informal mentoring of "
    "staff in new roles."
)


def _can_edit(request: HttpRequest, composition: Composition) -> bool:
    return policy.can_change_in(request.user, composition.team.trust_id)


def _apply_errors(form: Any, exc: ValidationError) -> None:
    """Put a model or service ValidationError on the form: on its field when the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _save_posted(
    request: HttpRequest,
    form: Any,
    service: Callable[..., T],
    *,
    fields: Callable[[], dict[str, Any]] | None = None,
    **arguments: Any,
) -> T | None:
    """On a valid POST, call the service with the acting user, `arguments` and the form's fields (its cleaned
    data, or what `fields` shapes from it); a ValidationError the service raises goes onto the form.

    Returns what the service returned, or None when nothing was saved (not a POST, not valid, or refused).
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        return service(actor=request.user, **arguments, **(fields() if fields else form.cleaned_data))
    except ValidationError as exc:
        _apply_errors(form, exc)
        return None


def _kinds_context() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "kind_definitions": KIND_DEFINITIONS}


# Compositions --------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    compositions = policy.visible(request.user, COMPOSITIONS.all()).order_by("team__trust__name", "team__name", "name")
    if request.GET.get("team", "").isdigit():  # from a team's page: that team's compositions only
        compositions = compositions.filter(team_id=parse_id(request.GET["team"]))
    compositions = list(compositions)
    for c in compositions:
        c.team_name = disclosure.team_name(request.user, c.team)  # type: ignore[attr-defined]
    grouped = [(trust, list(items)) for trust, items in groupby(compositions, key=lambda c: c.team.trust)]
    can_add = policy.editable(request.user, Team.objects.all()).exists()
    return render(request, "skillmix/index.html", {"grouped": grouped, "can_add": can_add, **_kinds_context()})


@require_http_methods(["GET", "POST"])
def composition_create(request: HttpRequest) -> HttpResponse:
    teams = policy.editable(request.user, Team.objects.all()).order_by("trust__name", "name")
    initial: dict[str, Any] = {}
    if request.GET.get("team"):
        team = policy.get_for_user(request.user, Team, "change", pk=request.GET["team"])
        initial["team"] = team.pk
    elif not (policy.is_admin(request.user) or request.user.trust_ids(*policy.EDIT_ROLES)):  # type: ignore[union-attr]
        raise PermissionDenied("Only a trust's editors add team compositions.")
    sources = policy.visible(request.user, COMPOSITIONS.all())
    form = CompositionCreateForm(request.POST or None, initial=initial, teams=teams, sources=sources, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        team, source = data.pop("team"), data.pop("copy_from")
        try:
            if source is not None:
                fields = {k: v for k, v in data.items() if k in ("as_of", "description", "is_shared")}
                created = services.copy_composition(
                    actor=request.user, source=source, team=team, name=data["name"], **fields
                )
            else:
                created = services.create_composition(actor=request.user, team=team, **data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Composition '{created.name}' added to {team.name}.")
            return redirect(created)
    editable_trusts = policy.editor_trusts(request.user)
    return render(
        request,
        "skillmix/composition_form.html",
        {"form": form, "composition": None, "no_teams": not teams.exists(), "editable_trusts": editable_trusts},
    )


def composition(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, pk=pk)
    posts = results.current_posts(obj)
    if request.GET.get("format") in ("csv", "xlsx"):
        sheet = exports.posts_sheet("Posts", posts)
        filename = f"composition-{slugify(disclosure.team_name(request.user, obj.team))}-{slugify(obj.name)}"
        return download(filename, sheet.headers, sheet.rows, request.GET["format"])
    required = services.required_competencies(obj.team)
    metrics = results.compute_metrics(obj, posts, required.competencies)
    scenarios = policy.visible(request.user, obj.scenarios.all())
    column = [("Now", metrics)]
    return render(
        request,
        "skillmix/composition.html",
        {
            "composition": obj,
            "team": obj.team,
            "team_name": disclosure.team_name(request.user, obj.team),
            "trust": obj.team.trust,
            "posts": obj.posts.select_related("role"),
            "metrics": metrics,
            "sections": metric_sections([metrics]),
            "names": ["Value"],
            "required": required,
            "scenarios": scenarios,
            "charts": [
                charts.staff_group_chart(column),
                charts.band_profile_chart([("Now", [p.to_metrics() for p in posts])]),
            ],
            "can_edit": _can_edit(request, obj),
            "is_member": policy.can_see_in(request.user, obj.team.trust_id),
        },
    )


@require_http_methods(["GET", "POST"])
def composition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    form = CompositionForm(request.POST or None, instance=form_copy(obj))
    if _save_posted(request, form, services.update_composition, composition=obj) is not None:
        messages.success(request, "Composition saved.")
        return redirect(obj)
    return render(request, "skillmix/composition_form.html", {"form": form, "composition": obj})


@require_POST
def composition_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    name = str(obj)
    services.delete_composition(actor=request.user, composition=obj)
    messages.success(request, f"Composition '{name}' removed, with its scenarios.")
    return redirect("skillmix:index")


# Posts ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def post_add(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    form = PostAddForm(request.POST or None)
    added = _save_posted(request, form, services.add_posts, fields=form.service_fields, composition=obj)
    if added is not None:
        messages.success(request, f"{len(added)} post{'s' if len(added) != 1 else ''} added.")
        if "add_another" in request.POST:
            return redirect("skillmix:post_add", obj.pk)
        return redirect(obj)
    return render(request, "skillmix/post_form.html", {"form": form, "composition": obj, "post": None})


@require_http_methods(["GET", "POST"])
def post_edit(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    post = policy.get_for_user(
        request.user, CompositionPost.objects.select_related("composition__team__trust"), "change",
        pk=post_pk, composition_id=pk,
    )  # fmt: skip
    form = PostForm(request.POST or None, initial=PostForm.initial_for(post))
    if request.method == "POST" and form.is_valid():
        fields = form.service_fields()
        for name in ("registered", "supervises_others"):
            if fields[name] is None:  # "as usual for the role": take the catalogue's fact for the chosen role
                role = fields["role"]
                fields[name] = services.registered_by_default(role) if name == "registered" else role.supervises_others
        try:
            services.update_post(actor=request.user, post=post, **fields)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, "Post saved.")
            return redirect(post.composition)
    return render(request, "skillmix/post_form.html", {"form": form, "composition": post.composition, "post": post})


@require_POST
def post_delete(request: HttpRequest, pk: int, post_pk: int) -> HttpResponse:
    post = policy.get_for_user(request.user, CompositionPost, "change", pk=post_pk, composition_id=pk)
    composition_obj = post.composition
    try:
        services.delete_post(actor=request.user, post=post)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, "Post removed.")
    return redirect(composition_obj)


@require_http_methods(["GET", "POST"])
def competencies_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    required = services.required_competencies(obj.team)
    form = CompetenciesForm(
        request.POST or None, initial={"competencies": required.competencies, "note": required.note}
    )
    if request.method == "POST" and "use_default" in request.POST:
        services.clear_team_competencies(actor=request.user, team=obj.team)
        messages.success(request, f"{obj.team.name} now uses the default list for its service type.")
        return redirect(obj)
    if _save_posted(request, form, services.set_team_competencies, team=obj.team) is not None:
        messages.success(request, f"Required competencies of {obj.team.name} saved.")
        return redirect(obj)
    return render(request, "skillmix/competencies_form.html", {"form": form, "composition": obj, "required": required})


# Scenarios -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def scenario_create(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    form = ScenarioForm(request.POST or None, composition=obj)
    created = _save_posted(request, form, services.create_scenario, composition=obj)
    if created is not None:
        messages.success(request, f"Scenario '{created.name}' started. Add its changes below.")
        return redirect(created)
    return render(request, "skillmix/scenario_form.html", {"form": form, "composition": obj, "scenario": None})


def _scenario_context(request: HttpRequest, obj: Scenario) -> dict[str, Any]:
    result = results.scenario_result(obj)
    columns = [("Before", result.before), ("After", result.after)]
    return {
        "scenario": obj,
        "composition": obj.composition,
        "team": obj.composition.team,
        "team_name": disclosure.team_name(request.user, obj.composition.team),
        "trust": obj.composition.team.trust,
        "result": result,
        "sections": metric_sections([result.before, result.after]),
        "names": ["Before", "After"],
        "charts": [
            charts.staff_group_chart(columns),
            charts.band_profile_chart(
                [
                    ("Before", [p.to_metrics() for p in result.before_posts]),
                    ("After", [p.to_metrics() for p in result.after_posts]),
                ]
            ),
        ],
        "briefing_supervision": BRIEFING_SUPERVISION,
        "can_edit": _can_edit(request, obj.composition),
        "change_kinds": [(k, label) for k, label in ScenarioChange.KIND_CHOICES],
        **_kinds_context(),
    }


def scenario(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, SCENARIOS, pk=pk)
    if request.GET.get("format") == "xlsx":
        return _export(request, obj.composition, [obj])
    return render(request, "skillmix/scenario.html", _scenario_context(request, obj))


@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, SCENARIOS, "change", pk=pk)
    form = ScenarioForm(request.POST or None, instance=form_copy(obj), composition=obj.composition)
    if _save_posted(request, form, services.update_scenario, scenario=obj) is not None:
        messages.success(request, "Scenario saved.")
        return redirect(obj)
    return render(
        request, "skillmix/scenario_form.html", {"form": form, "composition": obj.composition, "scenario": obj}
    )


@require_POST
def scenario_delete(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, SCENARIOS, "change", pk=pk)
    composition_obj = obj.composition
    services.delete_scenario(actor=request.user, scenario=obj)
    messages.success(request, f"Scenario '{obj.name}' removed.")
    return redirect(composition_obj)


@require_http_methods(["GET", "POST"])
def change_add(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    obj = policy.get_for_user(request.user, SCENARIOS, "change", pk=pk)
    if kind not in dict(ScenarioChange.KIND_CHOICES):
        raise Http404("No such kind of change.")
    form = change_form(kind, obj, request.POST or None)
    if (
        _save_posted(request, form, services.add_change, fields=form.service_fields, scenario=obj, kind=kind)
        is not None
    ):
        messages.success(request, "Change added. The before and after below include it.")
        return redirect(obj)
    label = dict(ScenarioChange.KIND_CHOICES)[kind]
    return render(
        request, "skillmix/change_form.html", {"form": form, "scenario": obj, "kind": kind, "kind_label": label}
    )


@require_POST
def change_delete(request: HttpRequest, pk: int, change_pk: int) -> HttpResponse:
    change = policy.get_for_user(request.user, ScenarioChange, "change", pk=change_pk, scenario_id=pk)
    scenario_obj = change.scenario
    services.delete_change(actor=request.user, change=change)
    messages.success(request, "Change removed.")
    return redirect(scenario_obj)


def compare(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, pk=pk)
    available = policy.visible(request.user, obj.scenarios.all())
    form = CompareForm(request.GET if "scenarios" in request.GET else None, scenarios=available)
    chosen: list[Scenario] = form.cleaned_data["scenarios"] if form.is_bound and form.is_valid() else []
    if chosen and request.GET.get("format") == "xlsx":
        return _export(request, obj, chosen)
    context: dict[str, Any] = {"composition": obj, "form": form, "chosen": chosen, "max_compared": MAX_COMPARED,
                               "team_name": disclosure.team_name(request.user, obj.team)}  # fmt: skip
    if chosen:
        outcomes = [results.scenario_result(s) for s in chosen]
        before = outcomes[0].before
        names = ["Now"] + [s.name for s in chosen]
        columns = [before] + [r.after for r in outcomes]
        context.update(
            {
                "results": outcomes,
                "names": names,
                "sections": metric_sections(columns),
                "charts": [
                    charts.staff_group_chart(list(zip(names, columns, strict=True))),
                    charts.band_profile_chart(
                        [("Now", [p.to_metrics() for p in outcomes[0].before_posts])]
                        + [
                            (s.name, [p.to_metrics() for p in r.after_posts])
                            for s, r in zip(chosen, outcomes, strict=True)
                        ]
                    ),
                ],
                **_kinds_context(),
            }
        )
    return render(request, "skillmix/compare.html", context)


def _export(request: HttpRequest, composition_obj: Composition, scenarios: list[Scenario]) -> HttpResponse:
    """One workbook: metrics now and after each scenario, change kinds, staff groups, and every team's posts."""
    outcomes = [results.scenario_result(s) for s in scenarios]
    names = ["Now"] + [s.name for s in scenarios] if len(scenarios) > 1 else ["Before", "After"]
    columns = [outcomes[0].before] + [r.after for r in outcomes]
    team = composition_obj.team
    team_name = disclosure.team_name(request.user, team)
    preamble = [
        ["Team", team_name],
        ["Trust", team.trust.name],
        ["Composition", composition_obj.name],
        *[["Scenario", s.name, s.description] for s in scenarios],
        ["Pay year", composition_obj.pay_year, f"{composition_obj.get_pay_point_display()}"],
        ["Employer on-costs (%)", float(composition_obj.on_cost_percent)],
        ["Supervision hours each supervisor gives a week", float(composition_obj.supervisor_hours_per_wte)],
    ]
    sheets = [
        exports.metrics_sheet(names, columns, preamble),
        exports.kinds_sheet([(s.name, k) for s, r in zip(scenarios, outcomes, strict=True) for k in r.change_kinds]),
        exports.staff_groups_sheet(names, columns),
        exports.posts_sheet(f"Posts {names[0]}", outcomes[0].before_posts),
    ]
    for name, result in zip(names[1:], outcomes, strict=True):
        sheets.append(exports.posts_sheet(f"Posts {name}"[:31], result.after_posts))
    stem = scenarios[0].name if len(scenarios) == 1 else f"{composition_obj.name} comparison"
    return exports.xlsx_response(f"skill-mix-{slugify(team_name)}-{slugify(stem)}", sheets)
