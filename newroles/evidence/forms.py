"""Forms of the research workbench. Names given at upload live only in the form and the short-lived review."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from newroles.evidence.models import (
    PARTICIPANT_CODE,
    CaseStudy,
    Code,
    LocalName,
    Participant,
    Source,
)
from newroles.evidence.transcripts import MAX_BYTES
from newroles.mapping.models import PHASE_CHOICES
from newroles.organisations.models import Organisation, Region, Trust
from newroles.roles.models import Role


class ParticipantForm(forms.ModelForm):
    class Meta:
        model = Participant
        fields = ["code", "post_category", "organisation_kind", "trust", "organisation", "consent_status",
                  "consent_date"]  # fmt: skip
        widgets = {"consent_date": forms.DateInput(attrs={"type": "date"})}


class WithdrawForm(forms.Form):
    confirm = forms.BooleanField(
        label="I confirm this participant withdrew consent: delete their material everywhere", required=True
    )
    on = forms.DateField(label="Date consent was withdrawn", widget=forms.DateInput(attrs={"type": "date"}))


class LocalNameForm(forms.ModelForm):
    class Meta:
        model = LocalName
        fields = ["kind", "name"]


class RefiImportForm(forms.Form):
    """A REFI-QDA project or codebook from NVivo, ATLAS.ti, MAXQDA, QualCoder or this product."""

    file = forms.FileField(label="REFI-QDA file", help_text="A project (.qdpx) or a codebook (.qdc).")

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".qdpx", ".qdc")):
            raise forms.ValidationError("Choose a .qdpx project or a .qdc codebook.")
        limit = settings.MAX_UPLOAD_BYTES
        if upload.size > limit:
            raise forms.ValidationError(f"The file is larger than {limit // (1024 * 1024)} MB.")
        return upload


class UploadForm(forms.Form):
    """Step 1 of a transcript import: the file, what it is, and who spoke (names kept only until review)."""

    file = forms.FileField(label="Transcript file", help_text="A .txt, .docx or .vtt (Teams) transcript.")
    title = forms.CharField(label="Title", max_length=200, help_text="Pseudonymous, e.g. 'Interview, Trust J1'.")
    kind = forms.ChoiceField(label="Kind of source", choices=Source.KIND_CHOICES)
    phase = forms.ChoiceField(label="Phase", choices=PHASE_CHOICES)
    date = forms.DateField(label="Date", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    participants = forms.CharField(
        label="Participants' names and codes",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="One a line, 'Full name = code', e.g. 'Jane Smith = J1'. The names are used to replace them in "
        "the text and are never stored.",
    )
    case_study = forms.ModelChoiceField(label="Case study", queryset=CaseStudy.objects.all(), required=False)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB.")
        return upload

    def clean_participants(self) -> dict[str, str]:
        names: dict[str, str] = {}
        for n, line in enumerate(self.cleaned_data["participants"].splitlines(), start=1):
            if not line.strip():
                continue
            name, sep, code = line.partition("=")
            name, code = " ".join(name.split()), code.strip()
            if not sep or not name or not code:
                raise forms.ValidationError(f"Line {n}: write 'Full name = code', e.g. 'Jane Smith = J1'.")
            try:
                PARTICIPANT_CODE(code)
            except forms.ValidationError as exc:
                raise forms.ValidationError(f"Line {n}: {exc.messages[0]}") from exc
            if not Participant.objects.filter(code=code).exists():
                raise forms.ValidationError(f"Line {n}: there is no participant {code}; add them first.")
            names[name] = code
        if not names:
            raise forms.ValidationError("Name at least one participant, with their code.")
        return names


class ReviewForm(forms.Form):
    """Step 2: the researcher picks remaining words to replace, adds any others, and confirms."""

    replace_words = forms.MultipleChoiceField(
        label="Also replace these words with [NAME]", required=False, widget=forms.CheckboxSelectMultiple
    )
    extra = forms.CharField(
        label="Other words or names to replace with [NAME]",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="One a line.",
    )
    confirmed = forms.BooleanField(
        label="I have read every replacement and the words left, and the text identifies no one", required=True
    )

    def __init__(self, *args: Any, name_like: list[tuple[str, int]] = (), **kwargs: Any) -> None:  # type: ignore[assignment]
        super().__init__(*args, **kwargs)
        self.fields["replace_words"].choices = [(w, f"{w} ({n})") for w, n in name_like]

    def terms(self) -> list[str]:
        extra = [line.strip() for line in self.cleaned_data.get("extra", "").splitlines() if line.strip()]
        return [*self.cleaned_data.get("replace_words", []), *extra]


class CodeForm(forms.ModelForm):
    class Meta:
        model = Code
        fields = ["parent", "key", "name", "definition", "colour", "is_codable"]

    def __init__(self, *args: Any, codebook: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = Code.objects.filter(codebook=codebook)


class SegmentForm(forms.Form):
    """Coding a span: what the browser's selection fills in, and what works without JavaScript."""

    paragraph = forms.IntegerField(label="Paragraph number", min_value=0)
    start = forms.IntegerField(label="Start (character offset)", min_value=0)
    end = forms.IntegerField(label="End (character offset)", min_value=1)
    codes = forms.ModelMultipleChoiceField(
        label="Codes", queryset=Code.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
    )  # fmt: skip
    summary = forms.CharField(label="Summary", required=False, max_length=300)

    def __init__(self, *args: Any, codebook: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["codes"].queryset = Code.objects.filter(codebook=codebook, is_codable=True).order_by(
            "parent__order", "order"
        )
        self.fields["codes"].label_from_instance = lambda c: f"{c.parent.name if c.parent_id else ''}: {c.name}"


class MemoForm(forms.Form):
    text = forms.CharField(label="Memo", widget=forms.Textarea(attrs={"rows": 3}))


class RetrievalForm(forms.Form):
    phase = forms.ChoiceField(label="Phase", choices=[("", "Any"), *PHASE_CHOICES], required=False)
    organisation_kind = forms.ChoiceField(label="Organisation kind", required=False,
                                          choices=[("", "Any"), *Participant.ORGANISATION_KINDS])  # fmt: skip
    region = forms.ChoiceField(label="Region", required=False)
    role = forms.ChoiceField(label="Role studied", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "Any"), *list(Region.objects.values_list("code", "name"))]
        self.fields["role"].choices = [("", "Any"), *list(Role.objects.order_by("name").values_list("slug", "name"))]


