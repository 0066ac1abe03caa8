"""Pages for team compositions, their metrics, and scenarios of change. Each view's first lines decide access."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect

from newroles.accounts import policy
from newroles.lib.exports import download
from newroles.organisations.models import Team
from newroles.skillmix import charts, exports, services
from newroles.skillmix.forms import (
    GUIDED_STEPS,
    MAX_COMPARED,
    CompareForm,
    CompetenciesForm,
    CompositionCreateForm,
    CompositionForm,
    GuidedAnswerForm,
    PostAddForm,
    PostForm,
    ScenarioForm,
    change_form,
    guided_defaults,
    guided_question,
    guided_steps,
)
from newroles.skillmix.models import Composition, CompositionPost, DeploymentShift, Scenario, ScenarioChange
from newroles.skillmix.presentation import metric_sections
from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS

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


def _kinds_context() -> dict[str, Any]:
    return {"kind_labels": KIND_LABELS, "kind_definitions": KIND_DEFINITIONS}


# Compositions --------------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    compositions = policy.visible(request.user, COMPOSITIONS.all()).order_by("team__trust__name", "team__name", "name")
    if request.GET.get("team", "").isdigit():  # from a team's page: that team's compositions only
        compositions = compositions.filter(team_id=int(request.GET["team"]))
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
    form = CompositionCreateForm(request.POST or None, initial=initial, teams=teams, sources=sources)
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
    posts = services.current_posts(obj)
    if request.GET.get("format") in ("csv", "xlsx"):
        sheet = exports.posts_sheet("Posts", posts)
        filename = f"composition-{slugify(obj.team.name)}-{slugify(obj.name)}"
        return download(filename, sheet.headers, sheet.rows, request.GET["format"])
    required = services.required_competencies(obj.team)
    metrics = services.compute_metrics(obj, posts, required.competencies)
    scenarios = policy.visible(request.user, obj.scenarios.all())
    column = [("Now", metrics)]
    return render(
        request,
        "skillmix/composition.html",
        {
            "composition": obj,
            "team": obj.team,
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
        },
    )


@require_http_methods(["GET", "POST"])
def composition_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    form = CompositionForm(request.POST or None, instance=Composition.objects.get(pk=obj.pk))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_composition(actor=request.user, composition=obj, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            added = services.add_posts(actor=request.user, composition=obj, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.set_team_competencies(actor=request.user, team=obj.team, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Required competencies of {obj.team.name} saved.")
            return redirect(obj)
    return render(request, "skillmix/competencies_form.html", {"form": form, "composition": obj, "required": required})


# Scenarios -----------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def scenario_create(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, COMPOSITIONS, "change", pk=pk)
    form = ScenarioForm(request.POST or None, composition=obj)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.create_scenario(actor=request.user, composition=obj, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, f"Scenario '{created.name}' started. Add its changes below.")
            return redirect(created)
    return render(request, "skillmix/scenario_form.html", {"form": form, "composition": obj, "scenario": None})


def _scenario_context(request: HttpRequest, obj: Scenario) -> dict[str, Any]:
    result = services.scenario_result(obj)
    columns = [("Before", result.before), ("After", result.after)]
    return {
        "scenario": obj,
        "composition": obj.composition,
        "team": obj.composition.team,
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
        return _export(obj.composition, [obj])
    return render(request, "skillmix/scenario.html", _scenario_context(request, obj))


@require_http_methods(["GET", "POST"])
def scenario_edit(request: HttpRequest, pk: int) -> HttpResponse:
    obj = policy.get_for_user(request.user, SCENARIOS, "change", pk=pk)
    form = ScenarioForm(request.POST or None, instance=Scenario.objects.get(pk=obj.pk), composition=obj.composition)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_scenario(actor=request.user, scenario=obj, **form.cleaned_data)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
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
    if request.method == "POST" and form.is_valid():
        try:
            services.add_change(actor=request.user, scenario=obj, kind=kind, **form.service_fields())
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
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
        return _export(obj, chosen)
    context: dict[str, Any] = {"composition": obj, "form": form, "chosen": chosen, "max_compared": MAX_COMPARED}
    if chosen:
        results = [services.scenario_result(s) for s in chosen]
        before = results[0].before
        names = ["Now"] + [s.name for s in chosen]
        columns = [before] + [r.after for r in results]
        context.update(
            {
                "results": results,
                "names": names,
                "sections": metric_sections(columns),
                "charts": [
                    charts.staff_group_chart(list(zip(names, columns, strict=True))),
                    charts.band_profile_chart(
                        [("Now", [p.to_metrics() for p in results[0].before_posts])]
                        + [
                            (s.name, [p.to_metrics() for p in r.after_posts])
                            for s, r in zip(chosen, results, strict=True)
                        ]
                    ),
                ],
                **_kinds_context(),
            }
        )
    return render(request, "skillmix/compare.html", context)


def _export(composition_obj: Composition, scenarios: list[Scenario]) -> HttpResponse:
    """One workbook: metrics now and after each scenario, change kinds, staff groups, and every team's posts."""
    results = [services.scenario_result(s) for s in scenarios]
    names = ["Now"] + [s.name for s in scenarios] if len(scenarios) > 1 else ["Before", "After"]
    columns = [results[0].before] + [r.after for r in results]
    team = composition_obj.team
    preamble = [
        ["Team", team.name],
        ["Trust", team.trust.name],
        ["Composition", composition_obj.name],
        *[["Scenario", s.name, s.description] for s in scenarios],
        ["Pay year", composition_obj.pay_year, f"{composition_obj.get_pay_point_display()}"],
        ["Employer on-costs (%)", float(composition_obj.on_cost_percent)],
        ["Supervision hours each supervisor gives a week", float(composition_obj.supervisor_hours_per_wte)],
    ]
    sheets = [
        exports.metrics_sheet(names, columns, preamble),
        exports.kinds_sheet([(s.name, k) for s, r in zip(scenarios, results, strict=True) for k in r.change_kinds]),
        exports.staff_groups_sheet(names, columns),
        exports.posts_sheet(f"Posts {names[0]}", results[0].before_posts),
    ]
    for name, result in zip(names[1:], results, strict=True):
        sheets.append(exports.posts_sheet(f"Posts {name}"[:31], result.after_posts))
    stem = scenarios[0].name if len(scenarios) == 1 else f"{composition_obj.name} comparison"
    return exports.xlsx_response(f"skill-mix-{slugify(team.name)}-{slugify(stem)}", sheets)


