from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "newroles.api"
    label = "api"
    verbose_name = "API"
