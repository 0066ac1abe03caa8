"""Form helpers that give Django widgets the NHS.UK frontend classes and error markup."""

from __future__ import annotations

import copy
import datetime as dt
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
    if isinstance(widget, DateInputs):
        return "date"
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


# Latin abbreviations read badly aloud and are not plain English (NHS.UK content style): say the words.
_PLAIN = [(re.compile(r"\be\.g\.,?\s*"), "for example "), (re.compile(r"\bi\.e\.,?\s*"), "that is ")]


def plain_hint(text: Any) -> str:
    """A hint with "e.g." and "i.e." written out, as the NHS.UK content style asks."""
    out = str(text or "")
    for pattern, words in _PLAIN:
        out = pattern.sub(words, out)
    return out


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
            elif field.help_text:
                field.help_text = plain_hint(field.help_text)
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


DATE_PARTS = ("day", "month", "year")


class DateInputs(forms.MultiWidget):
    """The NHS.UK date input: day, month and year boxes, posted as NAME_day, NAME_month and NAME_year.

    A browser's own date picker shows its own format (often not the one the hint gives); three boxes read
    the same everywhere. A single NAME=YYYY-MM-DD is still accepted, as scripts and the API's users send it.
    """

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        boxes = {part: forms.TextInput(attrs={"inputmode": "numeric"}) for part in DATE_PARTS}
        super().__init__(boxes, attrs)

    def decompress(self, value: Any) -> list[str]:
        if isinstance(value, str):
            value = _iso_date(value) or value
        if isinstance(value, dt.date):
            return [str(value.day), str(value.month), str(value.year)]
        return ["", "", ""]

    def value_from_datadict(self, data: Any, files: Any, name: str) -> list[str]:
        parts = [str(data.get(f"{name}_{part}", "") or "").strip() for part in DATE_PARTS]
        if not any(parts) and data.get(name):
            return self.decompress(str(data.get(name)))
        return parts

    def value_omitted_from_data(self, data: Any, files: Any, name: str) -> bool:
        return name not in data and all(f"{name}_{part}" not in data for part in DATE_PARTS)

    def id_for_label(self, id_: str) -> str:
        # The label (a legend) names the group; the error summary links to the day box, where typing starts.
        return f"{id_}_day" if id_ else ""


_ISO_HINT = re.compile(r"\s*\(YYYY-MM-DD\)")


def _iso_date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        return None


class DateField(forms.Field):
    """A date entered in the NHS.UK date input, with messages that name the field and say what to do.

    The messages are the product's own (no Django code), so the error summary shows them as they are:
    "Enter the date the funding starts", "Planned start must include a month", "... must be a real date".
    """

    widget = DateInputs

    def __init__(self, *, required_message: str = "", **kwargs: Any) -> None:
        for unused in ("input_formats", "max_length", "empty_value"):
            kwargs.pop(unused, None)
        # A model's help text may document its import column's format; the three boxes need no format.
        kwargs["help_text"] = _ISO_HINT.sub("", str(kwargs.get("help_text") or ""))
        super().__init__(**kwargs)
        self.required_message = required_message or str(self.error_messages["required"])
        if "required" in (kwargs.get("error_messages") or {}):
            self.required_message = str(kwargs["error_messages"]["required"])

    def _name(self) -> str:
        return str(self.label or "Date").strip().rstrip("?:.")

    def to_python(self, value: Any) -> dt.date | None:
        if isinstance(value, dt.date):
            return value
        if isinstance(value, str):
            value = self.widget.decompress(value) if value.strip() else ["", "", ""]
        parts = [str(p or "").strip() for p in (value or ["", "", ""])]
        if not any(parts):
            return None
        name = self._name()
        missing = [part for part, text in zip(DATE_PARTS, parts, strict=True) if not text]
        if missing:
            raise forms.ValidationError(f"{name} must include a {' and a '.join(missing)}")
        day, month, year = parts
        if not all(text.isdigit() for text in parts) or len(year) != 4:
            raise forms.ValidationError(
                f"{name} must be a real date: numbers only, with the year in 4 figures, for example 15 3 2027"
            )
        try:
            return dt.date(int(year), int(month), int(day))
        except ValueError:
            raise forms.ValidationError(f"{name} must be a real date") from None

    def validate(self, value: Any) -> None:
        if value is None and self.required:
            raise forms.ValidationError(self.required_message)

    def prepare_value(self, value: Any) -> Any:
        return value


def date_formfield(model_field: models.Field, **kwargs: Any) -> forms.Field | None:
    """A model form's field for a model field: dates get the NHS.UK date input, everything else Django's own."""
    if isinstance(model_field, models.DateField) and not isinstance(model_field, models.DateTimeField):
        if isinstance(kwargs.get("widget"), forms.DateInput):
            kwargs.pop("widget")  # a form's old single date box gives way to the three boxes
        kwargs["form_class"] = DateField
        return model_field.formfield(**kwargs)
    return model_field.formfield(**kwargs)


def date_parts(bound: Any) -> list[dict[str, Any]]:
    """The day, month and year boxes of a bound date field, for the field template to lay out."""
    widget = bound.field.widget
    value = bound.value()
    values = value if isinstance(value, list) else widget.decompress(value)
    auto_id = bound.auto_id
    widths = {"day": 2, "month": 2, "year": 4}
    return [
        {
            "part": part,
            "name": f"{bound.html_name}_{part}",
            "id": f"{auto_id}_{part}",
            "label": part.capitalize(),
            "value": text,
            "width": widths[part],
        }
        for part, text in zip(DATE_PARTS, values, strict=True)
    ]


class NHSForm(NHSFormMixin, forms.Form):
    pass


class _NHSModelFormMetaclass(forms.models.ModelFormMetaclass):
    """Gives every model form's Meta the date_formfield callback (Django reads it from the form's own Meta only)."""

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any]) -> Any:
        meta = attrs.get("Meta")
        if meta is not None and getattr(meta, "formfield_callback", None) is None:
            meta.formfield_callback = staticmethod(date_formfield)
        return super().__new__(mcs, name, bases, attrs)


class NHSModelForm(NHSFormMixin, forms.ModelForm, metaclass=_NHSModelFormMetaclass):
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
