"""Which initiatives to fund within a budget: optimal, greedy, budget line, efficient frontier.

Pure maths (no Django). Implements the selection rule of ``shared/reference/register-format.md``:
a selection maximises the sum of ``npv`` subject to the sum of ``investment_cost`` ≤ budget;
forced-in initiatives are always selected, forced-out never; otherwise only initiatives that are
ready and have ``npv`` > 0 may be selected. When the forced-in initiatives alone exceed the budget
there is no selection, only the error ``forced_in_exceeds_budget``.

Money is ``decimal.Decimal`` in and out. Binary floating point appears only inside the solver
(``scipy.optimize.milp``, HiGHS): its answer is a proposal that is checked and, where needed,
repaired in exact integer arithmetic (öre) before it becomes a ``Selection``. See
``optimal_selection`` for the reasons.
"""

from __future__ import annotations

import ctypes
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from fractions import Fraction
from itertools import combinations

FORCED_IN = "in"
FORCED_OUT = "out"
FORCED_CHOICES = (None, FORCED_IN, FORCED_OUT)

FORCED_IN_EXCEEDS_BUDGET = "forced_in_exceeds_budget"

# Budget line statuses, in the order they are decided for a row.
STATUS_FORCED_IN = "forced_in"
STATUS_FORCED_OUT = "forced_out"
STATUS_NOT_READY = "not_ready"
STATUS_NO_VALUE = "no_value"
STATUS_WITHIN_BUDGET = "within_budget"
STATUS_OVER_BUDGET = "over_budget"
SELECTED_STATUSES = frozenset({STATUS_FORCED_IN, STATUS_WITHIN_BUDGET})

ZERO = Decimal(0)
ORE = Decimal("0.01")
# The solver proves optimality quickly on typical portfolios, but a knapsack whose values are
# nearly proportional to its costs can keep it searching for minutes. A page must answer in
# seconds, so it stops here with the best set found so far and says the set is not proven
# optimal. The frontier solves many levels, so each gets less.
SOLVER_TIME_LIMIT_SECONDS = 4.0
FRONTIER_LEVEL_TIME_LIMIT_SECONDS = 0.5
FRONTIER_TIME_BUDGET_SECONDS = 3.0  # all levels together; later levels get what is left
IMPROVEMENT_ROUNDS = 50  # bound on exact 1-for-1 swap rounds after the solver

# Sums of money are exact at this precision (5e9 kr × 1e6 initiatives has 17 digits).
_EXACT = Context(prec=100, rounding=ROUND_HALF_EVEN)


