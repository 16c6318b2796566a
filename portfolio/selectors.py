"""Reads of the portfolio: one row per visible initiative with its classification, readiness,
benefit figures and priority, and everything the dashboard and the report derive from them
(area totals, readiness funnel, heat map, overdue reviews, ranking, selections).

The number of queries does not depend on the number of initiatives or assets: initiatives
come with their department, area, priority and benefit model in one query, their assets and
adjustments in two prefetches, action-plan statuses and requirements in one query each.
Benefit models are never evaluated here: their summaries are stored when they are saved.

``compute`` is the full computation over every initiative, for exports, the JSON report and
as the reference the stored figures are checked against; the pages read the stored figures
and results (``portfolio.pages``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments import classification_rules, frameworks
from assessments import selectors as assessment_selectors
from assessments.models import (
    Adjustment,
    InformationAsset,
    Initiative,
    PersonalData,
    Requirement,
    RequirementStatus,
)
from benefits.models import BenefitModel
from benefits.models import BenefitSummary as StoredSummary
from klassa_app import access
from klassa_app.models import Organisation, User
from portfolio import readiness as readiness_rules
from portfolio import scoring, selection
from portfolio.breakdowns import (  # noqa: F401 (HeatCell: read from here by portfolio.pages)
    AreaTotal,
    HeatCell,
    HeatMapRow,
    area_totals,
    heat_map,
)
from portfolio.models import (
    BenefitScenario,
    InitiativePriority,
    PlanYearBudget,
    PortfolioScenario,
    PortfolioSettings,
    Prerequisite,
    RankingMethod,
)
from portfolio.scoping import scoped_budget_line, scoped_selection

ZERO = Decimal(0)
# The page that lets someone set an initiative's priority inputs (benefit owner, DPIA, …).
PRIORITY_URL_NAME = "portfolio_priority"


# --- Settings -----------------------------------------------------------------------------------


def portfolio_settings(organisation: Organisation) -> PortfolioSettings:
    """The organisation's settings, or unsaved defaults (a read never writes)."""
    found = PortfolioSettings.objects.filter(organisation=organisation).first()
    return found if found is not None else PortfolioSettings(organisation=organisation)


def plan_budgets(settings: PortfolioSettings) -> dict[int, Decimal]:
    """The investment frame of each plan year: the portfolio's year with its budget, then the
    plan years stored after it, as far as they follow each other."""
    frames = {settings.year: settings.budget}
    if settings.organisation_id is None:
        return frames
    later = PlanYearBudget.objects.filter(
        organisation_id=settings.organisation_id, year__gt=settings.year
    ).order_by("year")
    for year, budget in later.values_list("year", "budget"):
        if year != max(frames) + 1:
            break
        frames[year] = budget
    return frames


def weights_of(settings: PortfolioSettings) -> dict[str, Decimal]:
    """The criterion weights as Decimals: the stored ones over the scoring defaults. With
    method ``score`` the ranking shows each weight's share (``scoring_model(...).shares()``)."""
    weights = dict(scoring.DEFAULT_WEIGHTS)
    for name, value in (settings.weights or {}).items():
        if name in weights:
            weights[name] = Decimal(str(value))
    return weights


def scoring_model(settings: PortfolioSettings) -> scoring.ScoringModel:
    return scoring.ScoringModel.from_weights(weights_of(settings))


# --- Benefit summaries (cached) -----------------------------------------------------------------


@dataclass(frozen=True)
class BenefitSummary:
    """One scenario of a benefit model: whole horizon, undiscounted benefits; NPV; and the
    investment cost (cost items of kind investment, all years, undiscounted)."""

    total_benefit: Decimal
    internal_benefit: Decimal
    external_benefit: Decimal
    npv: Decimal
    investment_cost: Decimal


