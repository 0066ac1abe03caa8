"""The trust list's filter (search, region and which set of trusts, the study's 51 by default) and the
organisations list's (search, kind and region)."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet

from newroles.lib.forms import NHSForm
from newroles.organisations.forms import TRUST_SETS
from newroles.organisations.models import Organisation, Region, Trust


class TrustFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search by name or ODS code")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="code", empty_label="All regions"
    )
    set = django_filters.ChoiceFilter(choices=TRUST_SETS, method="trust_set", empty_label=None, label="Which trusts")

    class Meta:
        model = Trust
        fields = ["q", "region", "set"]
        form = NHSForm

    def __init__(self, data=None, *args, **kwargs):  # type: ignore[no-untyped-def]
        data = data.copy() if data is not None else {}
        data.setdefault("set", "study")
        super().__init__(data, *args, **kwargs)

    def search(self, qs: QuerySet[Trust], name: str, value: str) -> QuerySet[Trust]:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(ods_code__iexact=value)) if value else qs

    def trust_set(self, qs: QuerySet[Trust], name: str, value: str) -> QuerySet[Trust]:
        if value == "study":
            return qs.filter(in_study_set=True)
        if value == "active":
            return qs.filter(status=Trust.ACTIVE)
        return qs


class OrganisationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search by name or ODS code")
    kind = django_filters.ChoiceFilter(choices=Organisation.KIND_CHOICES, empty_label="All kinds", label="Kind")
    region = django_filters.ModelChoiceFilter(
        queryset=Region.objects.all(), to_field_name="code", empty_label="All regions", label="Region"
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "region"]
        form = NHSForm

    def search(self, qs: QuerySet[Organisation], name: str, value: str) -> QuerySet[Organisation]:
        value = value.strip()
        return qs.filter(Q(name__icontains=value) | Q(ods_code__iexact=value)) if value else qs
