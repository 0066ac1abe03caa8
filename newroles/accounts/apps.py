from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "newroles.accounts"
    label = "accounts"
    verbose_name = "Accounts and access"

    def ready(self) -> None:
        from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
        from django_otp.plugins.otp_totp.models import TOTPDevice

        from newroles.accounts import (
            checks,  # noqa: F401  (registers the deploy check)
            disclosure,
            policy,
        )
        from newroles.accounts.rules import register
        from newroles.audit import access

        # audit sits below accounts, so it is handed the policy instead of importing it (see audit/access.py).
        access.install(policy)
        access.install_disclosure(disclosure)  # the history stars small counts with the same rule
        # The audit log records that second-factor secrets changed, never their values (as for password hashes).
        TOTPDevice.audit_secret = ("key",)
        StaticToken.audit_secret = ("token",)
        # Second-factor devices are their owners' (the service checks before it writes them).
        TOTPDevice.change_rule = StaticDevice.change_rule = StaticToken.change_rule = "owner"
        StaticToken.owner_path = "device__user"
        register()  # every model's change rule becomes its object permission