def benefit_summaries(models: Iterable[BenefitModel]) -> dict[int, dict[str, BenefitSummary]]:
    """Per initiative id, its model's stored summary by scenario (``benefits.derived`` keeps
    them in step with every save), in one query. A model whose document no longer validates
    has none and counts as no model."""
    initiative_ids = [m.initiative_id for m in models]
    result: dict[int, dict[str, BenefitSummary]] = {}
    for row in StoredSummary.objects.filter(initiative_id__in=initiative_ids).values_list(
        "initiative_id",
        "scenario",
        "total_benefit",
        "internal_benefit",
        "external_benefit",
        "npv",
        "investment_cost",
    ):
        result.setdefault(row[0], {})[row[1]] = BenefitSummary(*row[2:])
    return result


# --- Readiness items with labels and links ------------------------------------------------------

LABELS = {
    readiness_rules.NO_ASSETS: _("No information assets are linked"),
    readiness_rules.ASSET_UNCLASSIFIED: _("Information asset %(asset)s is not classified"),
    readiness_rules.ASSET_NOT_APPROVED: _(
        "The classification of information asset %(asset)s is not approved"
    ),
    readiness_rules.REVIEW_OVERDUE: _("The review of information asset %(asset)s is overdue"),
    readiness_rules.PROTECTIVE_SECURITY: _("Requires a protective-security analysis"),
    readiness_rules.NO_BENEFIT_MODEL: _("No benefit model"),
    readiness_rules.ACTION_PLAN_BELOW_THRESHOLD: _(
        "The action plan is fulfilled below the threshold"
    ),
    readiness_rules.BENEFIT_OWNER_MISSING: _("No benefit owner is named"),
    readiness_rules.DPIA_NOT_RECORDED: _(
        "Special categories of personal data are handled, but no DPIA is recorded"
    ),
    readiness_rules.PREREQUISITE_NOT_READY: _("The prerequisite %(code)s is not ready"),
}


@dataclass(frozen=True)
class ReadinessItem:
    """A blocker or advisory item with what a person needs: a label and the page that
    resolves it (``url_name`` with ``url_args``)."""

    code: str
    blocking: bool
    label: str
    url_name: str
    url_args: tuple[int, ...]

    @property
    def url(self) -> str:
        try:
            return reverse(self.url_name, args=self.url_args)
        except NoReverseMatch:
            # The priority page may not be installed; the initiative page links onwards.
            return reverse("initiative_detail", args=self.url_args[-1:])


def _link(item: readiness_rules.Item, initiative: Initiative, asset_ids: Mapping[str, int]):
    kind, subject = item.kind, item.subject
    if kind == readiness_rules.NO_ASSETS:
        return "initiative_assets", (initiative.pk,)
    if kind == readiness_rules.ASSET_UNCLASSIFIED and subject in asset_ids:
        return "asset_assess", (asset_ids[subject],)
    if kind in (readiness_rules.ASSET_NOT_APPROVED, readiness_rules.REVIEW_OVERDUE) and (
        subject in asset_ids
    ):
        return "asset_detail", (asset_ids[subject],)
    if kind == readiness_rules.NO_BENEFIT_MODEL:
        return "benefit_model", (initiative.pk,)
    if kind == readiness_rules.ACTION_PLAN_BELOW_THRESHOLD:
        return "initiative_action_plan", (initiative.pk,)
    if kind in (
        readiness_rules.BENEFIT_OWNER_MISSING,
        readiness_rules.DPIA_NOT_RECORDED,
        # The priority page lists what the initiative requires, each with its link.
        readiness_rules.PREREQUISITE_NOT_READY,
    ):
        return PRIORITY_URL_NAME, (initiative.pk,)
    return "initiative_detail", (initiative.pk,)


def describe(
    item: readiness_rules.Item, initiative: Initiative, asset_ids: Mapping[str, int]
) -> ReadinessItem:
    url_name, args = _link(item, initiative, asset_ids)
    label = LABELS[item.kind]
    subject = {"asset": item.subject, "code": item.subject}
    text = str(label) % subject if item.subject else str(label)
    return ReadinessItem(item.code, item.blocking, text, url_name, args)


