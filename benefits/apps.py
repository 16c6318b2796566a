from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BenefitsConfig(AppConfig):
    """Benefit models, investment priority and portfolio readiness (depends on assessments)."""

    name = "benefits"
    verbose_name = _("Benefits and priority")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from benefits import derived, permissions  # noqa: F401  (registers the permissions)
        from benefits.models import BenefitModel, BenefitTracking, BenefitTrackingYear

        post_save.connect(
            derived.on_model_saved, sender=BenefitModel, dispatch_uid="benefit-figures"
        )
        post_delete.connect(
            derived.on_model_deleted, sender=BenefitModel, dispatch_uid="benefit-figures-d"
        )
        # The overview of benefits behind reads each tracking's stored status.
        for model in (BenefitTracking, BenefitTrackingYear):
            post_save.connect(
                derived.on_tracking_changed, sender=model, dispatch_uid=f"tracking-{model.__name__}"
            )
        post_delete.connect(
            derived.on_tracking_changed, sender=BenefitTrackingYear, dispatch_uid="tracking-year-d"
        )
