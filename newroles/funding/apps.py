from django.apps import AppConfig


class FundingConfig(AppConfig):
    name = "newroles.funding"
    label = "funding"
    verbose_name = "Funding"