# --- Rows ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PortfolioFilters:
    department_id: int | None = None
    area_id: int | None = None
    # "ready", "blocked", "selected", or a classification status (approved, provisional, …)
    status: str = ""


@dataclass
class PortfolioRow:
    initiative: Initiative
    classification: assessment_selectors.InitiativeClassification
    readiness: readiness_rules.Readiness
    blockers: list[ReadinessItem]
    advisories: list[ReadinessItem]
    benefit: BenefitSummary | None  # None without a (valid) benefit model
    priority: InitiativePriority | None
    fulfilment_share: Decimal | None
    score: Decimal | None = None
    contributions: dict[str, Decimal] = field(default_factory=dict)
    rank: int | None = None
    wsjf: scoring.WsjfResult | None = None  # the WSJF parts when ranked by WSJF
    selected: bool = False  # in the optimal selection
    greedy_selected: bool = False

    @property
    def code(self) -> str:
        return self.initiative.code

    @property
    def name(self) -> str:
        return self.initiative.name

    @property
    def department(self):
        return self.initiative.department

    @property
    def area(self):
        return self.initiative.area

    @property
    def area_name(self) -> str:
        return self.initiative.area.name if self.initiative.area_id else ""

    @property
    def finals(self) -> dict[str, int | None]:
        return self.classification.finals

    @property
    def classification_status(self) -> str:
        return self.classification.status

    @property
    def ready(self) -> bool:
        return self.readiness.ready

    @property
    def has_benefit_model(self) -> bool:
        return self.benefit is not None

    @property
    def forced(self) -> str | None:
        return self.priority.forced_choice if self.priority is not None else None

    @property
    def npv(self) -> Decimal:
        return self.benefit.npv if self.benefit else ZERO

    @property
    def investment_cost(self) -> Decimal:
        return self.benefit.investment_cost if self.benefit else ZERO

    def candidate(self) -> selection.Candidate:
        return selection.Candidate(
            code=self.code,
            npv=self.npv,
            cost=self.investment_cost,
            ready=self.ready,
            forced=self.forced,
        )


def _initiatives(organisation: Organisation, department_ids: set[int] | None):
    qs = (
        Initiative.objects.filter(organisation=organisation)
        .select_related(
            "department", "area", "priority", "priority__benefit_owner", "benefit_model"
        )
        .prefetch_related(
            Prefetch(
                "assets",
                queryset=InformationAsset.objects.only(
                    "id",
                    "code",
                    "levels",
                    "status",
                    "protective_security",
                    "requires_protective_security_analysis",
                    "review_due",
                    "personal_data",
                    "secrecy",
                ).order_by("code"),
            ),
            Prefetch("adjustments", queryset=Adjustment.objects.order_by("aspect_code")),
        )
        .order_by("code")
    )
    return qs if department_ids is None else qs.filter(department_id__in=department_ids)


