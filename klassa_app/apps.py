from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KlassaAppConfig(AppConfig):
    name = "klassa_app"
    verbose_name = _("Klassa core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from klassa_app import (
            account_audit,  # noqa: F401  (connects the login receivers)
            checks,  # noqa: F401  (registers the system checks)
            language,  # noqa: F401  (applies the account's language at login)
        )
        from klassa_app.signin import mfa  # noqa: F401  (notes at login whether a second factor is set up)
