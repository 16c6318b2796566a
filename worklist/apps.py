from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorklistConfig(AppConfig):
    """Everyone's home page: what is waiting for the signed-in person, across assessments and
    benefits. Above both, beside interchange, because it reads them all."""

    name = "worklist"
    verbose_name = _("My work list")
    default_auto_field = "django.db.models.BigAutoField"
