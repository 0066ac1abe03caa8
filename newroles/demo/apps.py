from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "newroles.demo"
    label = "demo"
    verbose_name = "Demo data"
