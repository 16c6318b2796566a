"""Information classification: schemes, questions, requirements, assets, assessments,
initiatives and action plans.

Texts that the organisation edits in two languages are JSON objects ``{"sv": …, "en": …}``
(see ``assessments.i18n.tr``). Levels are ordinals of the scheme's scale; nothing here
assumes that the top level is 4.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from klassa_app.models import Department, FileJob, Organisation

CODE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_.-]*$",
    _("Use letters A–Z, digits, dot, hyphen and underscore."),
)


class PersonalData(models.TextChoices):
    NO = "no", _("No")
    YES = "yes", _("Yes")
    SPECIAL_CATEGORIES = "special_categories", _("Yes, special categories")


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


# --- Reports ----------------------------------------------------------------------------------


class ReportJob(FileJob):
    """A report built in the background: of an initiative (action plan or procurement
    requirements, Excel or PDF), visible to whoever can see the initiative; or of a consensus
    session (its minutes as PDF), visible to the session's facilitator and participants only.
    Exactly one of ``initiative`` and ``session`` is set."""

    class Kind(models.TextChoices):
        """Reports of an initiative."""

        ACTION_PLAN_XLSX = "action_plan_xlsx", _("Action plan (Excel)")
        ACTION_PLAN_PDF = "action_plan_pdf", _("Action plan (PDF)")
        PROCUREMENT_XLSX = "procurement_xlsx", _("Procurement requirements (Excel)")
        PROCUREMENT_PDF = "procurement_pdf", _("Procurement requirements (PDF)")

    class SessionKind(models.TextChoices):
        """Reports of a consensus session."""

        # "Minutes" is translated already; "Protokoll (PDF)" in Swedish.
        MINUTES_PDF = "minutes_pdf", format_lazy("{} (PDF)", _("Minutes"))

    # Download names per language, e.g. handlingsplan-EDU-A.xlsx, protokoll-NARV-v2.pdf.
    FILE_STEMS = {
        "action_plan": {"sv": "handlingsplan", "en": "action-plan"},
        "procurement": {"sv": "upphandlingskrav", "en": "procurement-requirements"},
        "minutes": {"sv": "protokoll", "en": "minutes"},
    }

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    initiative = models.ForeignKey(
        Initiative,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("initiative"),
    )
    session = models.ForeignKey(
        "ConsensusSession",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="report_jobs",
        verbose_name=_("consensus session"),
    )
    kind = models.CharField(
        _("report"), max_length=30, choices=[*Kind.choices, *SessionKind.choices]
    )
    file = models.FileField(_("file"), upload_to="reports/%Y/%m/", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="report_job_progress_max_100"
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(initiative__isnull=False, session__isnull=True)
                    | models.Q(initiative__isnull=True, session__isnull=False)
                ),
                name="report_job_of_initiative_xor_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def extension(self) -> str:
        return self.kind.rsplit("_", 1)[-1]

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.extension]

    @property
    def download_name(self) -> str:
        stems = self.FILE_STEMS[self.kind.rsplit("_", 1)[0]]
        stem = stems.get((self.language or "")[:2], stems["sv"])
        if self.session_id is not None:
            assessment = self.session.assessment
            return f"{stem}-{assessment.asset.code}-v{assessment.version}.{self.extension}"
        return f"{stem}-{self.initiative.code}.{self.extension}"


# --- Consensus sessions and sign-off ---------------------------------------------------------


class ConsensusSession(models.Model):
    """Business, legal and IT answer one assessment independently, then agree on its levels.

    open → revealed (everyone sees every proposal) → concluded (the agreed levels became the
    assessment's results; sign-off follows). Cancelling leaves the assessment a draft.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Collecting answers")
        REVEALED = "revealed", _("Revealed")
        CONCLUDED = "concluded", _("Concluded")
        CANCELLED = "cancelled", _("Cancelled")

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="consensus_sessions"
    )
    facilitator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("facilitator"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    # Sessions opened together for several assets of one department share a meeting: the
    # same people handle the assets one after another.
    meeting = models.UUIDField(_("meeting"), null=True, blank=True, db_index=True)
    # Optimistic concurrency for the facilitator's actions (reveal, decide, conclude).
    lock_version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(_("opened"), auto_now_add=True)
    revealed_at = models.DateTimeField(_("revealed"), null=True, blank=True)
    concluded_at = models.DateTimeField(_("concluded"), null=True, blank=True)

    class Meta:
        verbose_name = _("consensus session")
        verbose_name_plural = _("consensus sessions")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment"],
                condition=models.Q(status__in=["open", "revealed"]),
                name="one_active_session_per_assessment",
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} ({self.get_status_display()})"


