from django.contrib import admin

from newroles.lib.admin import ReadOnlyAdmin
from newroles.mapping.models import Deployment, Engagement


@admin.register(Deployment)
class DeploymentAdmin(ReadOnlyAdmin):
    list_display = ["local_title", "trust", "role", "status", "trust_newness"]
    list_filter = ["status", "trust_newness", "trust__region"]
    search_fields = ["local_title", "trust__name", "role__name"]


@admin.register(Engagement)
class EngagementAdmin(ReadOnlyAdmin):
    list_display = ["trust", "phase", "status", "date", "participant_post"]
    list_filter = ["phase", "status", "trust__region"]
    search_fields = ["trust__name", "participant_post"]
