"""Reads for the portfolio pages from the stored figures and results, in a bounded number of
queries whatever the organisation's size: totals, funnel and heat map are aggregated in the
database; the initiatives and the ranking are shown a page at a time; the ranking and the
selections come from a stored ``PortfolioResult`` (``portfolio.results``).

The objects returned have the shape of ``portfolio.selectors.Portfolio`` (which computes
everything from the sources, for exports and the JSON report), so the templates and charts
serve both.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F, FilteredRelation, Q, QuerySet, Sum
from django.utils import timezone

from assessments import frameworks
from assessments.models import Initiative
from klassa_app.models import Organisation, User
from portfolio import readiness as readiness_rules
from portfolio import results, selection, selectors
from portfolio.models import (
    InitiativeLevel,
    InitiativePriority,
    PortfolioResult,
    PortfolioScenario,
    Prerequisite,
    RankedInitiative,
)

ZERO = Decimal(0)
PAGE_SIZE = 50
BUBBLES = 50  # the value-versus-cost chart shows the initiatives with the largest NPV
CODES_SHOWN = 60  # selections list at most this many codes, then "and N more"

_SUMMARY_FIELDS = (
    "total_benefit",
    "internal_benefit",
    "external_benefit",
    "npv",
    "investment_cost",
)


def ready_q(today: date, prefix: str = "figures__") -> Q:
    """Ready in SQL: no stored blocker and no approved asset's review overdue."""
    return Q(**{f"{prefix}blocker_count": 0}) & (
        Q(**{f"{prefix}next_review_due__isnull": True})
        | Q(**{f"{prefix}next_review_due__gte": today})
    )


def blockers_on(stored: list[str], review_dues: dict[str, str], today: date) -> list[str]:
    """The stored blockers with the overdue reviews of ``today`` in the format's place
    (after the asset blockers, before protective security and the benefit model)."""
    overdue = [
        f"{readiness_rules.REVIEW_OVERDUE}:{code}"
        for code, due in sorted(review_dues.items())
        if date.fromisoformat(due) < today
    ]
    tail = next(
        (
            i
            for i, code in enumerate(stored)
            if code in (readiness_rules.PROTECTIVE_SECURITY, readiness_rules.NO_BENEFIT_MODEL)
        ),
        len(stored),
    )
    return [*stored[:tail], *overdue, *stored[tail:]]


@dataclass
class StoredClassification:
    """The part of ``InitiativeClassification`` the pages show, from the stored figures."""

    finals: dict[str, int | None]
    status: str
    tops: dict[str, int]
    requires_protective_security_analysis: bool


def _priority(initiative: Initiative) -> InitiativePriority | None:
    try:
        return initiative.priority
    except InitiativePriority.DoesNotExist:
        return None


def waiting_on(initiative_ids: list[int], today: date) -> dict[int, list[str]]:
    """Per initiative, the codes of its prerequisites that are not ready on ``today`` by
    their stored figures (one query for a page of initiatives)."""
    waiting: dict[int, list[str]] = {}
    for pk, code, blockers, due in (
        Prerequisite.objects.filter(initiative_id__in=initiative_ids)
        .order_by("requires__code")
        .values_list(
            "initiative_id",
            "requires__code",
            "requires__figures__blocker_count",
            "requires__figures__next_review_due",
        )
    ):
        if not readiness_rules.ready_on(blockers, due, today):
            waiting.setdefault(pk, []).append(code)
    return waiting


