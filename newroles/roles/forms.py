from __future__ import annotations

from django import forms

from newroles.lib.forms import DateField, NHSForm, NHSModelForm
from newroles.roles.models import ENTRY_ROUTES, ROLE_EDITABLE_FIELDS, TEAM_TYPES, Role, SharedDocument


class RoleForm(NHSModelForm):
    entry_routes = forms.MultipleChoiceField(choices=ENTRY_ROUTES, widget=forms.CheckboxSelectMultiple, required=False)
    typical_teams = forms.MultipleChoiceField(choices=TEAM_TYPES, widget=forms.CheckboxSelectMultiple, required=False)

    class Meta:
        model = Role
        fields = list(ROLE_EDITABLE_FIELDS)
        widgets = {
            name: forms.Textarea(attrs={"rows": 4})
            for name in ("newness_reason", "regulation_note", "training_note", "pen_what", "pen_why", "pen_challenges")
        }


class ComponentForm(NHSForm):
    text = forms.CharField(
        label="Content",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text='A blank line between paragraphs, "- " to start a list item, "### " to start a heading.',
    )
    not_yet_written = forms.BooleanField(label="Mark as not yet written", required=False)


class AdoptForm(NHSForm):
    trust = forms.ModelChoiceField(queryset=None, label="Adopt for which trust", to_field_name="ods_code")

    def __init__(self, trusts, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["trust"].queryset = trusts
        self.fields["trust"].widget.attrs["class"] = "nhsuk-select"


class DocumentUploadForm(NHSForm):
    title = forms.CharField(max_length=200)
    doc_type = forms.ChoiceField(label="Type of document", choices=SharedDocument._meta.get_field("doc_type").choices)
    file = forms.FileField(help_text="PDF, Word (.docx), Excel (.xlsx), OpenDocument text (.odt) or plain text.")
    sharing = forms.ChoiceField(
        label="Who can see it",
        choices=SharedDocument.SHARING_CHOICES,
        widget=forms.RadioSelect,
        initial=SharedDocument.PRIVATE,
    )
    reuse_note = forms.CharField(
        label="Permission to reuse",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What other trusts may do with it, e.g. 'adapt freely, credit us'.",
    )
    role = forms.ModelChoiceField(
        queryset=Role.objects.all(), required=False, to_field_name="slug", label="Role it is about"
    )


class DocumentSharingForm(NHSModelForm):
    class Meta:
        model = SharedDocument
        fields = ["title", "sharing", "reuse_note"]
        widgets = {"sharing": forms.RadioSelect, "reuse_note": forms.Textarea(attrs={"rows": 3})}


class VersionForm(NHSForm):
    file = forms.FileField(label="Upload a new version")


class PackZipForm(NHSForm):
    file = forms.FileField(label="Role pack zip", help_text="A zip exported from newroles (manifest.json inside).")


class ComponentDocxForm(NHSForm):
    file = forms.FileField(
        label="Word document",
        help_text="A Word (.docx) file. Its text replaces what this part of the pack says now.",
        error_messages={"required": "Choose a Word document to import"},
    )


class PackReviewForm(NHSForm):
    review_by = DateField(
        label="Next review by",
        help_text="The date the pack should next be checked against its sources.",
        required_message="Enter the date of the next review",
    )
