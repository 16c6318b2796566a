"""A benefit model belongs to one initiative. Its inputs are kept as the
``klassa.benefit-model/1`` document itself — the contract that the UI, the JSON
import/export and the command-line evaluation share — so nothing can drift between them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Initiative


class BenefitModel(models.Model):
    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, related_name="benefit_model"
    )
    document = models.JSONField(_("benefit model document"))
    # Optimistic concurrency: a save based on an older version is refused.
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("benefit model")
        verbose_name_plural = _("benefit models")

    def __str__(self) -> str:
        return str(self.document.get("name") or self.initiative)
