"""Stored roadmaps: the optimal multi-year plan and the ranking's plan for one set of inputs,
kept under a digest of those inputs (``RoadmapResult``), like the one-year selection's
``portfolio.results``.

The ranking's plan (rank order, earliest year that fits, prerequisites pulled in first) is
computed and stored the first time a page asks for a digest. The optimal plan (an integer
programme) is solved in that request for at most ``INLINE_LIMIT`` initiatives; above, a
Celery task (``portfolio.tasks.solve_roadmap``) fills it in, and the page shows the
ranking's plan with a progress note until then. A what-if (other frames, pinned start
years) is just another digest: it never changes the stored settings.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from assessments.models import Initiative
from klassa_app.models import Organisation
from klassa_app.queue import enqueue
from portfolio import results, roadmap, selectors
from portfolio.models import BenefitScenario, Prerequisite, RoadmapResult
from portfolio.roadmap_report import RoadmapInputs, plan_json, roadmap_inputs

# Up to this many initiatives the optimal plan is solved in the request; above, by Celery.
INLINE_LIMIT = 60
# Roadmaps kept per organisation (older digests are pruned when a new one is stored).
KEEP_RESULTS = 20
# The solver's time limit in the background task, and in the request for a small portfolio
# (seconds). A small plan not proven optimal within the request's limit is shown as the
# best found so far, and the task then tries again with its longer limit.
TASK_TIME_LIMIT = 10.0
INLINE_TIME_LIMIT = 2.0
TASK_NAME = "portfolio.tasks.solve_roadmap"


def _prerequisite_version(organisation: Organisation) -> list[Any]:
    found = Prerequisite.objects.filter(initiative__organisation=organisation).aggregate(
        n=Count("pk"), last=Max("pk")
    )
    return [found["n"], found["last"]]


def roadmap_digest(
    organisation: Organisation,
    *,
    scenario: str,
    method: str,
    weights: Mapping[str, Decimal],
    frames: Mapping[int, Decimal],
    fixed_starts: Mapping[str, int],
    today: date,
) -> str:
    """A digest of everything a roadmap depends on. The frames are in it as given (the
    stored ones or a what-if's), so the plan-year rows need no version of their own."""
    inputs = {
        "scenario": scenario,
        "method": method,
        "weights": {k: str(Decimal(v).normalize()) for k, v in sorted(weights.items())},
        "frames": {str(y): str(Decimal(b).normalize()) for y, b in sorted(frames.items())},
        "fixed_starts": {c: int(y) for c, y in sorted(fixed_starts.items())},
        "today": today.isoformat(),
        "version": results._version(organisation),
        "prerequisites": _prerequisite_version(organisation),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


# --- Inputs to and from JSON ----------------------------------------------------------------------


def _inputs_json(inputs: RoadmapInputs, order: list[str]) -> dict[str, Any]:
    return {
        "scenario": inputs.scenario,
        "first_year": inputs.horizon.first_year,
        "budgets": [str(b) for b in inputs.horizon.budgets],
        "ranking": order,
        "items": [
            {
                "code": i.code,
                "npv": str(i.npv),
                "rate": str(i.rate),
                "investments": [str(v) for v in i.investments],
                "duration_years": i.duration_years,
                "ready": i.ready,
                "forced": i.forced,
                "requires": list(i.requires),
                "fixed_start": i.fixed_start,
            }
            for i in inputs.items
        ],
    }


def inputs_of(result: RoadmapResult) -> RoadmapInputs:
    data = result.inputs
    return RoadmapInputs(
        scenario=data["scenario"],
        horizon=roadmap.Horizon(data["first_year"], tuple(Decimal(b) for b in data["budgets"])),
        items=[
            roadmap.RoadmapItem(
                code=i["code"],
                npv=Decimal(i["npv"]),
                rate=Decimal(i["rate"]),
                investments=tuple(Decimal(v) for v in i["investments"]),
                duration_years=i["duration_years"],
                ready=i["ready"],
                forced=i["forced"],
                requires=tuple(i["requires"]),
                fixed_start=i["fixed_start"],
            )
            for i in data["items"]
        ],
    )


def _plan_data(inputs: RoadmapInputs, plan: roadmap.Plan) -> dict[str, Any]:
    """``plan_json`` with every unplanned initiative's reason and what would change it."""
    data = plan_json(inputs, plan)
    data["gap"] = plan.gap
    data["unplanned"] = (
        [
            {
                "initiative": u.code,
                "reason": u.reason,
                "extra_year": u.extra_year,
                "extra_amount": str(u.extra_amount) if u.extra_amount is not None else None,
                "missing": list(u.missing),
            }
            for u in roadmap.why_not(inputs.items, inputs.horizon, plan)
        ]
        if plan.feasible
        else []
    )
    return data


# --- Storing and solving -----------------------------------------------------------------------


def _without_unknown_prerequisites(inputs: RoadmapInputs) -> RoadmapInputs:
    """An initiative that requires one without stored figures (not yet derived) cannot be
    planned: it is shown as not ready rather than failing the whole roadmap."""
    known = {i.code for i in inputs.items}
    items = [
        replace(i, requires=tuple(c for c in i.requires if c in known), ready=False)
        if any(c not in known for c in i.requires)
        else i
        for i in inputs.items
    ]
    return RoadmapInputs(inputs.scenario, inputs.horizon, items)


def roadmap_result(
    organisation: Organisation,
    *,
    frames: Mapping[int, Decimal] | None = None,
    fixed_starts: Mapping[str, int] | None = None,
    today: date | None = None,
) -> RoadmapResult:
    """The stored roadmap for these inputs (the stored frames unless a what-if gives
    others); the ranking's plan is computed now if it is not stored yet, the optimal plan
    at once for a small portfolio, else by Celery. ``ValueError`` for a pinned start of an
    unknown initiative."""
    today = today or timezone.localdate()
    settings = selectors.portfolio_settings(organisation)
    scenario = settings.scenario or BenefitScenario.MEDIUM
    frames = dict(frames or selectors.plan_budgets(settings))
    fixed = dict(fixed_starts or {})
    digest = roadmap_digest(
        organisation,
        scenario=scenario,
        method=settings.method,
        weights=results.weights_of(settings),
        frames=frames,
        fixed_starts=fixed,
        today=today,
    )
    found = RoadmapResult.objects.filter(organisation=organisation, digest=digest).first()
    if found is not None:
        return found
    inputs = roadmap_inputs(organisation, scenario=scenario, budgets=frames, today=today)
    inputs = _without_unknown_prerequisites(inputs)
    if fixed:
        inputs = RoadmapInputs(
            inputs.scenario, inputs.horizon, roadmap.pin_starts(inputs.items, fixed)
        )
    stored = results.stored_items(organisation, scenario, today)
    ranked = results.rank_inputs([i.scoring for i in stored], settings)
    order = sorted(ranked, key=lambda code: (ranked[code].rank, code))
    by_code = {i.code: i for i in inputs.items}
    ranking = roadmap.ranking_plan([by_code[c] for c in order if c in by_code], inputs.horizon)
    try:
        with transaction.atomic():
            result = RoadmapResult.objects.create(
                organisation=organisation,
                digest=digest,
                inputs=_inputs_json(inputs, order),
                ranking=_plan_data(inputs, ranking),
            )
            stale = RoadmapResult.objects.filter(organisation=organisation).order_by(
                "-created_at", "-pk"
            )
            old = list(stale.values_list("pk", flat=True)[KEEP_RESULTS:])
            if old:
                RoadmapResult.objects.filter(pk__in=old).delete()
    except IntegrityError:
        # Another request stored the same digest meanwhile: theirs is as good.
        return RoadmapResult.objects.get(organisation=organisation, digest=digest)
    if len(inputs.items) <= INLINE_LIMIT:
        solve(result.pk, inputs=inputs, time_limit=INLINE_TIME_LIMIT)
        result.refresh_from_db()
        if not result.proven_optimal and (result.optimal or {}).get("feasible"):
            enqueue(TASK_NAME, result.pk)
    else:
        enqueue(TASK_NAME, result.pk)
    return result


def solve(
    result_id: int,
    *,
    inputs: RoadmapInputs | None = None,
    time_limit: float = roadmap.SOLVER_TIME_LIMIT_SECONDS,
) -> None:
    """Fill in the optimal plan of a stored roadmap, or improve a plan that is not proven
    optimal (kept when the new one is worth no more). Safe to run twice or after pruning."""
    result = RoadmapResult.objects.filter(pk=result_id).first()
    if result is None or result.proven_optimal:
        return
    if result.optimal is not None and not result.optimal.get("feasible"):
        return  # the conflicts do not depend on the time limit
    inputs = inputs or inputs_of(result)
    plan = roadmap.optimal_plan(inputs.items, inputs.horizon, time_limit=time_limit)
    if (
        result.optimal is not None
        and not plan.proven_optimal
        and plan.value <= Decimal(result.optimal["value"])
    ):
        return
    result.optimal = _plan_data(inputs, plan)
    result.proven_optimal = plan.proven_optimal
    result.gap = plan.gap
    result.state = RoadmapResult.State.DONE
    result.computed_at = timezone.now()
    result.save(update_fields=["optimal", "proven_optimal", "gap", "state", "computed_at"])


def pending_roadmaps() -> list[int]:
    """Roadmaps whose optimal plan is still missing (for the sweeper)."""
    return list(RoadmapResult.objects.filter(optimal__isnull=True).values_list("pk", flat=True))


# --- What a page shows, scoped to the reader's departments --------------------------------------


@dataclass
class RoadmapRow:
    pk: int
    code: str
    name: str
    area: str
    start: int | None  # in the plan shown (the optimal one, or the ranking's meanwhile)
    ranking_start: int | None
    duration: int
    value: Decimal | None
    costs: dict[int, Decimal]
    shared_costs: dict[str, Decimal]
    requires: list[str]
    needed_by: list[str]
    platform: bool
    pinned: int | None


@dataclass
class UnplannedRow:
    pk: int
    code: str
    name: str
    reason: str
    extra_year: int | None
    extra_amount: Decimal | None
    missing: list[str]


@dataclass
class RoadmapPage:
    result: RoadmapResult
    sees_all: bool
    pending: bool  # the optimal plan is being computed: the ranking's plan is shown
    years: list[int]
    frames: list[Decimal]
    spend: list[Decimal]
    ranking_spend: list[Decimal]
    value: Decimal | None
    ranking_value: Decimal
    feasible: bool
    ranking_feasible: bool
    proven_optimal: bool | None
    gap: float | None
    conflicts: list[dict[str, Any]]
    rows: list[RoadmapRow]  # planned in the plan shown, grouped by area
    unplanned: list[UnplannedRow]
    pinned: dict[str, int]

    @property
    def difference(self) -> Decimal | None:
        return None if self.value is None else self.value - self.ranking_value


def roadmap_page(user: Any, organisation: Organisation, result: RoadmapResult) -> RoadmapPage:
    """The stored plans as one reader may see them: the organisation's plan, but only the
    initiatives of the reader's departments in the lists and the chart (two queries)."""
    department_ids = selectors._visible_department_ids(user, organisation)
    inputs = inputs_of(result)
    shown = result.optimal or result.ranking
    ranking = result.ranking
    initiatives = Initiative.objects.filter(
        organisation=organisation, code__in=[i.code for i in inputs.items]
    )
    if department_ids is not None:
        initiatives = initiatives.filter(department_id__in=department_ids)
    info = {
        code: (pk, name, area or "")
        for pk, code, name, area in initiatives.values_list("pk", "code", "name", "area__name")
    }
    items = {i.code: i for i in inputs.items if i.code in info}
    needed_by: dict[str, list[str]] = {}
    for item in items.values():
        for required in item.requires:
            needed_by.setdefault(required, []).append(item.code)
    ranking_starts = {e["initiative"]: e["start_year"] for e in ranking.get("plan", [])}
    rows = []
    for entry in shown.get("plan", []):
        code = entry["initiative"]
        if code not in items:
            continue
        item = items[code]
        pk, name, area = info[code]
        rows.append(
            RoadmapRow(
                pk=pk,
                code=code,
                name=name,
                area=area,
                start=entry["start_year"],
                ranking_start=ranking_starts.get(code),
                duration=item.duration_years,
                value=Decimal(entry["value"]),
                costs={int(y): Decimal(v) for y, v in entry["costs"].items()},
                shared_costs={
                    p: Decimal(v) for p, v in entry.get("shared_costs", {}).items() if p in items
                },
                requires=[c for c in item.requires if c in items],
                needed_by=sorted(needed_by.get(code, [])),
                platform=bool(entry.get("shared_by")),
                pinned=item.fixed_start,
            )
        )
    rows.sort(key=lambda r: (r.area == "", r.area, r.start or 0, r.code))
    unplanned = [
        UnplannedRow(
            pk=info[u["initiative"]][0],
            code=u["initiative"],
            name=info[u["initiative"]][1],
            reason=u["reason"],
            extra_year=u.get("extra_year"),
            extra_amount=Decimal(u["extra_amount"]) if u.get("extra_amount") else None,
            missing=[c for c in u.get("missing", []) if c in items],
        )
        for u in shown.get("unplanned", [])
        if u["initiative"] in items
    ]
    years = list(inputs.horizon.years)
    return RoadmapPage(
        result=result,
        sees_all=department_ids is None,
        pending=result.optimal is None,
        years=years,
        frames=list(inputs.horizon.budgets),
        spend=[Decimal(shown["spend"][str(y)]) for y in years],
        ranking_spend=[Decimal(ranking["spend"][str(y)]) for y in years],
        value=Decimal(result.optimal["value"]) if result.optimal else None,
        ranking_value=Decimal(ranking["value"]),
        feasible=shown["feasible"],
        ranking_feasible=ranking["feasible"],
        proven_optimal=result.proven_optimal,
        gap=result.gap,
        conflicts=[
            c
            for c in shown.get("conflicts", [])
            if department_ids is None or c.get("initiative") in (None, *items)
        ],
        rows=rows,
        unplanned=unplanned,
        pinned={i.code: i.fixed_start for i in items.values() if i.fixed_start is not None},
    )
