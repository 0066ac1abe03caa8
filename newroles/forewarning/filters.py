"""The event register's filters: by role, by kind, upcoming or past."""

from __future__ import annotations

import datetime as dt

import django_filters
from django.db.models import QuerySet

from newroles.forewarning.models import KIND_CHOICES, Event
from newroles.lib.forms import NHSForm
from newroles.roles.models import Role

WHEN_CHOICES = [("upcoming", "Upcoming"), ("past", "Past")]


class EventFilter(django_filters.FilterSet):
    role = django_filters.ModelChoiceFilter(
        field_name="roles", queryset=Role.objects.order_by("name"), to_field_name="slug", empty_label="All roles",
        label="Role",
    )  # fmt: skip
    kind = django_filters.ChoiceFilter(choices=KIND_CHOICES, empty_label="Any kind", label="Kind")
    when = django_filters.ChoiceFilter(choices=WHEN_CHOICES, method="by_when", empty_label="Upcoming and past",
                                       label="When")  # fmt: skip

    class Meta:
        model = Event
        fields = ["role", "kind", "when"]
        form = NHSForm

    def __init__(self, *args, today: dt.date, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.today = today

    def by_when(self, qs: QuerySet[Event], name: str, value: str) -> QuerySet[Event]:
        if value == "upcoming":
            return qs.filter(date__gte=self.today)
        if value == "past":
            return qs.filter(date__lt=self.today)
        return qs
