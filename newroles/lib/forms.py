"""Form helpers that give Django widgets the NHS.UK frontend classes and error markup."""

from __future__ import annotations

import copy
import re
from typing import Any, TypeVar

from django import forms
from django.db import models

M = TypeVar("M", bound=models.Model)

_WIDGET_CLASSES: list[tuple[type[forms.Widget], str]] = [
    (forms.CheckboxSelectMultiple, "nhsuk-checkboxes__input"),
    (forms.RadioSelect, "nhsuk-radios__input"),
    (forms.CheckboxInput, "nhsuk-checkboxes__input"),
    (forms.Select, "nhsuk-select"),
    (forms.Textarea, "nhsuk-textarea"),
    (forms.ClearableFileInput, "nhsuk-file-upload"),
    (forms.FileInput, "nhsuk-file-upload"),
    (forms.widgets.Input, "nhsuk-input"),
]


def widget_kind(widget: forms.Widget) -> str:
    """How the field template should lay the widget out."""
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    if isinstance(widget, forms.FileInput):
        return "file"
    return "input"


# A model's help text documents its import column ("One of: interview, questionnaire, ...", "yes lets ...",
# "(yes/no)", "defensive, proactive or blank"): written for a spreadsheet, not for a form. A form whose field
# keeps such a text from its model shows no hint rather than internal codes; forms give their own words.
_COLUMN_HINT = re.compile(
    r"\b[Oo]ne of:|\b[Aa]ny of:|^(yes|no)\b|\(yes/no\)|\byes or no\b|\bor blank\b|\b[a-z0-9]+_[a-z0-9_]+\b"
)


def is_column_hint(text: Any) -> bool:
    """Whether a help text is written for an import column (codes, yes/no) rather than for a person at a form."""
    return bool(text) and _COLUMN_HINT.search(str(text)) is not None


class NHSFormMixin:
    """Adds NHS.UK classes and the hint's aria-describedby to every widget of the form.

    Error classes are added when a field is rendered (`mark_errors`), not here: asking for the errors
    in __init__ would validate the form before a subclass finished setting its fields up.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            if is_column_hint(field.help_text):
                field.help_text = ""
            widget = field.widget
            for widget_type, css in _WIDGET_CLASSES:
                if isinstance(widget, widget_type):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
                    break
            if field.help_text and widget_kind(widget) in ("input", "file"):
                widget.attrs["aria-describedby"] = f"id_{name}-hint"


def mark_errors(bound_field: Any) -> None:
    """Give a field with errors the NHS.UK error class and point aria-describedby at its message."""
    if not bound_field.errors:
        return
    widget = bound_field.field.widget
    css = widget.attrs.get("class", "")
    for widget_type, error_css in (
        (forms.Select, "nhsuk-select--error"),
        (forms.Textarea, "nhsuk-textarea--error"),
        (forms.widgets.Input, "nhsuk-input--error"),
    ):
        if isinstance(widget, widget_type) and not isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            if error_css not in css:
                widget.attrs["class"] = f"{css} {error_css}".strip()
            break
    if widget_kind(widget) in ("input", "file"):
        described = widget.attrs.get("aria-describedby", "")
        error_id = f"{bound_field.auto_id}-error"
        if error_id not in described:
            widget.attrs["aria-describedby"] = f"{described} {error_id}".strip()


class NHSForm(NHSFormMixin, forms.Form):
    pass


class NHSModelForm(NHSFormMixin, forms.ModelForm):
    pass


def form_copy(obj: M) -> M:
    """A copy of a row for an edit form to validate into.

    A ModelForm's validation writes the posted values onto its instance. Edit views hand their service the
    row as it is stored (the policy check before the change and the audit record's "before" read it), so
    the form gets its own copy rather than the row itself.
    """
    return copy.copy(obj)


# The largest id a database integer column holds (signed 64 bits); a longer number in a query string is
# no row's id, and passing it on makes SQLite raise OverflowError (a 500) instead of finding nothing.
MAX_ID = 2**63 - 1


def parse_id(text: str | None) -> int | None:
    """A positive row id from a query string, or None when the text is not one (letters, too large)."""
    text = (text or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 19:
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


class IdMultipleChoiceField(forms.ModelMultipleChoiceField):
    """A multiple choice of rows that treats an id too large for the database as an invalid choice."""

    def _check_values(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        if key == "pk":
            for item in value:
                if parse_id(str(item)) is None:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item}
                    )
        return super()._check_values(value)
