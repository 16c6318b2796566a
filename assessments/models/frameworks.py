"""Organisation-level, versioned frameworks: classification schemes with their aspects and
levels, question banks, requirement catalogues, and the legal triggers they refer to.

Texts that the organisation edits in two languages are JSON objects ``{"sv": …, "en": …}``
(see ``assessments.i18n.tr``). Levels are ordinals of the scheme's scale; nothing here
assumes that the top level is 4.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from klassa_app.models import Organisation


class Trigger(models.TextChoices):
    """Legal triggers that impose minimum levels and law-specific requirements."""

    PERSONAL_DATA = "personal_data", _("Personal data (GDPR)")
    SPECIAL_CATEGORIES = "special_categories", _("Special categories of personal data")
    SECRECY = "secrecy", _("Secrecy under OSL")


# --- Organisation-level, versioned frameworks ------------------------------------------------


class _Versioned(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    version = models.PositiveIntegerField(_("version"))
    note = models.CharField(_("change note"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )

    class Meta:
        abstract = True
        ordering = ["organisation", "-version"]

    def __str__(self) -> str:
        return f"{self._meta.verbose_name} v{self.version}"


class ClassificationScheme(_Versioned):
    """Aspects and their levels. A change makes a new version; assessments keep theirs."""

    # {"personal_data": {"K": 1}, "special_categories": {"K": 3}, "secrecy": {"K": 2}}
    legal_minimums = models.JSONField(_("minimum levels from legal triggers"), default=dict)
    # [[max_hours_exclusive, level], …] ascending: tolerable downtime below X hours → level.
    downtime_thresholds = models.JSONField(_("downtime thresholds"), default=list)

    class RevealMinimum(models.TextChoices):
        REQUIRED_ROLES = "required_roles", _("Everyone who must sign has answered")
        EVERYONE = "everyone", _("Every participant has answered")
        ANYONE = "anyone", _("At least one participant has answered")

    # How the organisation runs its consensus sessions and approvals: the current version's
    # settings apply to every session and approval, whatever version an assessment uses.
    reveal_minimum = models.CharField(
        _("answers needed before reveal"),
        max_length=20,
        choices=RevealMinimum.choices,
        default=RevealMinimum.REQUIRED_ROLES,
        help_text=_("The facilitator cannot reveal the answers of a session before this."),
    )
    four_eyes = models.BooleanField(
        _("four eyes on approval"),
        default=True,
        help_text=_(
            "The person who started or answered a classification cannot also approve it "
            "alone; another security officer approves, or the consensus session's signers."
        ),
    )

    class Meta(_Versioned.Meta):
        verbose_name = _("classification scheme")
        verbose_name_plural = _("classification schemes")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="scheme_version_unique"
            )
        ]


class Aspect(models.Model):
    scheme = models.ForeignKey(
        ClassificationScheme, on_delete=models.CASCADE, related_name="aspects"
    )
    code = models.CharField(_("code"), max_length=4)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    enabled = models.BooleanField(_("in use"), default=True)
    optional = models.BooleanField(_("may be switched off"), default=False)

    class Meta:
        verbose_name = _("aspect")
        verbose_name_plural = _("aspects")
        ordering = ["scheme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "code"], name="aspect_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Level(models.Model):
    aspect = models.ForeignKey(Aspect, on_delete=models.CASCADE, related_name="levels")
    ordinal = models.PositiveSmallIntegerField(_("level"))
    name = models.JSONField(_("name"), default=dict)
    description = models.JSONField(_("description"), default=dict)
    # {"sv": [one example per consequence area], "en": [...]}
    consequences = models.JSONField(_("consequence examples"), default=dict)

    class Meta:
        verbose_name = _("level")
        verbose_name_plural = _("levels")
        ordering = ["aspect", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["aspect", "ordinal"], name="level_ordinal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.aspect.code}{self.ordinal}"


class QuestionBank(_Versioned):
    class Meta(_Versioned.Meta):
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "version"], name="bank_version_unique")
        ]


class Question(models.Model):
    bank = models.ForeignKey(QuestionBank, on_delete=models.CASCADE, related_name="questions")
    code = models.CharField(_("code"), max_length=20)
    aspect_code = models.CharField(_("aspect"), max_length=4)
    area = models.CharField(_("consequence area"), max_length=20, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.JSONField(_("question"), default=dict)
    help = models.JSONField(_("help"), default=dict, blank=True)

    class Meta:
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        ordering = ["bank", "aspect_code", "order"]
        constraints = [
            models.UniqueConstraint(fields=["bank", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class AnswerOption(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    level = models.PositiveSmallIntegerField(_("implied level"))
    text = models.JSONField(_("answer"), default=dict)

    class Meta:
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")
        ordering = ["question", "order"]

    def __str__(self) -> str:
        return f"{self.question.code}:{self.level}"


class RequirementCatalogue(_Versioned):
    class Meta(_Versioned.Meta):
        verbose_name = _("requirement catalogue")
        verbose_name_plural = _("requirement catalogues")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "version"], name="catalogue_version_unique"
            )
        ]


class Requirement(models.Model):
    catalogue = models.ForeignKey(
        RequirementCatalogue, on_delete=models.CASCADE, related_name="requirements"
    )
    code = models.CharField(_("code"), max_length=20)
    aspect_code = models.CharField(_("aspect"), max_length=4)
    min_level = models.PositiveSmallIntegerField(_("from level"))
    trigger = models.CharField(
        _("legal trigger"), max_length=30, choices=Trigger.choices, blank=True
    )
    title = models.JSONField(_("title"), default=dict)
    is_text = models.JSONField(_("requirement (action plan)"), default=dict)
    shall_text = models.JSONField(_("requirement (procurement)"), default=dict)

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["catalogue", "aspect_code", "min_level", "code"]
        constraints = [
            models.UniqueConstraint(fields=["catalogue", "code"], name="requirement_code_unique")
        ]

    def __str__(self) -> str:
        return self.code
