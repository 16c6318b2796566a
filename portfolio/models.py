"""The portfolio of an organisation: its settings (year, budget, benefit scenario, ranking
method and weights), the priority inputs of each initiative (scores, forced choices, benefit
owner, DPIA) and saved selections (scenarios), at most one of which per year is the decision.

The selection itself is never stored as a fact of an initiative: it follows from the inputs
and is frozen only in a scenario.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from assessments.models import Initiative
from klassa_app.models import FileJob, Organisation

DEFAULT_FULFILMENT_THRESHOLD = Decimal("0.8")
DEFAULT_YEAR = 2027


class BenefitScenario(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class RankingMethod(models.TextChoices):
    SCORE = "score", _("Weighted score")
    WSJF = "wsjf", _("WSJF (cost of delay / duration)")


class Forced(models.TextChoices):
    NONE = "", _("Not forced")
    IN = "in", _("Forced in")
    OUT = "out", _("Forced out")


class PortfolioSettings(models.Model):
    """One per organisation. ``weights`` maps a scoring criterion to its weight as a decimal
    string (``{"npv_per_krona": "0.35", …}``); the service validates it against the scoring
    criteria, and an empty object means the default weights."""

    organisation = models.OneToOneField(
        Organisation, on_delete=models.CASCADE, related_name="portfolio_settings"
    )
    year = models.PositiveSmallIntegerField(
        _("year"), default=DEFAULT_YEAR, validators=[MinValueValidator(2000)]
    )
    budget = models.DecimalField(
        _("investment budget (SEK)"),
        max_digits=17,
        decimal_places=2,
        default=Decimal(0),
        validators=[MinValueValidator(Decimal(0))],
    )
    scenario = models.CharField(
        _("benefit scenario"),
        max_length=6,
        choices=BenefitScenario.choices,
        default=BenefitScenario.MEDIUM,
    )
    method = models.CharField(
        _("ranking method"),
        max_length=5,
        choices=RankingMethod.choices,
        default=RankingMethod.SCORE,
    )
    weights = models.JSONField(_("criterion weights"), default=dict, blank=True)
    fulfilment_threshold = models.DecimalField(
        _("action plan fulfilment threshold"),
        max_digits=4,
        decimal_places=3,
        default=DEFAULT_FULFILMENT_THRESHOLD,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Below this share of fulfilled requirements the readiness list warns."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("portfolio settings")
        verbose_name_plural = _("portfolio settings")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="portfolio_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(fulfilment_threshold__gte=0, fulfilment_threshold__lte=1),
                name="portfolio_threshold_share",
            ),
            models.CheckConstraint(
                condition=models.Q(scenario__in=BenefitScenario.values),
                name="portfolio_settings_scenario_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(method__in=RankingMethod.values),
                name="portfolio_settings_method_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class InitiativePriority(models.Model):
    """The priority inputs of one initiative that its benefit model and classification do
    not give: scores from 1 to 5, duration, a forced choice with its reason, the benefit
    owner and whether a DPIA is recorded."""

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="priority")
    strategic_fit = models.PositiveSmallIntegerField(
        _("strategic fit (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    time_criticality = models.PositiveSmallIntegerField(
        _("time criticality (1–5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    duration_weeks = models.PositiveSmallIntegerField(
        _("duration (weeks)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    forced = models.CharField(
        _("forced choice"), max_length=3, choices=Forced.choices, blank=True, default=Forced.NONE
    )
    forced_reason = models.TextField(_("reason for the forced choice"), blank=True)
    forced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("forced by"),
    )
    forced_at = models.DateTimeField(_("forced"), null=True, blank=True)
    benefit_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("benefit owner"),
    )
    dpia_recorded = models.BooleanField(_("DPIA recorded"), default=False)
    dpia_reference = models.CharField(_("DPIA reference"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("initiative priority")
        verbose_name_plural = _("initiative priorities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(strategic_fit__isnull=True)
                | models.Q(strategic_fit__gte=1, strategic_fit__lte=5),
                name="priority_strategic_fit_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(time_criticality__isnull=True)
                | models.Q(time_criticality__gte=1, time_criticality__lte=5),
                name="priority_time_criticality_1_to_5",
            ),
            models.CheckConstraint(
                condition=models.Q(duration_weeks__isnull=True) | models.Q(duration_weeks__gte=1),
                name="priority_duration_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(forced__in=Forced.values), name="priority_forced_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(forced="") | ~models.Q(forced_reason=""),
                name="priority_forced_needs_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id}: {self.forced or '-'}"

    @property
    def forced_choice(self) -> str | None:
        """``"in"``, ``"out"`` or None, as the selection and the register format name it."""
        return self.forced or None


class PlanYearBudget(models.Model):
    """The investment frame of a plan year after the portfolio's year (whose frame is the
    settings' ``budget``): a budget year with its plan years, as municipalities decide them."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="plan_year_budgets"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000)])
    budget = models.DecimalField(
        _("investment frame (SEK)"),
        max_digits=17,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )

    class Meta:
        verbose_name = _("plan year frame")
        verbose_name_plural = _("plan year frames")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="plan_year_once"),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="plan_year_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class Prerequisite(models.Model):
    """``initiative`` may start only when ``requires`` has been delivered: a shared platform,
    an identity solution, another initiative of the same organisation. No cycles (the
    service refuses them, naming the cycle)."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="prerequisites"
    )
    requires = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="needed_by")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("prerequisite")
        verbose_name_plural = _("prerequisites")
        constraints = [
            models.UniqueConstraint(fields=["initiative", "requires"], name="prerequisite_once"),
            models.CheckConstraint(
                condition=~models.Q(initiative=models.F("requires")),
                name="prerequisite_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} → {self.requires_id}"


class PortfolioScenario(models.Model):
    """A saved selection: the inputs it was made with and the chosen codes, frozen. One
    scenario per organisation and year may be committed as the decision."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="portfolio_scenarios"
    )
    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    budget = models.DecimalField(_("budget (SEK)"), max_digits=17, decimal_places=2)
    benefit_scenario = models.CharField(
        _("benefit scenario"), max_length=6, choices=BenefitScenario.choices
    )
    method = models.CharField(_("ranking method"), max_length=5, choices=RankingMethod.choices)
    # ["EDU-A", …] sorted; {"EDU-B": {"forced": "out", "reason": "…"}, …}
    selected_codes = models.JSONField(_("selected initiatives"), default=list)
    forced_choices = models.JSONField(_("forced choices"), default=dict, blank=True)
    total_investment_cost = models.DecimalField(
        _("total investment cost"), max_digits=17, decimal_places=2
    )
    total_npv = models.DecimalField(_("total NPV"), max_digits=17, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("portfolio scenario")
        verbose_name_plural = _("portfolio scenarios")
        ordering = ["organisation", "-year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="portfolio_scenario_name_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year"],
                condition=models.Q(committed_at__isnull=False),
                name="portfolio_one_commitment_per_year",
            ),
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="portfolio_scenario_budget_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"

    @property
    def is_committed(self) -> bool:
        return self.committed_at is not None


class PortfolioReportJob(FileJob):
    """An export of an organisation's portfolio built in the background (XLSX of the whole
    portfolio, or the PDF board report). ``parameters`` holds what it was asked for
    (benefit scenario, budget, saved scenario, and ``department_ids``: the departments the
    requester saw, null for all), so that only people who see at least that much may
    download it."""

    class Kind(models.TextChoices):
        XLSX = "xlsx", _("Portfolio (Excel)")
        PDF = "pdf", _("Board report (PDF)")

    FILE_STEMS = {
        "xlsx": {"sv": "portfolj", "en": "portfolio"},
        "pdf": {"sv": "styrgruppsrapport", "en": "board-report"},
    }

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="portfolio_report_jobs",
        verbose_name=_("organisation"),
    )
    kind = models.CharField(_("report"), max_length=4, choices=Kind.choices)
    parameters = models.JSONField(_("parameters"), default=dict, blank=True)
    file = models.FileField(_("file"), upload_to="portfolio/%Y/%m/", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("requested by"),
    )

    class Meta:
        verbose_name = _("portfolio report job")
        verbose_name_plural = _("portfolio report jobs")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(progress__lte=100), name="portfolio_job_progress_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=["xlsx", "pdf"]), name="portfolio_job_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.kind} #{self.pk}"

    @property
    def content_type(self) -> str:
        return self.CONTENT_TYPES[self.kind]

    @property
    def download_name(self) -> str:
        stems = self.FILE_STEMS[self.kind]
        stem = stems.get((self.language or "")[:2], stems["sv"])
        year = self.parameters.get("year", "")
        return f"{stem}-{self.organisation.code}{f'-{year}' if year else ''}.{self.kind}"


