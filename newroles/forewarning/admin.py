from django.contrib import admin

from newroles.forewarning.models import Event
from newroles.lib.admin import ReadOnlyAdmin


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["date", "title", "kind", "region", "illustrative"]
    list_filter = ["kind", "illustrative", "region"]
    search_fields = ["title", "description", "source_citation"]
