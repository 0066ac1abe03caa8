"""Pages: the guided questions on a deployment's intended and actual skill-mix change, one question a screen.

The questions and the task shift they describe are skill-mix's (``skillmix/forms.py``, ``skillmix/guided.py``);
the pages live here because they are about a deployment and end by writing its change kinds.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from django_htmx.http import HttpResponseClientRedirect

from newroles.accounts import policy
from newroles.mapping import services
from newroles.mapping.models import Deployment
from newroles.skillmix import guided
from newroles.skillmix.forms import GUIDED_STEPS, GuidedAnswerForm, guided_defaults, guided_question, guided_steps
from newroles.skillmix.models import DeploymentShift
from newroles.skillmix.typology import KIND_DEFINITIONS, KIND_LABELS

KINDS_CONTEXT = {"kind_labels": KIND_LABELS, "kind_definitions": KIND_DEFINITIONS}


def _deployment(request: HttpRequest, pk: int, action: str = "view") -> Deployment:
    return policy.get_for_user(request.user, Deployment.objects.select_related("trust", "role"), action, pk=pk)


def _session_key(pk: int, which: str) -> str:
    return f"skillmix-shift-{pk}-{which}"


def _saved_answers(deployment: Deployment, which: str) -> dict[str, Any] | None:
    saved = DeploymentShift.objects.filter(deployment=deployment, which=which).first()
    return dict(saved.answers) if saved else None


def _starting_answers(deployment: Deployment, which: str) -> dict[str, Any]:
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
        "mapping/deployment_shifts.html",
        {
            "deployment": deployment,
            "rows": rows,
            "role_name": guided.recipient_name(deployment),
            "can_edit": policy.can_change_in(request.user, deployment.trust_id),
            **KINDS_CONTEXT,
        },
    )


def shift_start(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    deployment = _deployment(request, pk, "change")
    if which not in dict(DeploymentShift.WHICH_CHOICES):
        raise Http404("No such change.")
    request.session[_session_key(deployment.pk, which)] = _starting_answers(deployment, which)
    return redirect("mapping:shift_step", deployment.pk, which, "band")


def _step_url(pk: int, which: str, step: str) -> str:
    return reverse("mapping:shift_step", args=[pk, which, step])


def _render_step(request: HttpRequest, context: dict[str, Any], *, push: bool = False) -> HttpResponse:
    template = "mapping/_shift_step.html" if request.htmx else "mapping/shift_step.html"
    response = render(request, template, context)
    if request.htmx and push:
        response["HX-Push-Url"] = context["step_url"]
    return response


def _step_context(deployment: Deployment, which: str, step: str, answers: dict[str, Any], form: Any) -> dict[str, Any]:
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
        "back_url": back or reverse("mapping:deployment_shifts", args=[deployment.pk]),
        "form": form,
        **KINDS_CONTEXT,
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
        context["classification"] = guided.classify_answers(deployment, answers)
    else:
        context["question"] = guided_question(step, deployment, which, answers)
    return context


def _answer_text(step: str, deployment: Deployment, which: str, answers: dict[str, Any]) -> str:
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
            services.save_change_answers(actor=request.user, deployment=deployment, which=which, answers=answers)
            request.session.pop(key, None)
            messages.success(request, f"{dict(DeploymentShift.WHICH_CHOICES)[which]} saved on the deployment.")
            target = reverse("mapping:deployment_shifts", args=[deployment.pk])
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
