from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    """Information assets, schemes, assessments, initiatives and action plans."""

    name = "assessments"
    verbose_name = _("Classification")
    default_auto_field = "django.db.models.BigAutoField"