# --- Stored derived figures ---------------------------------------------------------------------


class InitiativeFigures(models.Model):
    """What the portfolio derives from an initiative's assets, adjustments, action plan and
    benefit model, stored in the same transaction as the write that changes it
    (``portfolio.figures``) so that pages read it with SQL instead of classifying every
    initiative on every request.

    ``blockers`` are the readiness blockers that do not depend on the date; an approved
    asset's overdue review does, so its due date is kept in ``review_dues`` and the
    ``review_overdue`` blocker is added when read (``next_review_due`` lets SQL tell whether
    any is overdue)."""

    initiative = models.OneToOneField(
        Initiative, on_delete=models.CASCADE, primary_key=True, related_name="figures"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    classification_status = models.CharField(max_length=12)
    finals = models.JSONField(default=dict)  # {"K": 3, "R": null, …} in the scheme's order
    max_level = models.PositiveSmallIntegerField(null=True)
    top_level = models.PositiveSmallIntegerField(null=True)
    requires_psa = models.BooleanField(default=False)
    has_benefit_model = models.BooleanField(default=False)
    blockers = models.JSONField(default=list)
    blocker_count = models.PositiveSmallIntegerField(default=0)
    review_dues = models.JSONField(default=dict)  # {asset code: "YYYY-MM-DD"}, approved assets
    next_review_due = models.DateField(null=True)
    fulfilment_share = models.DecimalField(max_digits=9, decimal_places=6, null=True)
    handles_special_categories = models.BooleanField(default=False)
    asset_count = models.PositiveIntegerField(default=0)
    asset_ids = models.JSONField(default=dict)  # {asset code: pk}, for the blockers' links
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("initiative figures")
        verbose_name_plural = _("initiative figures")
        indexes = [models.Index(fields=["organisation", "updated_at"])]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.classification_status}"


