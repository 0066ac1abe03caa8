from django.contrib import admin

from newroles.lib.admin import ReadOnlyAdmin
from newroles.readiness.models import Assessment, FrameworkItem, FrameworkVersion


@admin.register(FrameworkVersion)
class FrameworkVersionAdmin(ReadOnlyAdmin):
    list_display = ["version", "title", "created_at"]


@admin.register(FrameworkItem)
class FrameworkItemAdmin(ReadOnlyAdmin):
    list_display = ["title", "key", "mode", "framework", "order"]
    list_filter = ["framework", "mode"]


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ["deployment", "assessed_on", "assessed_by_name", "framework"]
    list_filter = ["framework", "deployment__trust__region"]
    search_fields = ["deployment__local_title", "deployment__trust__name"]
