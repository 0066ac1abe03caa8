"""The guided questions on a deployment's skill-mix change: one question a screen, in plain words.

The answers become a task shift in ``guided.py``; the pages that ask them belong to the mapping app. Starting
answers come from the role catalogue (band, level of training and expertise, whether the role brings practice
new to most teams) and are shown as the catalogue's, for the user to confirm or change. Tasks may come from
several roles: after each role, the next question asks for another, until the user says there is no other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms

from newroles.lib.bands import BAND_CHOICES
from newroles.lib.forms import NHSForm
from newroles.lib.levels import LEVEL_LABELS, LEVELS
from newroles.roles.models import Role
from newroles.skillmix.guided import (
    MAX_SOURCES,
    NO_SOURCE,
    UNSURE,
    band_key,
    chosen_sources,
    recipient_name,
    source_key,
)

YES_NO_UNSURE = [("yes", "Yes"), ("no", "No"), (UNSURE, "Not sure")]
BAND_ANSWERS = [("", "Choose a band"), *BAND_CHOICES, ("medical", "Medical: a doctor"), (UNSURE, "Not sure")]
SCOPE_ANSWERS = [
    ("none", "Nothing different from what the discipline usually does"),
    ("narrower", "They go deeper into a narrower area of their own discipline"),
    ("broader", "They take on broader tasks and responsibilities within their own discipline"),
    ("both", "Both: deeper in one area, and broader tasks and responsibilities, within their own discipline"),
]
# Short enough to read as a radio label; the catalogue's reason for a role's own level is in the hint.
LEVEL_ANSWERS = {
    "support": "Support: no professional qualification for the role, such as support workers",
    "associate": "Associate: trained for a defined scope, such as nursing associates and wellbeing practitioners",
    "registered_professional": "Registered professional: such as nurses, therapists, social workers, psychologists",
    "advanced": "Advanced and consultant practice: such as advanced practitioners and nurse consultants",
    "medical": "Medical: a doctor",
}
CATALOGUE_MARK = " (the role catalogue's answer for this role)"
ORDINALS = {2: "second", 3: "third", 4: "fourth"}

SOURCE_STEPS: tuple[str, ...] = tuple(
    step for n in range(1, MAX_SOURCES + 1) for step in (source_key(n), band_key(source_key(n)))
)
GUIDED_STEPS: tuple[str, ...] = ("band", "level", *SOURCE_STEPS, "scope", "novel", "evidence")


def guided_steps(answers: dict[str, Any]) -> list[str]:
    """The questions to ask, in order: a band for each role tasks come from, and another role after each."""
    sources = chosen_sources(answers)
    steps = ["band", "level"]
    for n in range(1, MAX_SOURCES + 1):
        steps.append(source_key(n))
        if n > len(sources):
            break  # not chosen (or no one's): ask no band, and no further role
        steps.append(band_key(source_key(n)))
    return [*steps, "scope", "novel", "evidence", "check"]


def _role_band_answer(role: Role | None) -> str:
    if role is None:
        return ""
    if role.medical:
        return "medical"
    return role.band_min if role.band_min and role.band_min == role.band_max else ""


def guided_defaults(deployment: Any) -> dict[str, Any]:
    """Starting answers from the role catalogue, for the user to confirm or change."""
    role = deployment.role if deployment.role_id else None
    return {
        "band": _role_band_answer(role),
        "level": role.level if role is not None else "",
        "scope": "none",
        "novel": "yes" if role is not None and role.new_practice else "no",
    }


@dataclass(frozen=True)
class Question:
    """One screen: the question (the page's heading), a hint, and how it is answered."""

    text: str
    hint: str
    widget: str  # radios, select or textarea
    choices: list[tuple[str, str]]
    required: bool = True


def _marked(choices: list[tuple[str, str]], catalogue_answer: str) -> list[tuple[str, str]]:
    """The choices, with the catalogue's own answer labelled as such (so the check page says so too)."""
    return [(value, label + (CATALOGUE_MARK if value == catalogue_answer else "")) for value, label in choices]


def _role_choices(exclude: set[str]) -> list[tuple[str, str]]:
    return [(str(r.pk), r.name) for r in Role.objects.order_by("name") if str(r.pk) not in exclude]


def _source_question(n: int, role: str, tense: str, answers: dict[str, Any]) -> Question:
    earlier = {str(pk) for _, pk in chosen_sources(answers)[: n - 1]}
    if n == 1:
        return Question(
            f"Whose tasks {tense} the {role} posts take on?",
            "The role whose work they do some of. If they take on tasks from several roles, choose one here: the "
            "next questions ask for the others. Choose 'No one's' if they only do work nobody did before.",
            "select",
            [("", "Choose a role"), (NO_SOURCE, "No one's: only new work"), *_role_choices(earlier)],
        )
    return Question(
        f"Whose tasks {tense} the {role} posts take on as well (a {ORDINALS[n]} role)?",
        "Another role whose work they do some of. Choose 'No other role' if that is all.",
        "select",
        [("", "Choose a role"), (NO_SOURCE, "No other role"), *_role_choices(earlier)],
    )


def _source_name(step: str, answers: dict[str, Any]) -> str:
    key = step.removesuffix("_band")
    role = Role.objects.filter(pk=answers.get(key)).first() if str(answers.get(key) or "").isdigit() else None
    return role.name if role else "that role"


def guided_question(step: str, deployment: Any, which: str, answers: dict[str, Any]) -> Question:
    role = recipient_name(deployment)
    catalogue_role = deployment.role if deployment.role_id else None
    unsure = "If you are not sure, say so: a fact left unknown is reported as missing, never guessed."
    tense = "will" if which == "intended" else "do"
    if step == "band":
        return Question(
            f"What pay band are the {role} posts?", f"Agenda for Change band. {unsure}", "select", BAND_ANSWERS
        )
    if step == "level":
        hint = "The level of training and expertise decides whether taking on another role's tasks is delegation."
        if catalogue_role is not None and catalogue_role.level:
            label = LEVEL_LABELS[catalogue_role.level].lower()
            hint = (
                f"The role catalogue puts {catalogue_role.name} posts at {label} level. "
                f"{catalogue_role.level_reason} Change it if these posts differ, for example trainee posts."
            )
        choices = [(level, LEVEL_ANSWERS[level]) for level in LEVELS] + [(UNSURE, "Not sure")]
        return Question(
            f"What level of training and expertise do the {role} posts need?",
            hint,
            "radios",
            _marked(choices, catalogue_role.level if catalogue_role is not None else ""),
        )
    for n in range(1, MAX_SOURCES + 1):
        if step == source_key(n):
            return _source_question(n, role, tense, answers)
        if step == band_key(source_key(n)):
            return Question(
                f"What pay band is the {_source_name(step, answers)} post whose tasks they take on?",
                unsure,
                "select",
                BAND_ANSWERS,
            )
    if step == "scope":
        return Question(f"Within their own discipline, what {tense} the {role} posts do?", "", "radios", SCOPE_ANSWERS)
    if step == "novel":
        hint = "For example lived experience, or an existing role taken into a new area of practice."
        catalogue_answer = ""
        if catalogue_role is not None and catalogue_role.new_practice_reason:
            catalogue_answer = "yes" if catalogue_role.new_practice else "no"
            hint = (
                f"The role catalogue's answer for {catalogue_role.name} posts is {catalogue_answer.title()}. "
                f"{catalogue_role.new_practice_reason} Change it if these posts differ."
            )
        return Question(
            f"{'Will' if which == 'intended' else 'Do'} the {role} posts take the service into something new?",
            hint,
            "radios",
            _marked([("yes", "Yes"), ("no", "No")], catalogue_answer),
        )
    if step == "evidence":
        if which == "intended":
            return Question(
                "Where is this intention written or said?",
                "For example the business case, the job description or a team meeting. Optional.",
                "textarea",
                [],
                required=False,
            )
        return Question(
            "What shows how the role works in practice?",
            "For example supervision records, a team review or an evaluation. Optional.",
            "textarea",
            [],
            required=False,
        )
    raise ValueError(f"no question for step {step!r}")  # fmt: skip


class GuidedAnswerForm(NHSForm):
    """One answer; the field is built from the step's Question."""

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if question.widget == "textarea":
            field: forms.Field = forms.CharField(
                label=question.text, required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 5})
            )
        else:
            widget = forms.RadioSelect if question.widget == "radios" else forms.Select
            field = forms.ChoiceField(
                label=question.text,
                choices=question.choices,
                widget=widget,
                error_messages={"required": "Choose an answer"},
            )
        field.help_text = question.hint
        self.fields["answer"] = field
        # The mixin styled the fields present at construction; this one is added after, so style it here.
        has_error = self.is_bound and bool(self.errors.get("answer"))
        css = {"radios": "nhsuk-radios__input", "select": "nhsuk-select", "textarea": "nhsuk-textarea"}
        error_css = {"select": " nhsuk-select--error", "textarea": " nhsuk-textarea--error"}
        field.widget.attrs["class"] = css[question.widget] + (error_css.get(question.widget, "") if has_error else "")
        described = (["id_answer-hint"] if question.hint else []) + (["id_answer-error"] if has_error else [])
        if described and question.widget != "radios":  # radios are described on their fieldset
            field.widget.attrs["aria-describedby"] = " ".join(described)