def _fulfilments(
    initiatives: Sequence[Initiative],
    classifications: Mapping[int, assessment_selectors.InitiativeClassification],
    organisation: Organisation,
    initiative_qs: QuerySet[Initiative],
) -> dict[int, classification_rules.Fulfilment]:
    """Each initiative's action plan fulfilment, as ``assessments.selectors.action_plan``
    computes it, in two queries for all of them."""
    if not initiatives:
        return {}
    fallback = None
    catalogue_ids = {i.action_plan_catalogue_id for i in initiatives if i.action_plan_catalogue_id}
    if any(i.action_plan_catalogue_id is None for i in initiatives):
        fallback = frameworks.current_catalogue(organisation).pk
        catalogue_ids.add(fallback)
    by_catalogue: dict[int, list[Requirement]] = defaultdict(list)
    for requirement in Requirement.objects.filter(catalogue_id__in=catalogue_ids).order_by(
        "catalogue_id", "aspect_code", "min_level", "code"
    ):
        by_catalogue[requirement.catalogue_id].append(requirement)
    statuses: dict[int, dict[int, str]] = defaultdict(dict)
    for initiative_id, requirement_id, status in RequirementStatus.objects.filter(
        initiative__in=initiative_qs.values("pk")
    ).values_list("initiative_id", "requirement_id", "status"):
        statuses[initiative_id][requirement_id] = status
    result = {}
    for initiative in initiatives:
        classification = classifications[initiative.pk]
        requirements = by_catalogue[initiative.action_plan_catalogue_id or fallback]
        applicable = classification_rules.applicable_requirements(
            [
                classification_rules.RequirementRule(r.pk, r.aspect_code, r.min_level, r.trigger)
                for r in requirements
            ],
            classification.finals,
            classification.triggers,
        )
        own = statuses.get(initiative.pk, {})
        result[initiative.pk] = classification_rules.fulfilment(
            own.get(rule.code, "") for rule in applicable
        )
    return result


def _priority(initiative: Initiative) -> InitiativePriority | None:
    try:
        return initiative.priority
    except InitiativePriority.DoesNotExist:
        return None


def _benefit_model(initiative: Initiative) -> BenefitModel | None:
    try:
        return initiative.benefit_model
    except BenefitModel.DoesNotExist:
        return None


def build_rows(
    organisation: Organisation,
    *,
    department_ids: set[int] | None,
    scenario: str,
    settings: PortfolioSettings,
    today: date | None = None,
) -> list[PortfolioRow]:
    """The rows of the initiatives of ``department_ids`` (None: all), without ranking."""
    today = today or timezone.localdate()
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    initiative_qs = _initiatives(organisation, department_ids)
    initiatives = list(initiative_qs)
    classifications = {
        i.pk: assessment_selectors.classify(
            i, list(i.assets.all()), list(i.adjustments.all()), scheme, today
        )
        for i in initiatives
    }
    fulfilments = _fulfilments(initiatives, classifications, organisation, initiative_qs)
    models = [m for m in (_benefit_model(i) for i in initiatives) if m is not None]
    summaries = benefit_summaries(models)
    threshold = settings.fulfilment_threshold
    rows = []
    for initiative in initiatives:
        assets = list(initiative.assets.all())
        classification = classifications[initiative.pk]
        priority = _priority(initiative)
        summary = summaries.get(initiative.pk)
        share = readiness_rules.fulfilment_share(fulfilments[initiative.pk])
        state = readiness_rules.readiness(
            [assessment_selectors.asset_state(a, today) for a in assets],
            requires_psa=classification.requires_protective_security_analysis,
            has_benefit_model=summary is not None,
            fulfilment_share=share,
            threshold=threshold,
            has_benefit_owner=priority is not None and priority.benefit_owner_id is not None,
            handles_special_categories=any(
                a.personal_data == PersonalData.SPECIAL_CATEGORIES for a in assets
            ),
            dpia_recorded=priority is not None and priority.dpia_recorded,
        )
        asset_ids = {a.code: a.pk for a in assets}
        rows.append(
            PortfolioRow(
                initiative=initiative,
                classification=classification,
                readiness=state,
                blockers=[describe(item, initiative, asset_ids) for item in state.blockers],
                advisories=[describe(item, initiative, asset_ids) for item in state.advisories],
                benefit=summary[scenario] if summary is not None else None,
                priority=priority,
                fulfilment_share=share,
            )
        )
    _add_prerequisite_advisories(rows, today)
    return rows


