from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Editors' accounts: TOTP two-factor authentication and login attempt limits."""

    name = "cms.accounts"
    label = "accounts"
    verbose_name = "Editors' accounts"

    def ready(self):
        from . import lockouts  # noqa: F401  (connects the lockout signal receiver)
