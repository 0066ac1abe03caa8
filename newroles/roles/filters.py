from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from newroles.lib.forms import NHSForm
from newroles.roles.models import NEWNESS_CHOICES, STAFF_GROUP_CHOICES, Role, SharedDocument


class RoleFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search by name or title")
    newness = django_filters.ChoiceFilter(choices=NEWNESS_CHOICES, empty_label="Any")
    staff_group = django_filters.ChoiceFilter(choices=STAFF_GROUP_CHOICES, empty_label="Any")
    case_study = django_filters.BooleanFilter(label="Followed by the case studies")

    class Meta:
        model = Role
        fields = ["q", "newness", "staff_group", "case_study"]
        form = NHSForm

    def search(self, qs: QuerySet[Role], name: str, value: str) -> QuerySet[Role]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(Q(name__icontains=value) | Q(aliases__title__icontains=value, aliases__trust=None)).distinct()


class DocumentFilter(django_filters.FilterSet):
    doc_type = django_filters.ChoiceFilter(
        choices=SharedDocument._meta.get_field("doc_type").choices, empty_label="Any", label="Type"
    )
    role = django_filters.ModelChoiceFilter(queryset=Role.objects.all(), to_field_name="slug", empty_label="Any role")

    class Meta:
        model = SharedDocument
        fields = ["doc_type", "role"]
        form = NHSForm
