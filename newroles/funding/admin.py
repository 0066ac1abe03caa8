from django.contrib import admin

from newroles.funding.models import FundingLine, FundingShare
from newroles.lib.admin import ReadOnlyAdmin


@admin.register(FundingLine)
class FundingLineAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "trust", "deployment", "funder_kind", "funding_type", "start_date", "end_date"]
    list_filter = ["funder_kind", "funding_type", "contract_status", "trust__region"]
    search_fields = ["name", "funder_name", "trust__name", "deployment__local_title"]


@admin.register(FundingShare)
class FundingShareAdmin(ReadOnlyAdmin):
    list_display = ["partner_name", "percent", "funding_line"]
    search_fields = ["partner_name", "funding_line__trust__name"]
