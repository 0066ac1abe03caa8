"""The deployment and engagement lists' filters."""

from __future__ import annotations

import django_filters
from django.db.models import F, Q, QuerySet

from newroles.lib.forms import NHSForm
from newroles.mapping.models import (
    ENGAGEMENT_STATUS_CHOICES,
    KIND_CHOICES,
    PHASE_CHOICES,
    REASON_CHOICES,
    STATUS_CHOICES,
    Deployment,
    Engagement,
    json_list_has,
)
from newroles.organisations.models import Region, Trust
from newroles.roles.models import Role

YES_ONLY = [("yes", "Yes")]


class DeploymentFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="search", label="Search titles, roles or trusts")
    region = django_filters.ModelChoiceFilter(
        field_name="trust__region",
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label="All regions",
        label="Region",
    )
    trust = django_filters.ModelChoiceFilter(
        queryset=Trust.objects.order_by("name"), to_field_name="ods_code", empty_label="All trusts"
    )
    role = django_filters.ModelChoiceFilter(
        queryset=Role.objects.order_by("name"),
        to_field_name="slug",
        empty_label="All roles",
        null_label="Not matched to a role yet",
        null_value="unmapped",
    )
    status = django_filters.ChoiceFilter(choices=STATUS_CHOICES, empty_label="Any status")
    reason = django_filters.ChoiceFilter(
        choices=REASON_CHOICES, method="by_reason", empty_label="Any reason", label="Reason"
    )
    intended_kind = django_filters.ChoiceFilter(
        choices=KIND_CHOICES, method="by_intended", empty_label="Any", label="Intended change"
    )
    actual_kind = django_filters.ChoiceFilter(
        choices=KIND_CHOICES, method="by_actual", empty_label="Any", label="Actual change"
    )
    drift = django_filters.ChoiceFilter(
        choices=YES_ONLY, method="by_drift", empty_label="Any", label="Actual differs from intended"
    )

    class Meta:
        model = Deployment
        fields = ["q", "region", "trust", "role", "status", "reason", "intended_kind", "actual_kind", "drift"]
        form = NHSForm

    def search(self, qs: QuerySet[Deployment], name: str, value: str) -> QuerySet[Deployment]:
        value = value.strip()
        if not value:
            return qs
        return qs.filter(
            Q(local_title__icontains=value) | Q(role__name__icontains=value) | Q(trust__name__icontains=value)
        )

    def by_reason(self, qs: QuerySet[Deployment], name: str, value: str) -> QuerySet[Deployment]:
        return qs.filter(json_list_has("reasons", value))

    def by_intended(self, qs: QuerySet[Deployment], name: str, value: str) -> QuerySet[Deployment]:
        return qs.filter(json_list_has("intended_kinds", value))

    def by_actual(self, qs: QuerySet[Deployment], name: str, value: str) -> QuerySet[Deployment]:
        return qs.filter(json_list_has("actual_kinds", value))

    def by_drift(self, qs: QuerySet[Deployment], name: str, value: str) -> QuerySet[Deployment]:
        # Lists are stored in the typology's order (Deployment.clean), so equal sets are equal JSON.
        if value != "yes":
            return qs
        recorded = qs.exclude(intended_kinds=[]).exclude(actual_kinds=[])
        return recorded.exclude(actual_kinds=F("intended_kinds"))


class EngagementFilter(django_filters.FilterSet):
    region = django_filters.ModelChoiceFilter(
        field_name="trust__region",
        queryset=Region.objects.all(),
        to_field_name="code",
        empty_label="All regions",
        label="Region",
    )
    phase = django_filters.ChoiceFilter(choices=PHASE_CHOICES, empty_label="Any phase")
    status = django_filters.ChoiceFilter(choices=ENGAGEMENT_STATUS_CHOICES, empty_label="Any status")

    class Meta:
        model = Engagement
        fields = ["region", "phase", "status"]
        form = NHSForm