# Deployments: the guided questions for the intended and the actual change ------------------------------


def _deployment(request: HttpRequest, pk: int, action: str = "view") -> Any:
    from newroles.mapping.models import Deployment

    return policy.get_for_user(request.user, Deployment.objects.select_related("trust", "role"), action, pk=pk)


def _session_key(pk: int, which: str) -> str:
    return f"skillmix-shift-{pk}-{which}"


def _saved_answers(deployment: Any, which: str) -> dict[str, Any] | None:
    saved = DeploymentShift.objects.filter(deployment=deployment, which=which).first()
    return dict(saved.answers) if saved else None


def _starting_answers(deployment: Any, which: str) -> dict[str, Any]:
    """The saved answers; for a first actual change, the intended answers to change only what differs."""
    saved = _saved_answers(deployment, which)
    if saved is None and which == DeploymentShift.ACTUAL:
        saved = _saved_answers(deployment, DeploymentShift.INTENDED)
        if saved is not None:
            saved.pop("evidence", None)
    return saved if saved is not None else guided_defaults(deployment)


def deployment_shifts(request: HttpRequest, pk: int) -> HttpResponse:
    deployment = _deployment(request, pk)
    shifts = {s.which: s for s in DeploymentShift.objects.filter(deployment=deployment)}
    rows = []
    for which, label in DeploymentShift.WHICH_CHOICES:
        saved = shifts.get(which)
        kinds = list(getattr(deployment, f"{which}_kinds") or [])
        rows.append({"which": which, "label": label, "saved": saved, "kinds": kinds})
    return render(
        request,
        "skillmix/deployment_shifts.html",
        {
            "deployment": deployment,
            "rows": rows,
            "role_name": services.recipient_name(deployment),
            "can_edit": policy.can_change_in(request.user, deployment.trust_id),
            **_kinds_context(),
        },
    )


