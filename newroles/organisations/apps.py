from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "newroles.organisations"
    label = "organisations"
    verbose_name = "Regions, trusts and teams"
