from django.apps import AppConfig


class RolesConfig(AppConfig):
    name = "newroles.roles"
    label = "roles"
    verbose_name = "Role catalogue and role packs"