class InitiativeLevel(models.Model):
    """An initiative's final level of one aspect (None: not classified), one row per aspect,
    for the heat map's aggregate per department."""

    initiative = models.ForeignKey(
        Initiative, on_delete=models.CASCADE, related_name="final_levels"
    )
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="+")
    department = models.ForeignKey(
        "klassa_app.Department", on_delete=models.CASCADE, related_name="+"
    )
    aspect = models.CharField(max_length=20)
    level = models.PositiveSmallIntegerField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "aspect"], name="initiative_level_one_per_aspect"
            )
        ]
        indexes = [models.Index(fields=["organisation", "department", "aspect"])]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.aspect}={self.level}"


class PortfolioResult(models.Model):
    """The ranking, the budget line and the selections for one set of inputs, stored under a
    digest of them (benefit scenario, budget, method, weights, the date, and the versions of
    the stored figures and priority inputs). The ranking is stored when first asked for; the
    optimal selection and the frontier are computed by Celery and filled in later."""

    class State(models.TextChoices):
        RANKED = "ranked", _("Ranked; optimal selection being computed")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="portfolio_results"
    )
    digest = models.CharField(max_length=64)
    scenario = models.CharField(max_length=6, choices=BenefitScenario.choices)
    budget = models.DecimalField(max_digits=17, decimal_places=2)
    method = models.CharField(max_length=5, choices=RankingMethod.choices)
    weights = models.JSONField(default=dict)
    state = models.CharField(max_length=6, choices=State.choices, default=State.RANKED)
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True)
    # Totals of the selections, as ``portfolio.selection.Selection`` has them.
    greedy = models.JSONField(default=dict)
    optimal = models.JSONField(null=True)
    # The budget line's reserved (forced-in) cost, total and cut-off row (by rank).
    line = models.JSONField(default=dict)
    frontier = models.JSONField(null=True)
    frontier_requested = models.BooleanField(default=False)
    error = models.TextField(blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "digest"], name="portfolio_result_one_per_digest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.digest[:8]} {self.state}"


