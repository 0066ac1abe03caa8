from django.contrib import admin

from newroles.audit.models import ChangeRecord
from newroles.lib.admin import ReadOnlyAdmin


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAdmin):
    list_display = ["time", "user_name", "action", "content_type", "object_repr", "batch_id"]
    list_filter = ["action", "content_type"]
    search_fields = ["object_repr", "user_name", "request_id", "batch_id"]