def row_of(
    initiative: Initiative,
    settings: Any,
    today: date,
    scenario_values: dict[str, Any] | None,
    waiting: list[str] | None = None,
) -> selectors.PortfolioRow:
    """A ``PortfolioRow`` from an initiative fetched with its stored figures; ``waiting``
    names its prerequisites that are not ready (``waiting_on``)."""
    figures = initiative.figures
    priority = _priority(initiative)
    share = figures.fulfilment_share
    state = readiness_rules.Readiness(
        blockers=tuple(
            readiness_rules.Item(code, True)
            for code in blockers_on(list(figures.blockers), figures.review_dues, today)
        ),
        advisories=tuple(
            readiness_rules.Item(code, False)
            for code in readiness_rules.advisories(
                fulfilment_share=share,
                threshold=settings.fulfilment_threshold,
                has_benefit_owner=priority is not None and priority.benefit_owner_id is not None,
                handles_special_categories=figures.handles_special_categories,
                dpia_recorded=priority is not None and priority.dpia_recorded,
                prerequisites_not_ready=waiting or (),
            )
        ),
    )
    asset_ids = figures.asset_ids
    top = figures.top_level
    benefit = None
    if scenario_values is not None and scenario_values.get("npv") is not None:
        benefit = selectors.BenefitSummary(*(scenario_values[f] for f in _SUMMARY_FIELDS))
    return selectors.PortfolioRow(
        initiative=initiative,
        # The part of InitiativeClassification the pages read, from the stored figures.
        classification=StoredClassification(  # type: ignore[arg-type]
            finals=dict(figures.finals),
            status=figures.classification_status,
            tops={code: top for code in figures.finals} if top is not None else {},
            requires_protective_security_analysis=figures.requires_psa,
        ),
        readiness=state,
        blockers=[selectors.describe(i, initiative, asset_ids) for i in state.blockers],
        advisories=[selectors.describe(i, initiative, asset_ids) for i in state.advisories],
        benefit=benefit,
        priority=priority,
        fulfilment_share=share,
    )


def _with_summary(qs: QuerySet[Initiative], scenario: str) -> QuerySet[Initiative]:
    return qs.annotate(
        summary=FilteredRelation(
            "benefit_summaries", condition=Q(benefit_summaries__scenario=scenario)
        )
    )


def _summary_values(qs: QuerySet[Initiative]) -> QuerySet[Initiative]:
    return qs.annotate(**{f"s_{name}": F(f"summary__{name}") for name in _SUMMARY_FIELDS})


def _values_of(initiative: Initiative) -> dict[str, Any]:
    return {name: getattr(initiative, f"s_{name}") for name in _SUMMARY_FIELDS}


@dataclass
class Paging:
    page: Page
    querystring: str  # the other GET parameters, to keep on the page links


def _page(qs: QuerySet, number: Any) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(number)


def _result_for(organisation: Organisation, settings, scenario, budget, today):
    return results.ranking_result(
        organisation, settings, scenario=scenario, budget=budget, today=today
    )


def _codes(rows: QuerySet[RankedInitiative]) -> tuple[tuple[str, ...], int]:
    shown = tuple(rows.order_by("rank").values_list("initiative__code", flat=True)[:CODES_SHOWN])
    # Counted always, so that a small and a large portfolio take the same queries.
    return shown, rows.count() - len(shown)


# --- Dashboard ----------------------------------------------------------------------------------


