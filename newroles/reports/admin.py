from django.contrib import admin

from newroles.lib.admin import ReadOnlyAdmin
from newroles.reports.models import Snapshot


@admin.register(Snapshot)
class SnapshotAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "created_at", "created_by", "redacted_at"]
    list_filter = ["kind"]
    search_fields = ["title"]
    exclude = ["data"]  # the frozen figures are read on the snapshot's page, not as raw JSON
