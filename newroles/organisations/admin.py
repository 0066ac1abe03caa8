from django.contrib import admin

from newroles.lib.admin import ReadOnlyAdmin
from newroles.organisations.models import Organisation, Region, Team, Trust


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "short_name"]


@admin.register(Trust)
class TrustAdmin(ReadOnlyAdmin):
    list_display = ["ods_code", "name", "region", "status", "in_study_set"]
    list_filter = ["region", "status", "in_study_set"]
    search_fields = ["name", "ods_code"]


@admin.register(Team)
class TeamAdmin(ReadOnlyAdmin):
    list_display = ["name", "trust", "service_type", "is_shared"]
    list_filter = ["service_type"]
    search_fields = ["name", "trust__name"]


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdmin):
    list_display = ["name", "kind", "ods_code", "region"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "ods_code"]