class RankedInitiative(models.Model):
    """One initiative's place in a stored result: rank, score and its parts, its row of the
    budget line, and whether the greedy and the optimal selections choose it."""

    result = models.ForeignKey(PortfolioResult, on_delete=models.CASCADE, related_name="rows")
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="+")
    # Copied for scoping a department reader's rows without a join.
    department = models.ForeignKey(
        "klassa_app.Department", on_delete=models.CASCADE, related_name="+"
    )
    rank = models.PositiveIntegerField()
    # The score exactly as computed (a Decimal's text): its parts must add up to it.
    score = models.CharField(max_length=64, blank=True)
    contributions = models.JSONField(default=dict)
    wsjf = models.JSONField(null=True)
    npv = models.DecimalField(max_digits=30, decimal_places=4)
    cost = models.DecimalField(max_digits=30, decimal_places=4)
    ready = models.BooleanField(default=False)
    forced = models.CharField(max_length=3, blank=True)
    cumulative_cost = models.DecimalField(max_digits=30, decimal_places=4)
    line_status = models.CharField(max_length=16)
    greedy = models.BooleanField(default=False)
    optimal = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["result", "rank"], name="ranked_initiative_rank"),
        ]

    def __str__(self) -> str:
        return f"{self.result_id} #{self.rank}"


class RoadmapResult(models.Model):
    """The optimal multi-year roadmap and the ranking's plan for one set of inputs (benefit
    scenario, frames per year, pinned start years of a what-if, the date, and the versions of
    the stored figures, priority inputs and prerequisites), stored under a digest of them.
    The ranking's plan is stored at once; the optimal plan is filled in by Celery for a large
    portfolio."""

    class State(models.TextChoices):
        PENDING = "pending", _("Ranking's plan; optimal plan being computed")
        DONE = "done", _("Done")

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roadmap_results"
    )
    digest = models.CharField(max_length=64)
    # The items and the horizon the plans were made from (so the solver needs no queries).
    inputs = models.JSONField(default=dict)
    # Each plan as ``roadmap_report.plan_json`` gives it, with why-not's extra frames.
    optimal = models.JSONField(null=True)
    ranking = models.JSONField(default=dict)
    state = models.CharField(max_length=7, choices=State.choices, default=State.PENDING)
    proven_optimal = models.BooleanField(null=True)
    gap = models.FloatField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "digest"], name="roadmap_result_one_per_digest"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.digest[:8]} {self.state}"


class RoadmapScenario(models.Model):
    """A saved roadmap: the what-if inputs it was made with (benefit scenario, frames per plan
    year, pinned start years) and the optimal plan they gave, frozen as the roadmap page
    showed it. One roadmap per organisation and first plan year may be committed as the
    decision."""

    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="roadmap_scenarios"
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    benefit_scenario = models.CharField(
        _("benefit scenario"), max_length=6, choices=BenefitScenario.choices
    )
    # {"2027": "10000000", …} (decimal strings, whole kronor); {"EDU-A": 2028, …}
    frames = models.JSONField(_("frames per year"), default=dict)
    pinned_starts = models.JSONField(_("pinned start years"), default=dict, blank=True)
    first_year = models.PositiveSmallIntegerField(_("first plan year"))
    # The optimal plan as ``roadmap_results`` stores it: starts with costs and values, spend
    # per year, value, feasibility, gap, conflicts and the unplanned with their reasons.
    plan = models.JSONField(_("plan"), default=dict)
    value = models.DecimalField(_("value (NPV)"), max_digits=17, decimal_places=2)
    ranking_value = models.DecimalField(
        _("value of the ranking's plan"), max_digits=17, decimal_places=2
    )
    proven_optimal = models.BooleanField(_("proven optimal"), default=False)
    gap = models.FloatField(_("gap"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    committed_at = models.DateTimeField(_("committed"), null=True, blank=True)
    committed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("roadmap scenario")
        verbose_name_plural = _("roadmap scenarios")
        ordering = ["organisation", "-first_year", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="roadmap_scenario_name_unique"
            ),
            models.UniqueConstraint(
                fields=["organisation", "first_year"],
                condition=models.Q(committed_at__isnull=False),
                name="roadmap_one_commitment_per_first_year",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.first_year})"

    @property
    def is_committed(self) -> bool:
        return self.committed_at is not None

    @property
    def years(self) -> list[int]:
        return sorted(int(y) for y in self.frames)

    @property
    def last_year(self) -> int:
        return max(self.years, default=self.first_year)
