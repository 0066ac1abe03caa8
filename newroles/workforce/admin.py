from django.contrib import admin

from newroles.lib.admin import ReadOnlyAdmin
from newroles.workforce.models import ExtractImport, StaffRecordSuggestion, TitleDecision


@admin.register(ExtractImport)
class ExtractImportAdmin(ReadOnlyAdmin):
    list_display = ["trust", "month", "status", "is_current", "filename", "created_at"]
    list_filter = ["status", "is_current", "month"]
    search_fields = ["trust__name", "trust__ods_code", "filename"]


@admin.register(TitleDecision)
class TitleDecisionAdmin(ReadOnlyAdmin):
    list_display = ["trust", "key", "outcome", "role", "proposed"]
    list_filter = ["outcome", "proposed"]
    search_fields = ["trust__name", "key"]


@admin.register(StaffRecordSuggestion)
class StaffRecordSuggestionAdmin(ReadOnlyAdmin):
    list_display = ["trust", "role", "month", "headcount", "status"]
    list_filter = ["status"]
