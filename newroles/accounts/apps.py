from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newroles.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from newroles.accounts import (
            checks,  # noqa: F401  (registers the deploy check)
            policy,
        )
        from newroles.audit import access

        # audit sits below accounts, so it is handed the policy instead of importing it (see audit/access.py).
        access.install(policy)