def _add_prerequisite_advisories(rows: list[PortfolioRow], today: date) -> None:
    """The advisory item of every prerequisite that is not ready: as these rows found it for
    the initiatives among them, from the stored figures for the others (one query)."""
    ready = {row.code: row.readiness.ready for row in rows}
    by_pk = {row.initiative.pk: row for row in rows}
    waiting: dict[int, list[str]] = {}
    for pk, code, blockers, due in Prerequisite.objects.filter(
        initiative_id__in=list(by_pk)
    ).values_list(
        "initiative_id",
        "requires__code",
        "requires__figures__blocker_count",
        "requires__figures__next_review_due",
    ):
        is_ready = ready[code] if code in ready else readiness_rules.ready_on(blockers, due, today)
        if not is_ready:
            waiting.setdefault(pk, []).append(code)
    for pk, codes in waiting.items():
        row = by_pk[pk]
        items = tuple(
            readiness_rules.Item(f"{readiness_rules.PREREQUISITE_NOT_READY}:{code}", False)
            for code in sorted(codes)
        )
        row.readiness = readiness_rules.Readiness(
            blockers=row.readiness.blockers, advisories=row.readiness.advisories + items
        )
        row.advisories = row.advisories + [describe(item, row.initiative, {}) for item in items]


def _visible_department_ids(user: User, organisation: Organisation | None) -> set[int] | None:
    if organisation is None or not access.is_member(user, organisation):
        raise Http404("No such organisation.")
    return access.visible_department_ids(user, organisation)


def _filter(rows: list[PortfolioRow], filters: PortfolioFilters | None) -> list[PortfolioRow]:
    if filters is None:
        return rows
    if filters.department_id:
        rows = [r for r in rows if r.initiative.department_id == filters.department_id]
    if filters.area_id:
        rows = [r for r in rows if r.initiative.area_id == filters.area_id]
    status = filters.status
    if status == "ready":
        rows = [r for r in rows if r.ready]
    elif status == "blocked":
        rows = [r for r in rows if not r.ready]
    elif status == "selected":
        rows = [r for r in rows if r.selected]
    elif status:
        rows = [r for r in rows if r.classification_status == status]
    return rows


def _scenario_name(scenario: str | None, settings: PortfolioSettings) -> str:
    scenario = scenario or settings.scenario or BenefitScenario.MEDIUM
    if scenario not in BenefitScenario.values:
        raise ValueError(f"unknown benefit scenario {scenario!r}")
    return scenario


def portfolio_rows(
    user: User,
    organisation: Organisation | None,
    *,
    scenario: str | None = None,
    filters: PortfolioFilters | None = None,
) -> list[PortfolioRow]:
    """The visible initiatives' rows, ranked and marked as selected (optimal and greedy)
    within the organisation's budget. Admins and security officers see every department,
    everyone else their own; 404 for a non-member."""
    return portfolio(user, organisation, scenario=scenario, filters=filters).rows


# --- Derived views ------------------------------------------------------------------------------


FUNNEL_STAGES = (
    ("classified", _("Classified")),
    ("approved", _("Classification approved")),
    ("benefit_model", _("Benefit model")),
    ("ready", _("Ready")),
    ("selected", _("Selected")),
)


@dataclass(frozen=True)
class FunnelStage:
    key: str
    label: str
    count: int


def readiness_funnel(rows: Sequence[PortfolioRow]) -> list[FunnelStage]:
    """Each stage counts the initiatives that reached it and every stage before it:
    classified (no asset unclassified) → approved → with a benefit model → ready → selected."""
    classified = [r for r in rows if r.classification_status != "incomplete"]
    approved = [r for r in classified if r.classification_status == "approved"]
    modelled = [r for r in approved if r.has_benefit_model]
    ready = [r for r in modelled if r.ready]
    selected = [r for r in ready if r.selected]
    counts = [len(classified), len(approved), len(modelled), len(ready), len(selected)]
    return [
        FunnelStage(key, str(label), count)
        for (key, label), count in zip(FUNNEL_STAGES, counts, strict=True)
    ]


def overdue_reviews(
    organisation: Organisation, department_ids: set[int] | None, limit: int = 50
) -> list[InformationAsset]:
    qs = assessment_selectors.overdue_reviews(organisation)
    if department_ids is not None:
        qs = qs.filter(department_id__in=department_ids)
    return list(qs[:limit])