def dashboard(
    user: User,
    organisation: Organisation | None,
    *,
    scenario: str | None = None,
    filters: selectors.PortfolioFilters | None = None,
    saved_scenario: PortfolioScenario | None = None,
    page: Any = 1,
) -> selectors.Portfolio:
    department_ids = selectors._visible_department_ids(user, organisation)
    assert organisation is not None  # _visible_department_ids raised 404 otherwise
    settings = selectors.portfolio_settings(organisation)
    if saved_scenario is not None:
        scenario = scenario or saved_scenario.benefit_scenario
    scenario = selectors._scenario_name(scenario, settings)
    budget = saved_scenario.budget if saved_scenario is not None else settings.budget
    today = timezone.localdate()
    result = _result_for(organisation, settings, scenario, budget, today)

    base = Initiative.objects.filter(organisation=organisation)
    if department_ids is not None:
        base = base.filter(department_id__in=department_ids)
    if saved_scenario is not None:
        chosen = Q(code__in=list(saved_scenario.selected_codes))
    else:
        chosen_rows = (
            result.rows.filter(optimal=True) if result.optimal else result.rows.filter(greedy=True)
        )
        chosen = Q(pk__in=chosen_rows.values("initiative_id"))
    filters = filters or selectors.PortfolioFilters()
    if filters.department_id:
        base = base.filter(department_id=filters.department_id)
    if filters.area_id:
        base = base.filter(area_id=filters.area_id)
    if filters.status == "ready":
        base = base.filter(ready_q(today))
    elif filters.status == "blocked":
        base = base.exclude(ready_q(today))
    elif filters.status == "selected":
        base = base.filter(chosen)
    elif filters.status:
        base = base.filter(figures__classification_status=filters.status)
    shown = _with_summary(base, scenario)

    # Area totals in one grouped query.
    sums = {f: Sum(f"summary__{f}") for f in _SUMMARY_FIELDS}
    # Mapping: the sums' names come from _SUMMARY_FIELDS, which the row's inferred type misses.
    grouped: dict[str, Mapping[str, Any]] = {
        (row["area__name"] or ""): row
        for row in shown.values("area__name").annotate(n=Count("pk"), **sums).order_by()
    }
    # The page of initiatives, in area and code order, grouped under their areas.
    rows_qs = _summary_values(
        shown.select_related("department", "area", "figures", "priority", "priority__benefit_owner")
    ).order_by(F("area__name").asc(nulls_last=True), "code")
    page_obj = _page(rows_qs, page)
    page_initiatives = list(page_obj.object_list)
    chosen_ids = set(
        base.filter(chosen, pk__in=[i.pk for i in page_initiatives]).values_list("pk", flat=True)
    )
    waiting = waiting_on([i.pk for i in page_initiatives], today)
    rows = []
    for initiative in page_initiatives:
        row = row_of(
            initiative, settings, today, _values_of(initiative), waiting.get(initiative.pk)
        )
        row.selected = initiative.pk in chosen_ids
        rows.append(row)
    by_area: dict[str, list[selectors.PortfolioRow]] = {}
    for row in rows:
        by_area.setdefault(row.area_name, []).append(row)
    areas = []
    for name in sorted(grouped, key=lambda n: (n == "", n.casefold())):
        data = grouped[name]
        areas.append(
            selectors.AreaTotal(
                area=name,
                internal_benefit=data["internal_benefit"] or ZERO,
                external_benefit=data["external_benefit"] or ZERO,
                total_benefit=data["total_benefit"] or ZERO,
                initiatives=data["n"],
                rows=by_area.get(name, []),
                npv=data["npv"] or ZERO,
                investment_cost=data["investment_cost"] or ZERO,
            )
        )
    totals = selectors.AreaTotal(
        area="",
        internal_benefit=sum((a.internal_benefit for a in areas), ZERO),
        external_benefit=sum((a.external_benefit for a in areas), ZERO),
        total_benefit=sum((a.total_benefit for a in areas), ZERO),
        initiatives=sum(a.initiatives for a in areas),
        rows=[],
        npv=sum((a.npv for a in areas), ZERO),
        investment_cost=sum((a.investment_cost for a in areas), ZERO),
    )

    # Funnel: each stage counts those that reached it and every stage before it.
    classified = ~Q(figures__classification_status="incomplete")
    approved = Q(figures__classification_status="approved")
    modelled = approved & Q(figures__has_benefit_model=True)
    ready = modelled & ready_q(today)
    counts = base.aggregate(
        classified=Count("pk", filter=classified),
        approved=Count("pk", filter=approved),
        benefit_model=Count("pk", filter=modelled),
        ready=Count("pk", filter=ready),
        selected=Count("pk", filter=ready & chosen),
    )
    funnel = [
        selectors.FunnelStage(key, str(label), counts[key])
        for key, label in selectors.FUNNEL_STAGES
    ]

    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    aspects = list(scheme.codes)
    heat = _heat_map(base, aspects)
    bubbles = _bubbles(shown, chosen, today)
    # The dashboard shows the selection per row and its totals, never the list of codes.
    optimal = results.selection_of(result.optimal or result.greedy, (), budget)
    portfolio = selectors.Portfolio(
        organisation=organisation,
        settings=settings,
        scenario=scenario,
        budget=budget,
        rows=rows,
        ranked=[],
        areas=areas,
        totals=totals,
        funnel=funnel,
        heat_map=heat,
        aspects=aspects,
        overdue=selectors.overdue_reviews(organisation, department_ids),
        optimal=optimal,
        greedy=results.selection_of(result.greedy, (), budget),
        budget_line=selection.BudgetLine((), budget, ZERO, ZERO, None),
        frontier=[],
        saved_scenario=saved_scenario,
        sees_all=department_ids is None,
    )
    portfolio.total_count = totals.initiatives
    portfolio.bubbles = bubbles
    portfolio.page = page_obj
    portfolio.result = result
    portfolio.optimal_pending = result.optimal is None and saved_scenario is None
    return portfolio


