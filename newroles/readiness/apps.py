from django.apps import AppConfig


class ReadinessConfig(AppConfig):
    name = "newroles.readiness"
    label = "readiness"
    verbose_name = "Readiness"
