"""The readiness check form: a date, then each asked factor with NHS.UK radios, its evidence and links."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone

from newroles.accounts import policy
from newroles.lib.forms import DateField, NHSForm, parse_id
from newroles.mapping.models import Deployment
from newroles.organisations.models import Region
from newroles.readiness.models import RATING_CHOICES, Assessment, FrameworkItem
from newroles.roles.models import Role, SharedDocument


class DocumentChoiceField(forms.ModelChoiceField):
    """A document by id; an id too large for the database is an invalid choice, not a server error."""

    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        if parse_id(str(value)) is None:
            raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


def documents_for(user: Any, deployment: Deployment) -> QuerySet[SharedDocument]:
    """Documents a check may link: the trust's own, and the national library's, as the user may see them."""
    qs = SharedDocument.objects.filter(Q(trust_id=deployment.trust_id) | Q(trust__isnull=True))
    return policy.visible(user, qs).order_by("title")


class AssessmentForm(NHSForm):
    """One field set per asked factor: `status_<key>`, `evidence_<key>`, `document_<key>` and, where the factor
    asks for a name, `champion_<key>`."""

    assessed_on = DateField(
        label="Date of the check",
        help_text="The day the trust looked at where it stands.",
        required_message="Enter the date of the check",
    )
    notes = forms.CharField(
        label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Anything the next check should know: who took part, what changed.",
    )  # fmt: skip

    def __init__(
        self,
        *args: Any,
        items: Sequence[FrameworkItem],
        documents: QuerySet[SharedDocument],
        previous: Assessment | None = None,
        **kwargs: Any,
    ) -> None:
        self.items = list(items)
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("assessed_on", timezone.localdate())
        if previous is not None:  # start from the last check, so only what changed needs touching
            for r in previous.ratings.select_related("item"):
                initial.update({
                    f"status_{r.item.key}": r.status, f"evidence_{r.item.key}": r.evidence,
                    f"document_{r.item.key}": r.document_id, f"champion_{r.item.key}": r.champion,
                })  # fmt: skip
        super().__init__(*args, **kwargs)
        for item in self.items:
            self.fields[f"status_{item.key}"] = forms.ChoiceField(
                label=item.question,
                choices=RATING_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "nhsuk-radios__input"}),
                help_text=f"What good looks like: {item.good}",
                error_messages={"required": f"Say where ‘{item.title}’ stands."},
            )
            self.fields[f"evidence_{item.key}"] = forms.CharField(
                label="Evidence", required=False, widget=forms.Textarea(attrs={"rows": 2, "class": "nhsuk-textarea"}),
                help_text="What shows it: a meeting, a decision, a plan.",
            )  # fmt: skip
            self.fields[f"evidence_{item.key}"].widget.attrs["aria-describedby"] = f"id_evidence_{item.key}-hint"
            self.fields[f"document_{item.key}"] = DocumentChoiceField(
                queryset=documents, required=False, label="A document that shows it",
                empty_label="No document", widget=forms.Select(attrs={"class": "nhsuk-select"}),
            )  # fmt: skip
            if item.name_label:
                self.fields[f"champion_{item.key}"] = forms.CharField(
                    label=item.name_label, required=False, max_length=200,
                    widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
                )  # fmt: skip

    def clean_assessed_on(self) -> dt.date:
        value = self.cleaned_data["assessed_on"]
        if value > timezone.localdate():
            raise forms.ValidationError("The date of the check must be today or in the past")
        return value

    def sections(self) -> list[dict[str, Any]]:
        """Each asked factor with its bound fields, in the framework's order, for the template."""
        return [
            {
                "item": item,
                "status": self[f"status_{item.key}"],
                "evidence": self[f"evidence_{item.key}"],
                "document": self[f"document_{item.key}"],
                "champion": self[f"champion_{item.key}"] if item.name_label else None,
            }
            for item in self.items
        ]

    def ratings(self) -> dict[str, dict[str, Any]]:
        data = self.cleaned_data
        return {
            item.key: {
                "status": data[f"status_{item.key}"],
                "evidence": data.get(f"evidence_{item.key}", ""),
                "document": data.get(f"document_{item.key}"),
                "champion": data.get(f"champion_{item.key}", ""),
            }
            for item in self.items
        }


class NationalFilterForm(forms.Form):
    """Narrow the national view to one role or one region."""

    role = forms.ModelChoiceField(
        # Every role on the map (public), not only those checked: which roles a trust checked is its own business.
        queryset=Role.objects.filter(deployments__isnull=False).distinct().order_by("name"),
        to_field_name="slug", required=False, empty_label="All roles",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )  # fmt: skip
    region = forms.ModelChoiceField(
        queryset=Region.objects.order_by("sort_order", "name"), to_field_name="code", required=False,
        empty_label="All regions", widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )  # fmt: skip
