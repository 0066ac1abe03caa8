from __future__ import annotations

from django import forms

from newroles.imports.registry import ImportKind
from newroles.lib.forms import NHSForm


class UploadForm(NHSForm):
    file = forms.FileField(
        label="Upload a file",
        help_text="CSV (comma, semicolon or tab separated; UTF-8 or Windows-1252) or an Excel .xlsx workbook.",
    )


class MappingForm(NHSForm):
    """One select per import field, listing the file's columns."""

    def __init__(self, kind: ImportKind, headers: list[str], *args, initial_mapping=None, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        choices = [("", "(not in this file)")] + [(h, h) for h in headers]
        for f in kind.fields:
            # The field template adds "(optional)" to fields that are not required.
            self.fields[f.name] = forms.ChoiceField(
                label=f.label,
                choices=choices,
                required=f.required,
                error_messages={"required": f"Choose the column that holds {f.label}: it is required."},
                help_text=f.help_text,
                initial=(initial_mapping or {}).get(f.name, ""),
            )
        # The mixin styled widgets before these fields existed.
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "nhsuk-select")

    def mapping(self) -> dict[str, str]:
        return {name: value for name, value in self.cleaned_data.items() if value}
