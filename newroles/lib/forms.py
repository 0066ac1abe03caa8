"""Form helpers that give Django widgets the NHS.UK frontend classes and error markup."""

from __future__ import annotations

from typing import Any

from django import forms

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


class NHSFormMixin:
    """Adds NHS.UK classes, error classes and aria-describedby to every widget of the form."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[call-arg]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            widget = field.widget
            for widget_type, css in _WIDGET_CLASSES:
                if isinstance(widget, widget_type):
                    widget.attrs["class"] = (widget.attrs.get("class", "") + " " + css).strip()
                    break
            describedby = []
            if field.help_text:
                describedby.append(f"id_{name}-hint")
            if self.is_bound and name in self.errors:  # type: ignore[attr-defined]
                describedby.append(f"id_{name}-error")
                if isinstance(widget, forms.Select):
                    widget.attrs["class"] += " nhsuk-select--error"
                elif isinstance(widget, forms.Textarea):
                    widget.attrs["class"] += " nhsuk-textarea--error"
                elif isinstance(widget, forms.widgets.Input) and not isinstance(widget, forms.CheckboxInput):
                    widget.attrs["class"] += " nhsuk-input--error"
            if describedby and widget_kind(widget) in ("input", "file"):
                widget.attrs["aria-describedby"] = " ".join(describedby)


class NHSForm(NHSFormMixin, forms.Form):
    pass


class NHSModelForm(NHSFormMixin, forms.ModelForm):
    pass