def _heat_map(base: QuerySet[Initiative], aspects: list[str]) -> list[selectors.HeatMapRow]:
    cells: dict[tuple[int, str], dict[int, int]] = {}
    unclassified: dict[tuple[int, str], int] = {}
    names: dict[int, str] = {}
    for row in (
        InitiativeLevel.objects.filter(initiative__in=base.values("pk"))
        .values("department_id", "department__name", "aspect", "level")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        key = (row["department_id"], row["aspect"])
        names[row["department_id"]] = row["department__name"]
        if row["level"] is None:
            unclassified[key] = unclassified.get(key, 0) + row["n"]
        else:
            cells.setdefault(key, {})[row["level"]] = row["n"]
    heat = []
    for dept_id in sorted(names, key=lambda pk: names[pk].casefold()):
        row_cells = {}
        for aspect in aspects:
            counts = dict(sorted(cells.get((dept_id, aspect), {}).items()))
            row_cells[aspect] = selectors.HeatCell(
                maximum=max(counts) if counts else None,
                counts=counts,
                unclassified=unclassified.get((dept_id, aspect), 0),
            )
        heat.append(
            selectors.HeatMapRow(SimpleNamespace(pk=dept_id, name=names[dept_id]), row_cells)
        )
    return heat


@dataclass(frozen=True)
class BubbleRow:
    code: str
    name: str
    investment_cost: Decimal
    npv: Decimal
    total_benefit: Decimal
    selected: bool
    ready: bool


def _bubbles(shown: QuerySet[Initiative], chosen: Q, today: date) -> list[BubbleRow]:
    qs = (
        # "summary" is the FilteredRelation of _with_summary, which the plugin cannot see here.
        shown.filter(summary__npv__isnull=False)  # type: ignore[misc]
        .annotate(
            b_npv=F("summary__npv"),
            b_cost=F("summary__investment_cost"),
            b_total=F("summary__total_benefit"),
        )
        .order_by("-b_npv", "code")[:BUBBLES]
    )
    picked = list(qs.values("pk", "code", "name", "b_npv", "b_cost", "b_total"))
    ids = [p["pk"] for p in picked]
    chosen_ids = set(shown.filter(chosen, pk__in=ids).values_list("pk", flat=True))
    ready_ids = set(shown.filter(ready_q(today), pk__in=ids).values_list("pk", flat=True))
    return [
        BubbleRow(
            p["code"],
            p["name"],
            p["b_cost"],
            p["b_npv"],
            p["b_total"],
            p["pk"] in chosen_ids,
            p["pk"] in ready_ids,
        )
        for p in picked
    ]


# --- Priority -------------------------------------------------------------------------------------


def _wsjf(data: dict[str, Any] | None) -> SimpleNamespace | None:
    if data is None:
        return None
    return SimpleNamespace(
        cost_of_delay=Decimal(data["cost_of_delay"]), job_size=Decimal(data["job_size"])
    )


def priority(
    user: User, organisation: Organisation | None, *, page: Any = 1
) -> selectors.Portfolio:
    """The ranking and the budget line a page at a time, with the stored selections."""
    department_ids = selectors._visible_department_ids(user, organisation)
    assert organisation is not None
    settings = selectors.portfolio_settings(organisation)
    scenario = selectors._scenario_name(None, settings)
    budget = settings.budget
    today = timezone.localdate()
    result = _result_for(organisation, settings, scenario, budget, today)
    ranked_qs = result.rows.all()
    if department_ids is not None:
        ranked_qs = ranked_qs.filter(department_id__in=department_ids)
    ranked_qs = ranked_qs.select_related(
        "initiative",
        "initiative__department",
        "initiative__area",
        "initiative__figures",
        "initiative__priority",
        "initiative__priority__benefit_owner",
    ).order_by("rank")
    page_obj = _page(ranked_qs, page)
    entries = list(page_obj.object_list)
    ids = [e.initiative_id for e in entries]
    values = {
        i.pk: _values_of(i)
        for i in _summary_values(_with_summary(Initiative.objects.filter(pk__in=ids), scenario))
    }
    waiting = waiting_on(ids, today)
    rows, line_rows = [], []
    for entry in entries:
        row = row_of(
            entry.initiative,
            settings,
            today,
            values.get(entry.initiative_id),
            waiting.get(entry.initiative_id),
        )
        row.rank = entry.rank
        row.score = Decimal(entry.score) if entry.score else None
        row.contributions = {k: Decimal(v) for k, v in entry.contributions.items()}
        # The two WSJF parts the page shows, read back from the stored result.
        row.wsjf = _wsjf(entry.wsjf)  # type: ignore[assignment]
        row.selected = entry.optimal
        row.greedy_selected = entry.greedy
        rows.append(row)
        line_rows.append(
            selection.BudgetLineRow(
                rank=entry.rank,
                code=entry.initiative.code,
                cost=entry.cost,
                cumulative_cost=entry.cumulative_cost if department_ids is None else ZERO,
                status=entry.line_status,
            )
        )
    line = result.line or {}
    cutoff_rank = line.get("cutoff")
    cutoff = next((i for i, r in enumerate(line_rows) if r.rank == cutoff_rank), None)
    scoped = result.rows.all()
    if department_ids is not None:
        scoped = scoped.filter(department_id__in=department_ids)
    optimal_codes, optimal_more = _codes(scoped.filter(optimal=True))
    greedy_codes, greedy_more = _codes(scoped.filter(greedy=True))
    sees_all = department_ids is None
    optimal = results.selection_of(result.optimal, optimal_codes, budget)
    greedy = results.selection_of(result.greedy, greedy_codes, budget)
    if not sees_all:
        optimal = _scoped_totals(optimal, scoped.filter(optimal=True))
        greedy = _scoped_totals(greedy, scoped.filter(greedy=True))
    frontier = [
        selection.FrontierPoint(
            Decimal(p["budget"]), Decimal(p["total_npv"]), Decimal(p["total_cost"]), p["count"]
        )
        for p in (result.frontier or [])
    ]
    portfolio = selectors.Portfolio(
        organisation=organisation,
        settings=settings,
        scenario=scenario,
        budget=budget,
        rows=rows,
        ranked=rows,
        areas=[],
        totals=selectors.AreaTotal("", ZERO, ZERO, ZERO, 0, []),
        funnel=[],
        heat_map=[],
        aspects=[],
        overdue=[],
        optimal=optimal or selection.Selection(optimal_codes, ZERO, ZERO, budget, None, None),
        greedy=greedy,
        budget_line=selection.BudgetLine(
            tuple(line_rows),
            budget,
            Decimal(line.get("reserved", "0")) if sees_all else ZERO,
            Decimal(line.get("total_cost", "0")) if sees_all else ZERO,
            cutoff,
            line.get("error"),
        ),
        frontier=frontier if sees_all else [],
        sees_all=sees_all,
    )
    portfolio.total_count = page_obj.paginator.count
    portfolio.page = page_obj
    portfolio.result = result
    portfolio.optimal_pending = result.optimal is None
    portfolio.frontier_pending = sees_all and result.frontier is None
    portfolio.only_optimal = list(
        scoped.filter(optimal=True, greedy=False)
        .order_by("rank")
        .values_list("initiative__code", flat=True)[:CODES_SHOWN]
    )
    portfolio.only_greedy = list(
        scoped.filter(optimal=False, greedy=True)
        .order_by("rank")
        .values_list("initiative__code", flat=True)[:CODES_SHOWN]
    )
    portfolio.more = {"optimal": optimal_more, "greedy": greedy_more}
    return portfolio


def _scoped_totals(chosen: selection.Selection | None, rows: QuerySet[RankedInitiative]):
    if chosen is None:
        return None
    sums = rows.aggregate(cost=Sum("cost"), npv=Sum("npv"))
    return selection.Selection(
        chosen.codes,
        sums["cost"] or ZERO,
        sums["npv"] or ZERO,
        chosen.budget,
        chosen.error,
        chosen.proven_optimal,
    )


def result_for_selection(organisation: Organisation) -> PortfolioResult:
    """The stored result of the organisation's current settings (for saving a scenario)."""
    settings = selectors.portfolio_settings(organisation)
    scenario = selectors._scenario_name(None, settings)
    return results.ranking_result(organisation, settings, scenario=scenario, budget=settings.budget)


def rows_for_codes(
    organisation: Organisation, codes: list[str], scenario: str
) -> dict[str, selectors.PortfolioRow]:
    """The rows of the named initiatives (a saved scenario's), from the stored figures."""
    settings = selectors.portfolio_settings(organisation)
    today = timezone.localdate()
    qs = _summary_values(
        _with_summary(
            Initiative.objects.filter(organisation=organisation, code__in=codes), scenario
        ).select_related("department", "area", "figures", "priority", "priority__benefit_owner")
    )
    initiatives = list(qs)
    waiting = waiting_on([i.pk for i in initiatives], today)
    return {
        i.code: row_of(i, settings, today, _values_of(i), waiting.get(i.pk)) for i in initiatives
    }