def shift_start(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    deployment = _deployment(request, pk, "change")
    if which not in dict(DeploymentShift.WHICH_CHOICES):
        raise Http404("No such change.")
    request.session[_session_key(deployment.pk, which)] = _starting_answers(deployment, which)
    return redirect("skillmix:shift_step", deployment.pk, which, "band")


def _step_url(pk: int, which: str, step: str) -> str:
    return reverse("skillmix:shift_step", args=[pk, which, step])


def _render_step(request: HttpRequest, context: dict[str, Any], *, push: bool = False) -> HttpResponse:
    template = "skillmix/_shift_step.html" if request.htmx else "skillmix/shift_step.html"
    response = render(request, template, context)
    if request.htmx and push:
        response["HX-Push-Url"] = context["step_url"]
    return response


def _step_context(deployment: Any, which: str, step: str, answers: dict[str, Any], form: Any) -> dict[str, Any]:
    steps = guided_steps(answers)
    index = steps.index(step)
    back = _step_url(deployment.pk, which, steps[index - 1]) if index else None
    context: dict[str, Any] = {
        "deployment": deployment,
        "which": which,
        "which_label": dict(DeploymentShift.WHICH_CHOICES)[which],
        "step": step,
        "step_number": index + 1,
        "step_count": len(steps),
        "step_url": _step_url(deployment.pk, which, step),
        "back_url": back or reverse("skillmix:deployment_shifts", args=[deployment.pk]),
        "form": form,
        **_kinds_context(),
    }
    if step == "check":
        context["summary"] = [
            {
                "question": guided_question(s, deployment, which, answers).text,
                "answer": _answer_text(s, deployment, which, answers),
                "url": _step_url(deployment.pk, which, s),
            }
            for s in steps[:-1]
        ]
        context["classification"] = services.classify_answers(deployment, answers)
    else:
        context["question"] = guided_question(step, deployment, which, answers)
    return context


def _answer_text(step: str, deployment: Any, which: str, answers: dict[str, Any]) -> str:
    value = answers.get(step)
    if value in (None, ""):
        return "Not answered"
    question = guided_question(step, deployment, which, answers)
    if question.widget == "textarea":
        return str(value)
    return dict(question.choices).get(str(value), str(value))


@require_http_methods(["GET", "POST"])
def shift_step(request: HttpRequest, pk: int, which: str, step: str) -> HttpResponse:
    deployment = _deployment(request, pk, "change")
    if which not in dict(DeploymentShift.WHICH_CHOICES) or step not in (*GUIDED_STEPS, "check"):
        raise Http404("No such question.")
    key = _session_key(deployment.pk, which)
    answers: dict[str, Any] = request.session.get(key) or _starting_answers(deployment, which)
    steps = guided_steps(answers)
    if step not in steps:  # a question that does not apply to the answers so far
        return redirect(_step_url(deployment.pk, which, steps[0]))
    if step == "check":
        if request.method == "POST":
            services.save_deployment_shift(actor=request.user, deployment=deployment, which=which, answers=answers)
            request.session.pop(key, None)
            messages.success(request, f"{dict(DeploymentShift.WHICH_CHOICES)[which]} saved on the deployment.")
            target = reverse("skillmix:deployment_shifts", args=[deployment.pk])
            return HttpResponseClientRedirect(target) if request.htmx else redirect(target)
        return _render_step(request, _step_context(deployment, which, step, answers, None))
    question = guided_question(step, deployment, which, answers)
    form = GuidedAnswerForm(
        request.POST if request.method == "POST" else None, question=question, initial={"answer": answers.get(step)}
    )
    if request.method == "POST" and form.is_valid():
        answers[step] = form.cleaned_data["answer"]
        request.session[key] = answers
        following = guided_steps(answers)
        next_step = following[following.index(step) + 1]
        if request.htmx:
            next_form = None
            if next_step != "check":
                next_question = guided_question(next_step, deployment, which, answers)
                next_form = GuidedAnswerForm(question=next_question, initial={"answer": answers.get(next_step)})
            return _render_step(request, _step_context(deployment, which, next_step, answers, next_form), push=True)
        return redirect(_step_url(deployment.pk, which, next_step))
    request.session[key] = answers
    return _render_step(request, _step_context(deployment, which, step, answers, form))