class Participant(models.Model):
    class SessionRole(models.TextChoices):
        BUSINESS_OWNER = "business_owner", _("Business owner")
        LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
        DPO = "dpo", _("Data-protection officer")
        IT = "it", _("IT / system administrator")
        OTHER = "other", _("Other")

    session = models.ForeignKey(
        ConsensusSession, on_delete=models.CASCADE, related_name="participants"
    )
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    session_role = models.CharField(
        _("role in the session"), max_length=20, choices=SessionRole.choices
    )
    submitted_at = models.DateTimeField(_("answers submitted"), null=True, blank=True)
    invitation_sent_at = models.DateTimeField(_("invitation sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        ordering = ["session", "id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "user"], name="participant_once_per_session")
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_session_role_display()})"


class Proposal(models.Model):
    """One participant's answer to one question, hidden from the others until reveal."""

    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="proposals")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="+")
    option = models.ForeignKey(
        AnswerOption, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    comment = models.TextField(_("comment"), blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [
            models.UniqueConstraint(fields=["participant", "question"], name="proposal_unique")
        ]

    def __str__(self) -> str:
        return f"{self.participant_id}:{self.question_id}"


class AspectDecision(models.Model):
    """The level the session agreed on for one aspect, and why."""

    session = models.ForeignKey(
        ConsensusSession, on_delete=models.CASCADE, related_name="decisions"
    )
    aspect_code = models.CharField(_("aspect"), max_length=4)
    level = models.PositiveSmallIntegerField(_("agreed level"))
    rationale = models.TextField(_("rationale"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("agreed level")
        verbose_name_plural = _("agreed levels")
        ordering = ["session", "aspect_code"]
        constraints = [
            models.UniqueConstraint(fields=["session", "aspect_code"], name="decision_per_aspect"),
            models.CheckConstraint(
                condition=~models.Q(rationale=""), name="decision_needs_rationale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.aspect_code}={self.level}"


class Dissent(models.Model):
    """A participant's recorded disagreement, kept in the minutes."""

    session = models.ForeignKey(ConsensusSession, on_delete=models.CASCADE, related_name="dissents")
    participant = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="dissents")
    aspect_code = models.CharField(_("aspect"), max_length=4)
    text = models.TextField(_("dissent"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dissent")
        verbose_name_plural = _("dissents")
        ordering = ["session", "created_at"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(text=""), name="dissent_needs_text"),
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.aspect_code}"


class SignOff(models.Model):
    """A signature on an assessment's content, identified by a fingerprint of that content.
    A material change voids it (voided_at set), and the reason is kept."""

    class SignRole(models.TextChoices):
        BUSINESS_OWNER = "business_owner", _("Business owner")
        LEGAL_REVIEWER = "legal_reviewer", _("Legal reviewer")
        DPO = "dpo", _("Data-protection officer")

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="signoffs")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(_("signs as"), max_length=20, choices=SignRole.choices)
    content_hash = models.CharField(_("fingerprint"), max_length=64)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_reason = models.CharField(_("why voided"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["assessment", "signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "role"],
                condition=models.Q(voided_at__isnull=True),
                name="one_valid_signature_per_role",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.user}"
