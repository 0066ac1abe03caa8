from django.apps import AppConfig


class WorkforceConfig(AppConfig):
    name = "newroles.workforce"
    label = "workforce"
    verbose_name = "Workforce data from staff records"
