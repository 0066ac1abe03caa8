from django.contrib import admin

from newroles.api.models import ApiToken
from newroles.lib.admin import ReadOnlyAdmin


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    list_display = ["name", "user", "prefix", "read_only", "created_at", "last_used", "expires_at", "revoked_at"]
    list_filter = ["read_only"]
    search_fields = ["name", "user__email", "prefix"]
    exclude = ["token_hash"]