def coder_choices() -> list[tuple[int, str]]:
    users = get_user_model().objects.filter(pk__in=_coder_ids()).order_by("email")
    return [(u.pk, u.name) for u in users]


def _coder_ids() -> list[int]:
    from newroles.evidence.models import Segment

    return list(Segment.objects.values_list("coder", flat=True).distinct())


class AgreementForm(forms.Form):
    coder_a = forms.TypedChoiceField(label="First coder", coerce=int)
    coder_b = forms.TypedChoiceField(label="Second coder", coerce=int)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = coder_choices()
        self.fields["coder_a"].choices = choices
        self.fields["coder_b"].choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("coder_a") and data.get("coder_a") == data.get("coder_b"):
            raise forms.ValidationError("Choose two different coders.")
        return data


class QuoteForm(forms.Form):
    attribution = forms.CharField(label="Attribution", max_length=60, help_text="e.g. [Trust J1]")
    theme = forms.ModelChoiceField(label="Theme", queryset=Code.objects.none(), required=False)
    role = forms.ModelChoiceField(label="Role it speaks of", queryset=Role.objects.order_by("name"), required=False)
    readiness_item = forms.CharField(label="Readiness factor key", required=False, max_length=60)

    def __init__(self, *args: Any, codes: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["theme"].queryset = codes if codes is not None else Code.objects.none()

    def clean_attribution(self) -> str:
        value = self.cleaned_data["attribution"].strip()
        if not re.fullmatch(r"\[[^\[\]]{1,58}\]", value):
            raise forms.ValidationError("Write the attribution in brackets, e.g. [Trust J1].")
        return value


class CaseStudyForm(forms.ModelForm):
    class Meta:
        model = CaseStudy
        fields = ["site_trust", "site_organisation", "team", "role", "period_start", "period_end", "status"]
        widgets = {"period_start": forms.DateInput(attrs={"type": "date"}),
                   "period_end": forms.DateInput(attrs={"type": "date"})}  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site_trust"].queryset = Trust.objects.order_by("name")
        self.fields["site_organisation"].queryset = Organisation.objects.filter(kind="provider").order_by("name")


class MeasureValueForm(forms.Form):
    measure_name = forms.CharField(label="Measure", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=[("staff_experience", "Staff experience"),
                                                   ("care", "Patient and service-user care")])  # fmt: skip
    date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    value = forms.DecimalField(label="Value", max_digits=12, decimal_places=3)


class ClassificationForm(forms.Form):
    kinds = forms.MultipleChoiceField(label="Kinds of skill-mix change", required=False,
                                      widget=forms.CheckboxSelectMultiple)  # fmt: skip
    reasons = forms.MultipleChoiceField(label="Reasons", required=False, widget=forms.CheckboxSelectMultiple)
    segments = forms.CharField(label="Evidence segments (ids, comma-separated)", required=False)
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from newroles.mapping.models import REASON_CHOICES
        from newroles.skillmix.typology import KIND_LABELS, KINDS

        super().__init__(*args, **kwargs)
        self.fields["kinds"].choices = [(k, KIND_LABELS[k]) for k in KINDS]
        self.fields["reasons"].choices = REASON_CHOICES

    def clean_segments(self) -> list[Any]:
        from newroles.evidence.models import Segment

        raw = [p.strip() for p in self.cleaned_data["segments"].split(",") if p.strip()]
        if not all(p.isdigit() for p in raw):
            raise forms.ValidationError("Give segment numbers separated by commas, e.g. 12, 15.")
        found = list(Segment.objects.filter(pk__in=[int(p) for p in raw]))
        missing = sorted({int(p) for p in raw} - {s.pk for s in found})
        if missing:
            raise forms.ValidationError(f"No segment {', '.join(map(str, missing))}.")
        return found
