from django.apps import AppConfig


class ForewarningConfig(AppConfig):
    name = "newroles.forewarning"
    label = "forewarning"
    verbose_name = "Forewarning"
