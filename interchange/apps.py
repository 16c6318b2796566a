from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterchangeConfig(AppConfig):
    """The register document (klassa.register/1): its import, its export and the background
    export job. Above every other app, because the document carries all of them."""

    name = "interchange"
    verbose_name = _("Register files")
    default_auto_field = "django.db.models.BigAutoField"
