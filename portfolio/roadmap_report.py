"""The roadmap of an organisation from its stored figures: the inputs of ``portfolio.roadmap``
(a handful of queries, however many initiatives) and the ``klassa.roadmap/1`` report that
``manage.py roadmap_report`` prints. Amounts are decimal strings with two decimals."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from assessments.models import Initiative
from benefits.calculation import money_text
from benefits.models import BenefitSummary
from klassa_app.models import Organisation
from portfolio import results, roadmap, selectors
from portfolio.models import BenefitScenario, Prerequisite

FORMAT = "klassa.roadmap/1"
WEEKS_PER_YEAR = 52


@dataclass(frozen=True)
class RoadmapInputs:
    scenario: str
    horizon: roadmap.Horizon
    items: list[roadmap.RoadmapItem]  # in the order of the stored figures (by code)


def duration_years(weeks: int | None) -> int:
    """Whole plan years an initiative takes: ceil(weeks / 52), 1 when unknown."""
    return max(1, math.ceil(weeks / WEEKS_PER_YEAR)) if weeks else 1


def roadmap_inputs(
    organisation: Organisation,
    *,
    scenario: str | None = None,
    budgets: dict[int, Decimal] | None = None,
    today: date | None = None,
) -> RoadmapInputs:
    """Every initiative of the organisation as the roadmap sees it. ``budgets`` (year →
    frame) replaces the stored frames for a what-if. ``ValueError`` for an unknown scenario."""
    settings = selectors.portfolio_settings(organisation)
    scenario = scenario or settings.scenario or BenefitScenario.MEDIUM
    if scenario not in BenefitScenario.values:
        raise ValueError(f"unknown scenario {scenario!r}")
    frames = budgets or selectors.plan_budgets(settings)
    first = min(frames)
    horizon = roadmap.Horizon(first, tuple(frames[y] for y in sorted(frames)))
    stored = results.stored_items(organisation, scenario, today or timezone.localdate())
    models = {
        pk: (rate, schedule)
        for pk, rate, schedule in BenefitSummary.objects.filter(
            initiative__organisation=organisation, scenario=scenario
        ).values_list("initiative_id", "discount_rate", "investment_schedule")
    }
    requires: dict[int, list[str]] = {}
    for pk, code in (
        Prerequisite.objects.filter(initiative__organisation=organisation)
        .order_by("requires__code")
        .values_list("initiative_id", "requires__code")
    ):
        requires.setdefault(pk, []).append(code)
    items = []
    for item in sorted(stored, key=lambda i: i.code):
        rate, schedule = models.get(item.pk, (None, []))
        items.append(
            roadmap.RoadmapItem(
                code=item.code,
                npv=item.npv,
                rate=rate if rate is not None else Decimal(0),
                investments=tuple(Decimal(v) for v in schedule or ()),
                duration_years=duration_years(item.scoring.duration_weeks),
                ready=item.ready,
                forced=item.forced,
                requires=tuple(requires.get(item.pk, ())),
            )
        )
    return RoadmapInputs(scenario=scenario, horizon=horizon, items=items)


def _money(amount: Decimal) -> str:
    text = money_text(amount)
    assert text is not None  # only None for None
    return text


def _conflict(conflict: roadmap.Conflict) -> dict[str, Any]:
    entry: dict[str, Any] = {"kind": conflict.kind}
    if conflict.initiative is not None:
        entry["initiative"] = conflict.initiative
    if conflict.requires is not None:
        entry["requires"] = conflict.requires
    if conflict.reason is not None and conflict.kind == roadmap.CONFLICT_PREREQUISITE:
        entry["reason"] = conflict.reason
    if conflict.years:
        entry["years"] = list(conflict.years)
    return entry


def plan_json(inputs: RoadmapInputs, plan: roadmap.Plan) -> dict[str, Any]:
    """A plan as the ``klassa.roadmap/1`` report gives it (without the header)."""
    horizon = inputs.horizon
    by_code = {item.code: item for item in inputs.items}
    shares = roadmap.shared_costs(inputs.items, plan) if plan.feasible else {}
    users = roadmap.shared_by(inputs.items, plan) if plan.feasible else {}
    entries = []
    for code, start in sorted(plan.starts.items(), key=lambda kv: (kv[1], kv[0])):
        item = by_code[code]
        costs = {
            str(start + t): _money(amount)
            for t, amount in enumerate(item.investments)
            if amount and start + t <= horizon.last_year
        }
        entry: dict[str, Any] = {
            "initiative": code,
            "start_year": start,
            "value": _money(item.value_at(start, horizon.first_year)),
            "costs": costs,
        }
        if code in users:
            entry["shared_by"] = users[code]
        if code in shares:
            entry["shared_costs"] = {p: _money(v) for p, v in shares[code].items()}
        entries.append(entry)
    unplanned = (
        [
            {"initiative": u.code, "reason": u.reason}
            for u in roadmap.why_not(inputs.items, horizon, plan)
        ]
        if plan.feasible
        else []
    )
    return {
        "feasible": plan.feasible,
        "proven_optimal": bool(plan.proven_optimal),
        "value": _money(plan.value),
        "spend": {str(y): _money(s) for y, s in zip(horizon.years, plan.spend, strict=True)},
        "plan": entries,
        "unplanned": unplanned,
        "conflicts": [_conflict(c) for c in plan.conflicts],
    }


def roadmap_report(
    organisation: Organisation, *, scenario: str | None = None, today: date | None = None
) -> dict[str, Any]:
    """The optimal roadmap of the whole organisation as ``klassa.roadmap/1``."""
    inputs = roadmap_inputs(organisation, scenario=scenario, today=today)
    plan = roadmap.optimal_plan(inputs.items, inputs.horizon)
    return {
        "format": FORMAT,
        "organisation": organisation.code,
        "scenario": inputs.scenario,
        "years": list(inputs.horizon.years),
        "budgets": {
            str(y): _money(b)
            for y, b in zip(inputs.horizon.years, inputs.horizon.budgets, strict=True)
        },
        **plan_json(inputs, plan),
    }


# --- For people: reasons in words, and the plan as rows (the exports and the board report) ---

REASON_LABELS = {
    roadmap.FORCED_OUT_REASON: _("Forced out."),
    roadmap.NOT_READY: _("Not ready: its classification has blockers."),
    roadmap.PREREQUISITE_NOT_PLANNED: _("A prerequisite is not planned."),
    roadmap.DOES_NOT_FIT: _("Does not fit the frames beside the plan."),
    roadmap.NOT_WORTH_IT: _("Worth less than what it would displace, or nothing at all (NPV ≤ 0)."),
}


@dataclass(frozen=True)
class PlannedRow:
    code: str
    name: str
    area: str
    start_year: int
    value: Decimal
    costs: dict[int, Decimal]  # plan year → investment
    shared: dict[str, Decimal]  # platform code → its cost share
    requires: tuple[str, ...]
    needed_by: tuple[str, ...]


@dataclass(frozen=True)
class UnplannedRow:
    code: str
    name: str
    reason: str
    reason_label: str
    extra_year: int | None
    extra_amount: Decimal | None


@dataclass(frozen=True)
class RoadmapTable:
    years: list[int]
    budgets: list[Decimal]
    spend: list[Decimal]
    feasible: bool
    proven_optimal: bool
    gap: float | None
    value: Decimal
    ranking_value: Decimal
    planned: list[PlannedRow]
    unplanned: list[UnplannedRow]
    conflicts: list[dict[str, Any]]


def roadmap_table(
    organisation: Organisation,
    *,
    scenario: str | None = None,
    codes: set[str] | None = None,
    time_limit: float = roadmap.SOLVER_TIME_LIMIT_SECONDS,
) -> RoadmapTable:
    """The optimal roadmap as rows for a file, next to the value of the ranking's plan. The
    plan is the organisation's; ``codes`` limits the rows to the initiatives a reader of
    some departments sees."""
    inputs = roadmap_inputs(organisation, scenario=scenario)
    plan = roadmap.optimal_plan(inputs.items, inputs.horizon, time_limit=time_limit)
    ranked = roadmap.ranking_plan(
        sorted(inputs.items, key=lambda i: (-i.npv, i.code)), inputs.horizon
    )
    by_code = {item.code: item for item in inputs.items}
    names = dict(Initiative.objects.filter(organisation=organisation).values_list("code", "name"))
    areas = dict(
        Initiative.objects.filter(organisation=organisation).values_list("code", "area__name")
    )
    shares = roadmap.shared_costs(inputs.items, plan) if plan.feasible else {}
    users = roadmap.shared_by(inputs.items, plan) if plan.feasible else {}
    horizon = inputs.horizon
    planned = [
        PlannedRow(
            code=code,
            name=names.get(code, code),
            area=areas.get(code) or "",
            start_year=start,
            value=by_code[code].value_at(start, horizon.first_year),
            costs={
                start + t: amount
                for t, amount in enumerate(by_code[code].investments)
                if amount and start + t <= horizon.last_year
            },
            shared=shares.get(code, {}),
            requires=by_code[code].requires,
            needed_by=tuple(users.get(code, ())),
        )
        for code, start in sorted(plan.starts.items(), key=lambda kv: (kv[1], kv[0]))
        if codes is None or code in codes
    ]
    unplanned = [
        UnplannedRow(
            code=u.code,
            name=names.get(u.code, u.code),
            reason=u.reason,
            reason_label=str(REASON_LABELS[u.reason]),
            extra_year=u.extra_year,
            extra_amount=u.extra_amount,
        )
        for u in (roadmap.why_not(inputs.items, horizon, plan) if plan.feasible else [])
        if codes is None or u.code in codes
    ]
    return RoadmapTable(
        years=list(horizon.years),
        budgets=list(horizon.budgets),
        spend=list(plan.spend),
        feasible=plan.feasible,
        proven_optimal=bool(plan.proven_optimal),
        gap=plan.gap,
        value=plan.value,
        ranking_value=ranked.value,
        planned=planned,
        unplanned=unplanned,
        conflicts=[_conflict(c) for c in plan.conflicts],
    )
