"""Initiatives: their areas, linked information assets, adjustments of levels and the status
of each requirement in their action plan.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.assets import CODE_VALIDATOR, InformationAsset
from assessments.models.frameworks import Requirement, RequirementCatalogue
from klassa_app.models import Department, Organisation

# --- Initiatives ------------------------------------------------------------------------------


class Area(models.Model):
    """An area or programme of initiatives, e.g. Education or Smart City."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="areas")
    name = models.CharField(_("name"), max_length=120)

    class Meta:
        verbose_name = _("area")
        verbose_name_plural = _("areas")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="area_name_unique")
        ]

    def __str__(self) -> str:
        return self.name


class Initiative(models.Model):
    """A digital initiative, system or service; inherits the classification of its assets."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="initiatives"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="initiatives",
        verbose_name=_("department"),
    )
    code = models.CharField(_("code"), max_length=30, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    area = models.ForeignKey(
        Area,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="initiatives",
        verbose_name=_("area"),
    )
    # The catalogue version the action plan was made with; it stays until someone moves
    # the plan to a newer version on purpose.
    action_plan_catalogue = models.ForeignKey(
        RequirementCatalogue,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("requirement catalogue version"),
    )
    assets = models.ManyToManyField(
        InformationAsset,
        through="InitiativeAsset",
        related_name="initiatives",
        verbose_name=_("information assets"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="initiative_code_unique")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class InitiativeAsset(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE)
    asset = models.ForeignKey(InformationAsset, on_delete=models.PROTECT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["initiative", "asset"], name="initiative_asset_unique")
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}->{self.asset_id}"


class Adjustment(models.Model):
    """A justified change of an initiative's inherited level for one aspect."""

    class Reason(models.TextChoices):
        CUMULATION = "cumulation", _("Cumulation")
        AGGREGATION = "aggregation", _("Aggregation")
        DEPENDENCY = "dependency", _("Dependency")
        DISTRIBUTION = "distribution", _("Distribution")
        OTHER = "other", _("Other")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="adjustments")
    aspect_code = models.CharField(_("aspect"), max_length=4)
    level = models.PositiveSmallIntegerField(_("level"))
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    justification = models.TextField(_("justification"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("adjustment")
        verbose_name_plural = _("adjustments")
        ordering = ["initiative", "aspect_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "aspect_code"], name="adjustment_one_per_aspect"
            ),
            models.CheckConstraint(
                condition=~models.Q(justification=""), name="adjustment_needs_justification"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aspect_code}→{self.level} ({self.reason})"


class RequirementStatus(models.Model):
    """The self-assessed status of one requirement in an initiative's action plan."""

    class Status(models.TextChoices):
        NOT_ASSESSED = "", _("Not assessed")
        FULFILLED = "fulfilled", _("Fulfilled")
        PARTLY = "partly", _("Partly fulfilled")
        NOT_FULFILLED = "not", _("Not fulfilled")
        NOT_APPLICABLE = "na", _("Not applicable")

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="requirement_statuses"
    )
    # The catalogue version is the requirement's; an action plan stays on its version.
    requirement = models.ForeignKey(Requirement, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("requirement status")
        verbose_name_plural = _("requirement statuses")
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "requirement"], name="requirement_status_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.requirement_id}: {self.status}"