# --- Ranking and selection ----------------------------------------------------------------------


def rank(rows: Sequence[PortfolioRow], settings: PortfolioSettings) -> list[PortfolioRow]:
    """Scores, contributions and ranks on the rows (in place); returns them by rank."""
    if not rows:
        return []
    inputs = [
        scoring.ScoringInput(
            code=row.code,
            npv=row.npv,
            investment_cost=row.investment_cost,
            strategic_fit=row.priority.strategic_fit if row.priority else None,
            time_criticality=row.priority.time_criticality if row.priority else None,
            duration_weeks=row.priority.duration_weeks if row.priority else None,
            classification_level=max(
                (level for level in row.finals.values() if level is not None), default=None
            ),
            classification_top=max(row.classification.tops.values(), default=None),
            action_plan_fulfilment=row.fulfilment_share,
        )
        for row in rows
    ]
    by_code = {row.code: row for row in rows}
    if settings.method == RankingMethod.WSJF:
        for result in scoring.wsjf_ranking(inputs):
            row = by_code[result.code]
            row.score, row.rank, row.contributions = result.wsjf, result.rank, {}
            row.wsjf = result
    else:
        for result in scoring.score_portfolio(inputs, scoring_model(settings)):
            row = by_code[result.code]
            row.score, row.rank = result.score, result.rank
            row.contributions = dict(result.contributions)
    return sorted(rows, key=lambda r: r.rank or 0)


@dataclass
class Portfolio:
    organisation: Organisation
    settings: PortfolioSettings
    scenario: str
    budget: Decimal
    rows: list[PortfolioRow]  # filtered, in code order
    ranked: list[PortfolioRow]  # filtered, by rank
    areas: list[AreaTotal]
    totals: AreaTotal
    funnel: list[FunnelStage]
    heat_map: list[HeatMapRow]
    aspects: list[str]
    overdue: list[InformationAsset]
    optimal: selection.Selection
    greedy: selection.Selection
    budget_line: selection.BudgetLine
    frontier: list[selection.FrontierPoint]
    saved_scenario: PortfolioScenario | None = None
    # False for a reader of some departments only: ranks and selection are still those of the
    # whole organisation, but only their rows are listed and the organisation-wide totals
    # (selection sums, cumulative costs, frontier) are withheld.
    sees_all: bool = True
    # Set by the pages that read stored figures (``portfolio.pages``): how many initiatives
    # the filters leave (the rows are one page of them), the page, the stored result, the
    # largest initiatives for the bubble chart, and whether the solver's part is pending.
    total_count: int | None = None
    page: Any = None
    result: Any = None
    bubbles: list[Any] | None = None
    optimal_pending: bool = False
    frontier_pending: bool = False
    only_optimal: list[str] | None = None
    only_greedy: list[str] | None = None
    more: dict[str, int] = field(default_factory=dict)

    @property
    def value_difference(self) -> Decimal:
        """How much more NPV the optimal selection gives than the greedy one."""
        return self.optimal.total_npv - self.greedy.total_npv

    @property
    def optimal_gives_more(self) -> bool:
        """Whether the difference is worth a sentence: at least one krona as shown (pages
        show whole kronor, so a smaller difference would read "0 kr more")."""
        return self.value_difference >= Decimal("0.5")


