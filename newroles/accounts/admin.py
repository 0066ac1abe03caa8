from django.contrib import admin

from newroles.accounts.models import Membership, User
from newroles.lib.admin import ReadOnlyAdmin


@admin.register(User)
class UserAdmin(ReadOnlyAdmin):
    list_display = ["email", "display_name", "is_national_reader", "is_researcher", "is_staff", "is_demo"]
    search_fields = ["email", "display_name"]
    exclude = ["password"]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ["user", "trust", "role"]
    list_filter = ["role"]
