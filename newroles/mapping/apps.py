from django.apps import AppConfig


class MappingConfig(AppConfig):
    name = "newroles.mapping"
    label = "mapping"
    verbose_name = "National map of new roles"