def compute(
    organisation: Organisation,
    *,
    department_ids: set[int] | None,
    scenario: str | None = None,
    budget: Decimal | None = None,
    filters: PortfolioFilters | None = None,
    saved_scenario: PortfolioScenario | None = None,
    with_frontier: bool = True,
) -> Portfolio:
    """The portfolio shown over ``department_ids`` (None: every department). Ranking and
    selection are always over the whole organisation (the budget is the organisation's), so
    a department's reader sees the same rank and selected state as an admin; they get only
    their departments' rows, and the selections and the budget line are cut down to those
    rows without organisation-wide sums (``scoped_*``). ``filters`` narrow what is shown
    afterwards. A saved scenario shows its frozen choice as the selection."""
    settings = portfolio_settings(organisation)
    if saved_scenario is not None:
        scenario = scenario or saved_scenario.benefit_scenario
        budget = saved_scenario.budget if budget is None else budget
    scenario = _scenario_name(scenario, settings)
    budget = settings.budget if budget is None else budget
    rows = build_rows(organisation, department_ids=None, scenario=scenario, settings=settings)
    ranked = rank(rows, settings)
    candidates = [row.candidate() for row in ranked]
    optimal = selection.optimal_selection(candidates, budget)
    greedy = selection.greedy_selection(candidates, budget)
    chosen = set(optimal.codes)
    if saved_scenario is not None:
        chosen = set(saved_scenario.selected_codes)
    greedy_codes = set(greedy.codes)
    for row in rows:
        row.selected = row.code in chosen
        row.greedy_selected = row.code in greedy_codes
    budget_line = selection.budget_line(candidates, budget)
    frontier = (
        selection.efficient_frontier(candidates, [*selection.frontier_budgets(candidates), budget])
        if with_frontier and department_ids is None
        else []
    )
    if department_ids is not None:
        rows = [r for r in rows if r.initiative.department_id in department_ids]
        visible = {r.code for r in rows}
        optimal = scoped_selection(optimal, visible, ranked)
        greedy = scoped_selection(greedy, visible, ranked)
        budget_line = scoped_budget_line(budget_line, visible)
    shown = _filter(rows, filters)
    shown_codes = {r.code for r in shown}
    areas, totals = area_totals(shown)
    scheme_codes = list(rows[0].classification.aspects) if rows else []
    return Portfolio(
        organisation=organisation,
        settings=settings,
        scenario=scenario,
        budget=budget,
        rows=shown,
        ranked=[r for r in ranked if r.code in shown_codes],
        areas=areas,
        totals=totals,
        funnel=readiness_funnel(shown),
        heat_map=heat_map(shown, scheme_codes),
        aspects=scheme_codes,
        overdue=overdue_reviews(organisation, department_ids),
        optimal=optimal,
        greedy=greedy,
        budget_line=budget_line,
        frontier=frontier,
        saved_scenario=saved_scenario,
        sees_all=department_ids is None,
    )


def portfolio(
    user: User,
    organisation: Organisation | None,
    *,
    scenario: str | None = None,
    budget: Decimal | None = None,
    filters: PortfolioFilters | None = None,
    saved_scenario: PortfolioScenario | None = None,
    with_frontier: bool = True,
) -> Portfolio:
    """The portfolio as ``user`` sees it: admins and security officers (and other
    organisation-wide members) every department, the others their own. 404 for a
    non-member."""
    department_ids = _visible_department_ids(user, organisation)
    return compute(
        organisation,
        department_ids=department_ids,
        scenario=scenario,
        budget=budget,
        filters=filters,
        saved_scenario=saved_scenario,
        with_frontier=with_frontier,
    )


# --- Scenarios ----------------------------------------------------------------------------------


def scenarios(user: User, organisation: Organisation | None) -> QuerySet[PortfolioScenario]:
    if organisation is None or not access.is_member(user, organisation):
        return PortfolioScenario.objects.none()
    return PortfolioScenario.objects.filter(organisation=organisation).select_related(
        "created_by", "committed_by"
    )


def get_visible_scenario(
    user: User, organisation: Organisation | None, pk: int
) -> PortfolioScenario:
    try:
        return scenarios(user, organisation).get(pk=pk)
    except PortfolioScenario.DoesNotExist as exc:
        raise Http404("No such scenario.") from exc


