"""Information assets of a department and their assessments: answers and the resulting level
per aspect.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models.frameworks import (
    AnswerOption,
    ClassificationScheme,
    Question,
    QuestionBank,
    Trigger,
)
from klassa_app.models import Department, Organisation

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters A–Z, digits, dot, hyphen and underscore."),
)


class PersonalData(models.TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")
    SPECIAL_CATEGORIES = "special_categories", _("Yes, special categories")


# --- Information assets and their assessments ------------------------------------------------


class InformationAsset(models.Model):
    """An information asset (informationsmängd) of a department."""

    class Status(models.TextChoices):
        UNCLASSIFIED = "unclassified", _("Unclassified")
        DRAFT = "draft", _("Being classified")
        APPROVED = "approved", _("Approved")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="information_assets"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="information_assets",
        verbose_name=_("department"),
    )
    code = models.CharField(_("code"), max_length=30, validators=[CODE_VALIDATOR])
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    owner_role = models.CharField(
        _("owner role"),
        max_length=120,
        blank=True,
        help_text=_("A role, not a person's name, e.g. Head of student services."),
    )
    systems = models.CharField(
        _("systems"),
        max_length=300,
        blank=True,
        help_text=_("Where the information lives, e.g. the student information system."),
    )
    personal_data = models.CharField(
        _("personal data"), max_length=20, choices=PersonalData.choices, default=PersonalData.NO
    )
    secrecy = models.BooleanField(_("covered by secrecy (OSL)"), default=False)
    secrecy_reference = models.CharField(
        _("OSL reference"),
        max_length=100,
        blank=True,
        help_text=_("Chapter and section, e.g. OSL 23 kap. 2 §."),
    )
    protective_security = models.BooleanField(
        _("protective security (säkerhetsskydd)"), default=False
    )

    # Kept in step with the effective assessment by the services, so that the register and
    # initiatives read levels without touching assessments: {"K": 3, "R": 2, ...}.
    levels = models.JSONField(_("levels"), default=dict, blank=True)
    status = models.CharField(
        _("classification status"),
        max_length=20,
        choices=Status.choices,
        default=Status.UNCLASSIFIED,
        db_index=True,
    )
    review_due = models.DateField(_("review due"), null=True, blank=True, db_index=True)
    requires_protective_security_analysis = models.BooleanField(
        _("requires protective-security analysis"), default=False
    )

    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("information asset")
        verbose_name_plural = _("information assets")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="asset_code_unique"),
            models.CheckConstraint(
                condition=~models.Q(secrecy=False, secrecy_reference__gt=""),
                name="asset_secrecy_reference_only_with_secrecy",
            ),
        ]
        indexes = [models.Index(fields=["department", "code"])]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def triggers(self) -> set[str]:
        found = set()
        if self.personal_data in (PersonalData.YES, PersonalData.SPECIAL_CATEGORIES):
            found.add(Trigger.PERSONAL_DATA.value)
        if self.personal_data == PersonalData.SPECIAL_CATEGORIES:
            found.add(Trigger.SPECIAL_CATEGORIES.value)
        if self.secrecy:
            found.add(Trigger.SECRECY.value)
        return found


class Assessment(models.Model):
    """One version of an asset's classification. Approved versions never change."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_CONSENSUS = "in_consensus", _("In consensus")
        AWAITING_SIGNOFF = "awaiting_signoff", _("Awaiting sign-off")
        APPROVED = "approved", _("Approved")
        SUPERSEDED = "superseded", _("Superseded")

    asset = models.ForeignKey(
        InformationAsset, on_delete=models.CASCADE, related_name="assessments"
    )
    version = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    scheme = models.ForeignKey(ClassificationScheme, on_delete=models.PROTECT, related_name="+")
    question_bank = models.ForeignKey(QuestionBank, on_delete=models.PROTECT, related_name="+")
    downtime_hours = models.DecimalField(
        _("tolerable downtime (hours)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    rto_hours = models.DecimalField(
        _("recovery time objective, RTO (hours)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    rpo_hours = models.DecimalField(
        _("recovery point objective, RPO (hours)"),
        max_digits=8,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        default="wizard",
        help_text=_("wizard, or import when the levels came from a register file."),
    )
    requires_protective_security_analysis = models.BooleanField(default=False)
    # Optimistic concurrency: every save bumps it; a save based on an older one is refused.
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    review_due = models.DateField(_("review due"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("superseded"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["asset", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["asset", "version"], name="assessment_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.asset.code} v{self.version}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class Answer(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("answer")
        verbose_name_plural = _("answers")
        constraints = [
            models.UniqueConstraint(fields=["assessment", "question"], name="answer_unique")
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id}:{self.question_id}"


class AspectResult(models.Model):
    """Computed, minimum, override and final level of one aspect, side by side."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="results")
    aspect_code = models.CharField(_("aspect"), max_length=4)
    computed_level = models.PositiveSmallIntegerField(_("computed level"), null=True, blank=True)
    minimum_level = models.PositiveSmallIntegerField(
        _("minimum from legal triggers"), null=True, blank=True
    )
    override_level = models.PositiveSmallIntegerField(_("override"), null=True, blank=True)
    override_reason = models.TextField(_("justification"), blank=True)
    final_level = models.PositiveSmallIntegerField(_("final level"), null=True, blank=True)

    class Meta:
        verbose_name = _("aspect result")
        verbose_name_plural = _("aspect results")
        ordering = ["assessment", "id"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "aspect_code"], name="result_unique"),
            models.CheckConstraint(
                condition=models.Q(override_level__isnull=True) | ~models.Q(override_reason=""),
                name="result_override_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aspect_code}={self.final_level}"