def _decimal(value: Decimal | int | str, name: str) -> Decimal:
    """Money must not pass through binary floating point: Decimal, int or str only."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{name} must be a Decimal, int or str, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite")
    return result


@dataclass(frozen=True)
class Candidate:
    """One initiative as the selection sees it."""

    code: str
    npv: Decimal
    cost: Decimal  # investment cost, undiscounted, ≥ 0
    ready: bool
    forced: str | None = None  # "in" | "out" | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "npv", _decimal(self.npv, "npv"))
        object.__setattr__(self, "cost", _decimal(self.cost, "cost"))
        if self.cost < 0:
            raise ValueError(f"{self.code}: cost must be ≥ 0")
        if self.forced not in FORCED_CHOICES:
            raise ValueError(f"{self.code}: forced must be None, 'in' or 'out'")

    @property
    def eligible(self) -> bool:
        """May be chosen freely: not forced either way, ready, and worth something."""
        return self.forced is None and self.ready and self.npv > 0


@dataclass(frozen=True)
class Selection:
    codes: tuple[str, ...]  # in the order of the candidates given
    total_cost: Decimal
    total_npv: Decimal
    budget: Decimal
    error: str | None = None  # "forced_in_exceeds_budget": then codes is empty
    # For the optimal selection: False when the solver stopped at its time limit, so the set
    # is the best found rather than the proven best. None for the greedy selection.
    proven_optimal: bool | None = None


@dataclass(frozen=True)
class BudgetLineRow:
    rank: int  # 1-based position in the ranking given
    code: str
    cost: Decimal
    cumulative_cost: Decimal  # committed after this row: forced-in costs plus selected rows so far
    status: str  # one of the STATUS_* values

    @property
    def selected(self) -> bool:
        return self.status in SELECTED_STATUSES


@dataclass(frozen=True)
class BudgetLine:
    """The ranking table with its running total; iterates over its rows like a list."""

    rows: tuple[BudgetLineRow, ...]
    budget: Decimal
    reserved: Decimal  # the forced-in initiatives' cost, committed before the ranking is walked
    total_cost: Decimal  # of the selected rows
    cutoff: int | None  # index into rows of the first eligible row that no longer fits
    error: str | None = None

    def __iter__(self) -> Iterator[BudgetLineRow]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, index: int) -> BudgetLineRow:
        return self.rows[index]


@dataclass(frozen=True)
class FrontierPoint:
    budget: Decimal
    total_npv: Decimal  # the best total NPV reachable within this budget
    total_cost: Decimal
    count: int  # initiatives selected, forced-in included


# --- Shared bookkeeping --------------------------------------------------------------------------


def _check(candidates: Sequence[Candidate], budget: Decimal | int | str) -> Decimal:
    budget = _decimal(budget, "budget")
    if budget < 0:
        raise ValueError("budget must be ≥ 0")
    codes = [c.code for c in candidates]
    if len(set(codes)) != len(codes):
        raise ValueError("candidate codes must be unique")
    return budget


def _total(values: Iterable[Decimal]) -> Decimal:
    result = ZERO
    for value in values:
        result = _EXACT.add(result, value)
    return result


def _result(
    candidates: Sequence[Candidate],
    chosen: set[str],
    budget: Decimal,
    error: str | None = None,
    proven_optimal: bool | None = None,
) -> Selection:
    picked = [c for c in candidates if c.code in chosen]
    return Selection(
        codes=tuple(c.code for c in picked),
        total_cost=_total(c.cost for c in picked),
        total_npv=_total(c.npv for c in picked),
        budget=budget,
        error=error,
        proven_optimal=proven_optimal,
    )


def _forced_in_exceeds(candidates: Sequence[Candidate], budget: Decimal) -> Selection | None:
    forced_cost = _total(c.cost for c in candidates if c.forced == FORCED_IN)
    if forced_cost > budget:
        return Selection((), ZERO, ZERO, budget, FORCED_IN_EXCEEDS_BUDGET)
    return None


# --- Greedy and the budget line ------------------------------------------------------------------


def budget_line(ranked_candidates: Sequence[Candidate], budget: Decimal | int | str) -> BudgetLine:
    """Walk the ranking: forced-in first (reserved), then each eligible row that still fits.

    A row that does not fit is ``over_budget`` and the walk goes on, so a cheaper initiative
    further down may still be ``within_budget``; ``cutoff`` is the first ``over_budget`` row,
    where the line is drawn. When the forced-in initiatives alone exceed the budget, every
    eligible row is ``over_budget`` and ``error`` says why.
    """
    budget = _check(ranked_candidates, budget)
    reserved = _total(c.cost for c in ranked_candidates if c.forced == FORCED_IN)
    error = FORCED_IN_EXCEEDS_BUDGET if reserved > budget else None
    committed = reserved
    rows: list[BudgetLineRow] = []
    cutoff: int | None = None
    for index, candidate in enumerate(ranked_candidates):
        if candidate.forced == FORCED_IN:
            status = STATUS_FORCED_IN
        elif candidate.forced == FORCED_OUT:
            status = STATUS_FORCED_OUT
        elif not candidate.ready:
            status = STATUS_NOT_READY
        elif candidate.npv <= 0:
            status = STATUS_NO_VALUE
        elif error is None and _EXACT.add(committed, candidate.cost) <= budget:
            status = STATUS_WITHIN_BUDGET
            committed = _EXACT.add(committed, candidate.cost)
        else:
            status = STATUS_OVER_BUDGET
            if cutoff is None:
                cutoff = index
        rows.append(BudgetLineRow(index + 1, candidate.code, candidate.cost, committed, status))
    return BudgetLine(
        rows=tuple(rows),
        budget=budget,
        reserved=reserved,
        total_cost=committed if error is None else reserved,
        cutoff=cutoff,
        error=error,
    )


def greedy_selection(
    ranked_candidates: Sequence[Candidate], budget: Decimal | int | str
) -> Selection:
    """Forced-in first, then down the ranking each eligible candidate that still fits."""
    line = budget_line(ranked_candidates, budget)
    if line.error:
        return Selection((), ZERO, ZERO, line.budget, line.error)
    chosen = {row.code for row in line if row.selected}
    return _result(ranked_candidates, chosen, line.budget)


# --- Exhaustive (for tests of small portfolios) --------------------------------------------------


def _preference(candidates: Sequence[Candidate]) -> tuple[Decimal, Decimal, tuple[str, ...]]:
    """Among equally valuable sets prefer the cheaper one, then the alphabetically first codes."""
    return (
        -_total(c.npv for c in candidates),
        _total(c.cost for c in candidates),
        tuple(sorted(c.code for c in candidates)),
    )


def brute_force_selection(
    candidates: Sequence[Candidate], budget: Decimal | int | str
) -> Selection:
    """Try every subset of the eligible candidates (2ⁿ: only for small portfolios)."""
    budget = _check(candidates, budget)
    if failed := _forced_in_exceeds(candidates, budget):
        return failed
    forced = [c for c in candidates if c.forced == FORCED_IN]
    room = budget - _total(c.cost for c in forced)
    free = [c for c in candidates if c.eligible]
    if len(free) > 22:
        raise ValueError("brute force is for small portfolios (at most 22 eligible candidates)")
    best: tuple[Candidate, ...] = ()
    for size in range(1, len(free) + 1):
        for subset in combinations(free, size):
            if _total(c.cost for c in subset) <= room and _preference(subset) < _preference(best):
                best = subset
    return _result(candidates, {c.code for c in (*forced, *best)}, budget)


# --- Optimal -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Problem:
    """The free part of a selection, in whole öre, for the solver and the exact checks.

    Costs are rounded up and the room (budget minus forced-in costs) down, so whatever fits
    in öre fits in kronor. NPVs are rounded to the öre: the objective is exact for amounts
    with two decimals and within half an öre per initiative otherwise.
    """

    items: tuple[Candidate, ...]  # eligible, 0 < cost ≤ room, sorted by code
    costs: tuple[int, ...]
    values: tuple[int, ...]

    @classmethod
    def build(cls, free: Sequence[Candidate]) -> _Problem:
        items = tuple(sorted(free, key=lambda c: c.code))
        return cls(
            items=items,
            costs=tuple(_ore(c.cost, ROUND_CEILING) for c in items),
            values=tuple(_ore(c.npv, ROUND_HALF_EVEN) for c in items),
        )

    def value(self, chosen: Iterable[int]) -> int:
        return sum(self.values[i] for i in chosen)

    def cost(self, chosen: Iterable[int]) -> int:
        return sum(self.costs[i] for i in chosen)

    def key(self, chosen: frozenset[int]) -> tuple[int, int, tuple[str, ...]]:
        return (
            -self.value(chosen),
            self.cost(chosen),
            tuple(self.items[i].code for i in sorted(chosen)),
        )

    def density_order(self) -> list[int]:
        """Most NPV per krona first (exact fractions); ties by code (the items' order)."""
        return sorted(
            range(len(self.items)), key=lambda i: -Fraction(self.values[i], self.costs[i])
        )


def _ore(amount: Decimal, rounding: str) -> int:
    return int(amount.quantize(ORE, rounding=rounding, context=_EXACT).scaleb(2, context=_EXACT))


_STDOUT_LOCK = threading.Lock()


@contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Send what native code writes to standard output to standard error meanwhile.

    The HiGHS bundled with SciPy prints a debug line ("…transformNewIntegerFeasibleSolution
    tmpSolver.run();") straight to file descriptor 1 when it repairs a slightly infeasible
    solution; that would corrupt the JSON ``portfolio_report`` prints. The swap of descriptors
    is process-wide, hence the lock.
    """
    with _STDOUT_LOCK:
        sys.stdout.flush()
        try:
            saved = os.dup(1)
        except OSError:  # no standard output at all: nothing to protect
            yield
            return
        try:
            os.dup2(2, 1)
            yield
        finally:
            _flush_c_stdio()
            os.dup2(saved, 1)
            os.close(saved)


def _flush_c_stdio() -> None:
    with suppress(OSError, AttributeError, TypeError):  # no C library to ask: nothing buffered
        ctypes.CDLL(None).fflush(None)


def _solve_milp(
    problem: _Problem, room: int, time_limit: float
) -> tuple[frozenset[int] | None, bool]:
    """The solver's proposal: maximise Σ npv·x subject to Σ cost·x ≤ room, x ∈ {0, 1}.

    Amounts are divided by their largest value (the solver's numerics prefer magnitudes near
    1). Presolve is off: the fixed variables are already gone before the solver sees them.
    Returns the set and whether the solver proved it optimal (not stopped by the time limit).
    """
    if time_limit <= 0:
        return None, False
    # SciPy and NumPy load where they are used: every page and command imports this module.
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp

    count = len(problem.items)
    values = np.array(problem.values, dtype=np.float64)
    costs = np.array(problem.costs, dtype=np.float64)
    cost_scale = costs.max()
    with _stdout_to_stderr():
        result = milp(
            c=-values / values.max(),
            constraints=LinearConstraint((costs / cost_scale)[None, :], ub=[room / cost_scale]),
            integrality=np.ones(count, dtype=np.int8),
            bounds=Bounds(np.zeros(count), np.ones(count)),
            options={
                "mip_rel_gap": 0.0,
                "presolve": False,
                "time_limit": time_limit,
            },
        )
    if result.x is None:  # no solution at all (time limit before the first one, or an error)
        return None, False
    return frozenset(int(i) for i in np.flatnonzero(result.x > 0.5)), result.status == 0


def _repair(
    problem: _Problem, chosen: frozenset[int], room: int, order: list[int]
) -> frozenset[int]:
    """Make a proposal feasible, then fill it, exactly.

    Drops the least NPV-per-krona items while over the room, then adds in NPV-per-krona order
    every item that still fits.
    """
    selected = set(chosen)
    used = problem.cost(selected)
    for i in reversed(order):
        if used <= room:
            break
        if i in selected:
            selected.discard(i)
            used -= problem.costs[i]
    for i in order:
        if i not in selected and used + problem.costs[i] <= room:
            selected.add(i)
            used += problem.costs[i]
    return frozenset(selected)


def _improve_by_swaps(
    problem: _Problem, chosen: frozenset[int], room: int, order: list[int]
) -> frozenset[int]:
    """Exact 1-for-1 exchanges that raise the NPV and still fit (vectorised in int64).

    Catches what the solver's tolerances can hide: two items whose values or costs differ by
    less than its relative tolerance of the largest amount.
    """
    import numpy as np

    costs = np.array(problem.costs, dtype=np.int64)
    values = np.array(problem.values, dtype=np.int64)
    selected = set(chosen)
    for _ in range(IMPROVEMENT_ROUNDS):
        inside = np.array(sorted(selected), dtype=np.int64)
        outside = np.array(sorted(set(range(len(problem.items))) - selected), dtype=np.int64)
        if not len(inside) or not len(outside):
            break
        slack = room - problem.cost(selected)
        gain = values[outside][None, :] - values[inside][:, None]
        extra = costs[outside][None, :] - costs[inside][:, None]
        gain[extra > slack] = 0
        best = np.unravel_index(np.argmax(gain), gain.shape)
        if gain[best] <= 0:
            break
        selected.discard(int(inside[best[0]]))
        selected.add(int(outside[best[1]]))
        selected = set(_repair(problem, frozenset(selected), room, order))
    return frozenset(selected)


def _greedy_sets(problem: _Problem, room: int) -> list[frozenset[int]]:
    """The two classic greedy fillings: by NPV per krona and by NPV."""
    by_value = sorted(range(len(problem.items)), key=lambda i: -problem.values[i])
    sets = []
    for order in (problem.density_order(), by_value):
        chosen: set[int] = set()
        used = 0
        for i in order:
            if used + problem.costs[i] <= room:
                chosen.add(i)
                used += problem.costs[i]
        sets.append(frozenset(chosen))
    return sets


def _best_free_set(
    problem: _Problem, room: int, time_limit: float, hints: Iterable[frozenset[str]] = ()
) -> tuple[frozenset[int], bool]:
    """The best set found and whether it is proven optimal."""
    if not problem.items or room <= 0:
        return frozenset(), True
    everything = frozenset(range(len(problem.items)))
    if problem.cost(everything) <= room:
        return everything, True
    order = problem.density_order()
    proposals = _greedy_sets(problem, room)
    solved, proven = _solve_milp(problem, room, time_limit)
    if solved is not None:
        proposals.append(solved)
    index = {c.code: i for i, c in enumerate(problem.items)}
    proposals += [frozenset(index[code] for code in hint if code in index) for hint in hints]
    feasible = [_repair(problem, p, room, order) for p in proposals]
    best = min(feasible, key=problem.key)
    return min([best, _improve_by_swaps(problem, best, room, order)], key=problem.key), proven


def _optimal(
    candidates: Sequence[Candidate],
    budget: Decimal,
    hints: Iterable[frozenset[str]] = (),
    time_limit: float = SOLVER_TIME_LIMIT_SECONDS,
) -> Selection:
    if failed := _forced_in_exceeds(candidates, budget):
        return failed
    forced = {c.code for c in candidates if c.forced == FORCED_IN}
    room_kr = budget - _total(c.cost for c in candidates if c.forced == FORCED_IN)
    room = _ore(room_kr, ROUND_FLOOR)
    eligible = [c for c in candidates if c.eligible]
    free_of_charge = {c.code for c in eligible if c.cost == 0}  # adding them only gains
    problem = _Problem.build(
        [c for c in eligible if 0 < c.cost <= room_kr and c.code not in free_of_charge]
    )
    chosen, proven = _best_free_set(problem, room, time_limit, hints)
    codes = forced | free_of_charge | {problem.items[i].code for i in chosen}
    selection = _result(candidates, codes, budget, proven_optimal=proven)
    # The öre rounding above makes this hold by construction; it is the contract, so check it.
    if selection.total_cost > budget:  # pragma: no cover
        raise AssertionError("selection exceeds the budget")
    return selection


def optimal_selection(candidates: Sequence[Candidate], budget: Decimal | int | str) -> Selection:
    """The set with the largest total NPV whose investment cost fits the budget.

    Forced-in candidates are fixed in and their cost taken off the budget; forced-out, not
    ready, NPV ≤ 0 and too-expensive candidates are fixed out; eligible candidates that cost
    nothing are always in. This leaves a 0/1 knapsack over the remaining candidates (sorted by
    code so that the answer does not depend on the input order), given to
    ``scipy.optimize.milp`` with ``mip_rel_gap=0``. Fixed variables are removed before the
    solver rather than pinned with bounds, so that the constraint row only holds amounts that
    still matter for its relative tolerances.

    The solver works in binary floating point with feasibility and optimality tolerances
    relative to the largest amounts (about 1e-7 of 5e9 kr is hundreds of kronor). So its set
    is only a proposal: in exact integer öre it is made feasible (least NPV per krona dropped
    first), filled with whatever still fits, compared with the greedy fillings by NPV per
    krona and by NPV, and improved by exact 1-for-1 exchanges. The best of these is returned:
    never over the budget, and never worse than those greedy fillings even if the solver
    stopped early or returned nothing. The solver stops after ``SOLVER_TIME_LIMIT_SECONDS``;
    ``proven_optimal`` then says False and the set is the best one found. Ties between
    equally valuable sets go to the cheaper one, then to the alphabetically first codes.

    NPVs are compared to the öre (exact for amounts with two decimals); costs are rounded up
    and the budget down to the öre, so the budget is never exceeded.
    """
    budget = _check(candidates, budget)
    return _optimal(candidates, budget)


# --- Efficient frontier ---------------------------------------------------------------------------


def efficient_frontier(
    candidates: Sequence[Candidate], budgets: Sequence[Decimal | int | str]
) -> list[FrontierPoint]:
    """The best total NPV at each budget level (levels below the forced-in cost are left out).

    Levels are solved in increasing order and each level also considers the previous level's
    selection (it still fits a larger budget), so the frontier never goes down. Each level gets
    at most ``FRONTIER_LEVEL_TIME_LIMIT_SECONDS`` of solver time and all together
    ``FRONTIER_TIME_BUDGET_SECONDS`` (after that only the exact greedy fillings and exchanges):
    the chart is a guide, the selection itself is solved separately with the full time.
    """
    levels = sorted({_check(candidates, b) for b in budgets})
    points: list[FrontierPoint] = []
    previous: frozenset[str] = frozenset()
    deadline = time.monotonic() + FRONTIER_TIME_BUDGET_SECONDS
    for level in levels:
        left = max(deadline - time.monotonic(), 0.0)
        selection = _optimal(
            candidates,
            level,
            hints=[previous],
            time_limit=min(FRONTIER_LEVEL_TIME_LIMIT_SECONDS, left),
        )
        if selection.error:
            continue
        previous = frozenset(selection.codes)
        points.append(
            FrontierPoint(level, selection.total_npv, selection.total_cost, len(selection.codes))
        )
    return points


def frontier_budgets(candidates: Sequence[Candidate], levels: int = 20) -> list[Decimal]:
    """``levels`` evenly spaced budgets, whole kronor, from the forced-in cost to everything.

    "Everything" is the cost of the forced-in and all eligible candidates: beyond it the
    frontier is flat.
    """
    if levels < 2:
        raise ValueError("at least two levels")
    low = _total(c.cost for c in candidates if c.forced == FORCED_IN)
    high = _total(c.cost for c in candidates if c.forced == FORCED_IN or c.eligible)
    step = _EXACT.divide(high - low, levels - 1)
    budgets = [
        (low + step * i).quantize(Decimal(1), rounding=ROUND_FLOOR, context=_EXACT)
        for i in range(levels - 1)
    ]
    return sorted({*budgets[1:], low, high})