def visible_codes(user: User, organisation: Organisation | None) -> set[str] | None:
    """Codes of the initiatives ``user`` may see in a saved scenario; None when they see every
    department (the dashboard's rule: admins and security officers all, others their own)."""
    department_ids = _visible_department_ids(user, organisation)
    if department_ids is None:
        return None
    return set(
        Initiative.objects.filter(
            organisation=organisation, department_id__in=department_ids
        ).values_list("code", flat=True)
    )


@dataclass(frozen=True)
class ScenarioView:
    """A saved scenario as one user may read it: the selected codes of their departments,
    how many others are hidden, and whether the organisation-wide totals may be shown."""

    scenario: PortfolioScenario
    codes: list[str]
    hidden: int
    sees_all: bool
    forced: list[tuple[str, dict[str, Any]]]


def scenario_view(scenario: PortfolioScenario, codes: set[str] | None) -> ScenarioView:
    """``codes`` from ``visible_codes`` (None: everything is shown)."""
    selected = sorted(scenario.selected_codes)
    shown = selected if codes is None else [c for c in selected if c in codes]
    forced = sorted(
        (code, choice)
        for code, choice in scenario.forced_choices.items()
        if codes is None or code in codes
    )
    return ScenarioView(scenario, shown, len(selected) - len(shown), codes is None, forced)


def scenario_views(
    user: User, organisation: Organisation | None, scenarios: Iterable[PortfolioScenario]
) -> list[ScenarioView]:
    codes = visible_codes(user, organisation)
    return [scenario_view(s, codes) for s in scenarios]


@dataclass(frozen=True)
class ScenarioComparison:
    left: PortfolioScenario
    right: PortfolioScenario
    only_left: list[str]
    only_right: list[str]
    both: list[str]
    hidden_left: int = 0
    hidden_right: int = 0
    sees_all: bool = True

    @property
    def npv_difference(self) -> Decimal:
        return self.right.total_npv - self.left.total_npv

    @property
    def cost_difference(self) -> Decimal:
        return self.right.total_investment_cost - self.left.total_investment_cost

    @property
    def budget_difference(self) -> Decimal:
        return self.right.budget - self.left.budget


def compare_scenarios(
    left: PortfolioScenario, right: PortfolioScenario, codes: set[str] | None = None
) -> ScenarioComparison:
    """The two selections side by side; with ``codes`` (``visible_codes``) only those codes
    are named and the others counted."""
    a, b = set(left.selected_codes), set(right.selected_codes)
    if codes is None:
        return ScenarioComparison(left, right, sorted(a - b), sorted(b - a), sorted(a & b))
    return ScenarioComparison(
        left,
        right,
        sorted((a - b) & codes),
        sorted((b - a) & codes),
        sorted(a & b & codes),
        hidden_left=len(a - codes),
        hidden_right=len(b - codes),
        sees_all=False,
    )


def committed_scenario(organisation: Organisation, year: int) -> PortfolioScenario | None:
    return PortfolioScenario.objects.filter(
        organisation=organisation, year=year, committed_at__isnull=False
    ).first()


# --- Prerequisites of one initiative -----------------------------------------------------------


def prerequisites_of(initiative: Initiative) -> tuple[list[Initiative], list[Initiative]]:
    """What ``initiative`` requires and what requires it, each by code (two queries)."""
    requires = list(
        Initiative.objects.filter(needed_by__initiative=initiative).order_by("code").distinct()
    )
    needed_by = list(
        Initiative.objects.filter(prerequisites__requires=initiative).order_by("code").distinct()
    )
    return requires, needed_by


def prerequisite_choices(initiative: Initiative) -> list[tuple[str, str]]:
    """The organisation's other initiatives, as (code, "code name") choices."""
    return [
        (code, f"{code} {name}")
        for code, name in Initiative.objects.filter(organisation=initiative.organisation)
        .exclude(pk=initiative.pk)
        .order_by("code")
        .values_list("code", "name")
    ]


def initiatives_by_code(organisation: Organisation, codes: list[str]) -> list[Initiative]:
    return list(Initiative.objects.filter(organisation=organisation, code__in=codes))
