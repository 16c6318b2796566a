from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """Benefit models, investment priority and portfolio readiness (depends on assessments)."""

    name = "benefits"
    verbose_name = _("Benefits and priority")
    default_auto_field = "django.db.models.BigAutoField"
