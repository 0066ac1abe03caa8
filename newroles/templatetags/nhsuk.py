"""Template tags that render Django form fields and errors with NHS.UK frontend markup."""

from __future__ import annotations

from typing import Any

from django import template
from django.core.exceptions import ValidationError
from django.forms import BaseForm, BaseFormSet, BoundField, Form

from newroles.lib.forms import date_parts, mark_errors, widget_kind

register = template.Library()


@register.inclusion_tag("nhsuk/field.html")
def nhsuk_field(field: BoundField, label_size: str = "", hint: str = "") -> dict[str, Any]:
    """One form group: label, hint, error message and the widget."""
    mark_errors(field)
    kind = widget_kind(field.field.widget)
    return {
        "field": field,
        "kind": kind,
        "date_parts": date_parts(field) if kind == "date" else [],
        "label_size": label_size,
        "hint": hint or field.help_text,
    }


@register.inclusion_tag("nhsuk/error_summary.html")
def nhsuk_error_summary(*forms: Form) -> dict[str, Any]:
    """The error summary at the top of a page: one entry for each field with an error, linking to it.

    A field shows only its first error here (the message beside the field gives any others), so one empty
    field is one entry. Django's own messages ("This field is required.") do not say which field they are
    about, so the summary puts the field's label before them; the product's own messages name their field.
    """
    items = []
    for form in forms:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append({"href": "", "text": error})
        for name, errors in form.errors.as_data().items():
            if name == "__all__" or not errors:
                continue
            bound = form[name]
            items.append({"href": f"#{bound.id_for_label or 'id_' + name}", "text": _summary_text(bound, errors[0])})
    return {"items": items}


def _summary_text(bound: BoundField, error: ValidationError) -> str:
    """The error's message, after the field's label when the message is one of Django's generic ones."""
    message = next(iter(error))
    # Django's fields and validators give every error a code; the product's own messages have none.
    if not error.code:
        return message
    label = str(bound.label or name_from(bound.name)).strip()
    separator = " " if label.endswith(("?", ".", ":")) else ": "
    return f"{label}{separator}{message}"


def name_from(field_name: str) -> str:
    return field_name.replace("_", " ").capitalize()


@register.simple_tag(takes_context=True)
def error_title_prefix(context: Any) -> str:
    """ "Error: " before the page title when the page shows a form again with its errors (NHS.UK pattern)."""
    for value in context.flatten().values():
        if isinstance(value, BaseForm) and value.is_bound and value.errors:
            return "Error: "
        if isinstance(value, BaseFormSet) and value.is_bound and value.total_error_count():
            return "Error: "
    return ""


@register.filter
def get_item(mapping: Any, key: Any) -> Any:
    """mapping[key] in a template, or '' when absent."""
    try:
        return mapping[key]
    except (KeyError, IndexError, TypeError):
        return ""


@register.simple_tag(takes_context=True)
def query_with(context: Any, **changes: Any) -> str:
    """The current query string with some parameters changed (for sort links, pages and exports)."""
    query = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            query.pop(key, None)
        else:
            query[key] = value
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else "?"


@register.inclusion_tag("_breadcrumbs.html")
def breadcrumbs(*pairs: str) -> dict[str, Any]:
    """{% breadcrumbs "Trusts" trusts_url "Sheffield" trust_url %}: label/url pairs, the last is the back link."""
    crumbs = list(zip(pairs[::2], pairs[1::2], strict=True))
    return {"crumbs": crumbs}
