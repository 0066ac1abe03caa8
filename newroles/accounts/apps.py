from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newroles.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from newroles.accounts import checks  # noqa: F401  (registers the deploy check)
