from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "newroles.audit"
    label = "audit"
    verbose_name = "Audit"
