"""Stored portfolio results: the ranking, the budget line and the selections for one set of
inputs, kept under a digest of those inputs (``PortfolioResult`` with one
``RankedInitiative`` per initiative).

The ranking is computed from the stored figures the first time a page asks for a digest
(after a write, once) and is then read with SQL. The optimal selection (an integer
programme) and the efficient frontier never run inside a page request at scale: a Celery
task fills them in, and the page shows the ranking's selection with a progress note until
then. A portfolio of at most ``INLINE_LIMIT`` initiatives is solved at once instead, which
takes milliseconds.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone

from benefits.models import BenefitSummary
from klassa_app.models import Organisation
from klassa_app.queue import enqueue
from portfolio import readiness as readiness_rules
from portfolio import scoring, selection
from portfolio.models import (
    InitiativeFigures,
    InitiativePriority,
    PortfolioResult,
    PortfolioSettings,
    RankedInitiative,
    RankingMethod,
)

ZERO = Decimal(0)
# Up to this many initiatives the optimal selection and the frontier are solved in the
# request that first needs them (milliseconds); above it, by a Celery task.
INLINE_LIMIT = 60
# Results kept per organisation (older digests are pruned when a new one is stored).
KEEP_RESULTS = 20
FRONTIER_LEVELS = 20


def weights_of(settings: PortfolioSettings) -> dict[str, Decimal]:
    weights = dict(scoring.DEFAULT_WEIGHTS)
    for name, value in (settings.weights or {}).items():
        if name in weights:
            weights[name] = Decimal(str(value))
    return weights


def _version(organisation: Organisation) -> list[Any]:
    """What the stored figures and priority inputs are now: counts and last change (two
    aggregate queries on indexed columns, however large the organisation)."""
    figures = InitiativeFigures.objects.filter(organisation=organisation).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    priorities = InitiativePriority.objects.filter(initiative__organisation=organisation).aggregate(
        n=Count("pk"), last=Max("updated_at")
    )
    return [
        figures["n"],
        figures["last"].isoformat() if figures["last"] else None,
        priorities["n"],
        priorities["last"].isoformat() if priorities["last"] else None,
    ]


def inputs_digest(
    organisation: Organisation,
    settings: PortfolioSettings,
    *,
    scenario: str,
    budget: Decimal,
    today: date,
) -> str:
    """A digest of everything a result depends on. ``today`` is part of it because an
    approved asset's review falls due with the date, which changes readiness."""
    inputs = {
        "scenario": scenario,
        "budget": str(budget.normalize()),
        "method": settings.method,
        "weights": {k: str(v.normalize()) for k, v in sorted(weights_of(settings).items())},
        "today": today.isoformat(),
        "version": _version(organisation),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


# --- Computing a ranking from the stored figures -------------------------------------------------


@dataclass
class _Item:
    pk: int
    code: str
    department_id: int
    ready: bool
    forced: str | None
    npv: Decimal
    cost: Decimal
    scoring: scoring.ScoringInput


def stored_items(organisation: Organisation, scenario: str, today: date) -> list[_Item]:
    """Every initiative as the ranking and the roadmap see it, from the stored figures."""
    summaries = dict(
        (pk, (npv, cost))
        for pk, npv, cost in BenefitSummary.objects.filter(
            initiative__organisation=organisation, scenario=scenario
        ).values_list("initiative_id", "npv", "investment_cost")
    )
    items = []
    for row in InitiativeFigures.objects.filter(organisation=organisation).values_list(
        "initiative_id",
        "initiative__code",
        "initiative__department_id",
        "blocker_count",
        "next_review_due",
        "max_level",
        "top_level",
        "fulfilment_share",
        "initiative__priority__strategic_fit",
        "initiative__priority__time_criticality",
        "initiative__priority__duration_weeks",
        "initiative__priority__forced",
    ):
        pk, code, department_id, blocker_count, next_due, level, top, share = row[:8]
        fit, criticality, weeks, forced = row[8:]
        npv, cost = summaries.get(pk, (ZERO, ZERO))
        items.append(
            _Item(
                pk=pk,
                code=code,
                department_id=department_id,
                ready=readiness_rules.ready_on(blocker_count, next_due, today),
                forced=forced or None,
                npv=npv,
                cost=cost,
                scoring=scoring.ScoringInput(
                    code=code,
                    npv=npv,
                    investment_cost=cost,
                    strategic_fit=fit,
                    time_criticality=criticality,
                    duration_weeks=weeks,
                    classification_level=level,
                    classification_top=top,
                    action_plan_fulfilment=share,
                ),
            )
        )
    return items


@dataclass(frozen=True)
class Ranked:
    code: str
    rank: int
    score: Decimal | None
    contributions: dict[str, Decimal]
    wsjf: scoring.WsjfResult | None


def rank_inputs(
    inputs: list[scoring.ScoringInput], settings: PortfolioSettings
) -> dict[str, Ranked]:
    """Score and rank by the organisation's method (shared with the full computation)."""
    if not inputs:
        return {}
    if settings.method == RankingMethod.WSJF:
        return {r.code: Ranked(r.code, r.rank, r.wsjf, {}, r) for r in scoring.wsjf_ranking(inputs)}
    model = scoring.ScoringModel.from_weights(weights_of(settings))
    return {
        r.code: Ranked(r.code, r.rank, r.score, dict(r.contributions), None)
        for r in scoring.score_portfolio(inputs, model)
    }


def _selection_json(chosen: selection.Selection) -> dict[str, Any]:
    return {
        "total_cost": str(chosen.total_cost),
        "total_npv": str(chosen.total_npv),
        "error": chosen.error,
        "proven_optimal": chosen.proven_optimal,
        "count": len(chosen.codes),
    }


def _wsjf_json(result: scoring.WsjfResult | None) -> dict[str, Any] | None:
    if result is None:
        return None
    return {
        "cost_of_delay": str(result.cost_of_delay),
        "job_size": str(result.job_size),
        "job_size_basis": result.job_size_basis,
        "user_value": str(result.user_value),
        "time_criticality": str(result.time_criticality),
        "risk_opportunity": str(result.risk_opportunity),
        "missing": list(result.missing),
    }


def _store_ranking(
    organisation: Organisation,
    settings: PortfolioSettings,
    *,
    digest: str,
    scenario: str,
    budget: Decimal,
    today: date,
) -> PortfolioResult:
    items = stored_items(organisation, scenario, today)
    ranked = rank_inputs([i.scoring for i in items], settings)
    items.sort(key=lambda i: ranked[i.code].rank)
    candidates = [
        selection.Candidate(code=i.code, npv=i.npv, cost=i.cost, ready=i.ready, forced=i.forced)
        for i in items
    ]
    greedy = selection.greedy_selection(candidates, budget)
    line = selection.budget_line(candidates, budget)
    greedy_codes = set(greedy.codes)
    result = PortfolioResult.objects.create(
        organisation=organisation,
        digest=digest,
        scenario=scenario,
        budget=budget,
        method=settings.method,
        weights={k: str(v) for k, v in weights_of(settings).items()},
        greedy=_selection_json(greedy),
        line={
            "reserved": str(line.reserved),
            "total_cost": str(line.total_cost),
            "cutoff": line.cutoff + 1 if line.cutoff is not None else None,
            "error": line.error,
        },
    )
    RankedInitiative.objects.bulk_create(
        [
            RankedInitiative(
                result=result,
                initiative_id=item.pk,
                department_id=item.department_id,
                rank=ranked[item.code].rank,
                score="" if ranked[item.code].score is None else str(ranked[item.code].score),
                contributions={k: str(v) for k, v in ranked[item.code].contributions.items()},
                wsjf=_wsjf_json(ranked[item.code].wsjf),
                npv=item.npv,
                cost=item.cost,
                ready=item.ready,
                forced=item.forced or "",
                cumulative_cost=row.cumulative_cost,
                line_status=row.status,
                greedy=item.code in greedy_codes,
            )
            for item, row in zip(items, line.rows, strict=True)
        ],
        batch_size=500,
    )
    stale = PortfolioResult.objects.filter(organisation=organisation).order_by("-created_at")
    old = list(stale.values_list("pk", flat=True)[KEEP_RESULTS:])
    if old:
        PortfolioResult.objects.filter(pk__in=old).delete()
    return result


def ranking_result(
    organisation: Organisation,
    settings: PortfolioSettings,
    *,
    scenario: str,
    budget: Decimal,
    today: date | None = None,
) -> PortfolioResult:
    """The stored result for these inputs; ranked now if it is not stored yet. The optimal
    selection is then solved at once for a small portfolio, else requested from Celery."""
    today = today or timezone.localdate()
    digest = inputs_digest(organisation, settings, scenario=scenario, budget=budget, today=today)
    found = PortfolioResult.objects.filter(organisation=organisation, digest=digest).first()
    if found is not None:
        return found
    try:
        with transaction.atomic():
            result = _store_ranking(
                organisation, settings, digest=digest, scenario=scenario, budget=budget, today=today
            )
    except IntegrityError:
        # Another request stored the same digest meanwhile: theirs is as good.
        return PortfolioResult.objects.get(organisation=organisation, digest=digest)
    if result.rows.count() <= INLINE_LIMIT:
        solve(result.pk, frontier=True)
        result.refresh_from_db()
    else:
        enqueue("portfolio.tasks.solve_portfolio_result", result.pk)
    return result


# --- The solver's part (a Celery task at scale) ---------------------------------------------------


def _candidates(result: PortfolioResult) -> list[selection.Candidate]:
    return [
        selection.Candidate(code=code, npv=npv, cost=cost, ready=ready, forced=forced or None)
        for code, npv, cost, ready, forced in result.rows.order_by("rank").values_list(
            "initiative__code", "npv", "cost", "ready", "forced"
        )
    ]


def solve(result_id: int, *, frontier: bool = False) -> None:
    """Fill in the optimal selection (and, if asked or requested, the frontier) of a stored
    result. Safe to run twice: a finished part is not solved again."""
    result = PortfolioResult.objects.filter(pk=result_id).first()
    if result is None:
        return  # pruned meanwhile: a newer result replaced it
    candidates = _candidates(result)
    if result.optimal is None:
        optimal = selection.optimal_selection(candidates, result.budget)
        chosen = set(optimal.codes)
        with transaction.atomic():
            RankedInitiative.objects.filter(result=result).update(optimal=False)
            RankedInitiative.objects.filter(result=result, initiative__code__in=chosen).update(
                optimal=True
            )
            result.optimal = _selection_json(optimal)
            result.state = PortfolioResult.State.DONE
            result.computed_at = timezone.now()
            result.save(update_fields=["optimal", "state", "computed_at"])
    if (frontier or result.frontier_requested) and result.frontier is None:
        budgets = [*selection.frontier_budgets(candidates, FRONTIER_LEVELS), result.budget]
        points = selection.efficient_frontier(candidates, budgets)
        result.frontier = [
            {
                "budget": str(p.budget),
                "total_npv": str(p.total_npv),
                "total_cost": str(p.total_cost),
                "count": p.count,
            }
            for p in points
        ]
        result.save(update_fields=["frontier"])


def request_frontier(result: PortfolioResult) -> None:
    """Ask for the efficient frontier of a large portfolio (computed in the background)."""
    if result.frontier is not None or result.frontier_requested:
        return
    result.frontier_requested = True
    result.save(update_fields=["frontier_requested"])
    enqueue("portfolio.tasks.solve_portfolio_result", result.pk)


def pending_results() -> list[int]:
    """Results whose solver part is still missing (for the sweeper)."""
    return list(
        PortfolioResult.objects.filter(optimal__isnull=True).values_list("pk", flat=True)
    ) + list(
        PortfolioResult.objects.filter(frontier_requested=True, frontier__isnull=True).values_list(
            "pk", flat=True
        )
    )


def selection_of(data: dict[str, Any] | None, codes: tuple[str, ...], budget: Decimal):
    """A ``selection.Selection`` from its stored totals and the codes read from the rows."""
    if data is None:
        return None
    return selection.Selection(
        codes=codes,
        total_cost=Decimal(data["total_cost"]),
        total_npv=Decimal(data["total_npv"]),
        budget=budget,
        error=data.get("error"),
        proven_optimal=data.get("proven_optimal"),
    )
