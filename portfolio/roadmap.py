"""The multi-year roadmap: which initiatives start in which plan year, within each year's
investment frame, with their prerequisites delivered first.

Pure maths (no Django). Implements "The plan, exactly" of the roadmap specification:

- plan years ``Y0 … Y0+P−1`` with frames ``b_y``; for initiative *i* its NPV, its model's
  discount rate ``r_i``, its investment cost ``inv_i(t)`` in model year *t* (year 0 is the
  start year) and its duration ``d_i`` in whole years;
- choose a start year ``s_i`` or "not planned" for each, maximising
  ``Σ npv_i / (1 + r_i)^(s_i − Y0)`` over the planned ones, subject to (1) only ready
  initiatives are planned, forced-out never, forced-in always; (2) every year with investment
  lies inside the plan; (3) each year's investment within its frame, exact in öre; (4) every
  prerequisite *j* of a planned *i* is planned with ``s_j + d_j ≤ s_i``.

Money is ``Decimal`` in and out. The integer programme goes to ``scipy.optimize.milp``; as for
the one-year selection (``portfolio.selection``), its answer is a proposal that is checked in
exact integer öre and repaired when floating point let it overstep a frame, so a plan is
never over a frame. A plan from the solver says whether it is proven optimal, and otherwise
the solver's relative gap.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_CEILING, ROUND_FLOOR, ROUND_HALF_EVEN, Context, Decimal
from itertools import product

from portfolio.selection import FORCED_CHOICES, FORCED_IN, FORCED_OUT

ZERO = Decimal(0)
ONE = Decimal(1)
ORE = Decimal("0.01")
_EXACT = Context(prec=60, rounding=ROUND_HALF_EVEN)
SOLVER_TIME_LIMIT_SECONDS = 8.0

# Why an initiative is not in the plan: the first that applies, in this order.
FORCED_OUT_REASON = "forced_out"
NOT_READY = "not_ready"
PREREQUISITE_NOT_PLANNED = "prerequisite_not_planned"
DOES_NOT_FIT = "does_not_fit"
NOT_WORTH_IT = "not_worth_it"
REASONS = (FORCED_OUT_REASON, NOT_READY, PREREQUISITE_NOT_PLANNED, DOES_NOT_FIT, NOT_WORTH_IT)

# What makes a forced-in set impossible.
CONFLICT_PREREQUISITE = "prerequisite"  # a forced-in initiative needs one that cannot be planned
CONFLICT_HORIZON = "horizon"  # its investment years (after its prerequisites) leave the plan
CONFLICT_BUDGET = "budget"  # the forced-in set does not fit the frames of these years


def _decimal(value: Decimal | int | str, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{name} must be a Decimal, int or str, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite")
    return result


def _ore_up(amount: Decimal) -> int:
    return int(amount.quantize(ORE, rounding=ROUND_CEILING, context=_EXACT).scaleb(2))


def _ore_down(amount: Decimal) -> int:
    return int(amount.quantize(ORE, rounding=ROUND_FLOOR, context=_EXACT).scaleb(2))


def _sum(values: Iterable[Decimal]) -> Decimal:
    total = ZERO
    for value in values:
        total = _EXACT.add(total, value)
    return total


@dataclass(frozen=True)
class RoadmapItem:
    """One initiative as the roadmap sees it."""

    code: str
    npv: Decimal
    rate: Decimal = ZERO
    investments: tuple[Decimal, ...] = ()  # by model year t = 0, 1, …
    duration_years: int = 1
    ready: bool = True
    forced: str | None = None
    requires: tuple[str, ...] = ()
    # A what-if's pinned start year: the initiative is planned in exactly this year.
    fixed_start: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "npv", _decimal(self.npv, "npv"))
        object.__setattr__(self, "rate", _decimal(self.rate, "rate"))
        object.__setattr__(
            self,
            "investments",
            tuple(_decimal(v, f"{self.code}: investment") for v in self.investments),
        )
        object.__setattr__(self, "requires", tuple(self.requires))
        if self.rate <= -1:
            raise ValueError(f"{self.code}: rate must be > -1")
        if any(v < 0 for v in self.investments):
            raise ValueError(f"{self.code}: investments must be ≥ 0")
        if self.duration_years < 1:
            raise ValueError(f"{self.code}: duration_years must be ≥ 1")
        if self.forced not in FORCED_CHOICES:
            raise ValueError(f"{self.code}: forced must be None, 'in' or 'out'")
        if self.code in self.requires:
            raise ValueError(f"{self.code} cannot require itself")

    @property
    def last_investment_year(self) -> int:
        """The last model year with an investment (−1 when there is none)."""
        for t in range(len(self.investments) - 1, -1, -1):
            if self.investments[t] != 0:
                return t
        return -1

    def investment(self, t: int) -> Decimal:
        return self.investments[t] if 0 <= t < len(self.investments) else ZERO

    def value_at(self, start: int, first_year: int) -> Decimal:
        """The NPV discounted to the first plan year."""
        factor = _EXACT.power(_EXACT.add(ONE, self.rate), start - first_year)
        return _EXACT.divide(self.npv, factor)


@dataclass(frozen=True)
class Horizon:
    """The plan years and their investment frames."""

    first_year: int
    budgets: tuple[Decimal, ...]

    def __post_init__(self) -> None:
        budgets = tuple(_decimal(b, "budget") for b in self.budgets)
        if not budgets:
            raise ValueError("a plan has at least one year")
        if any(b < 0 for b in budgets):
            raise ValueError("budgets must be ≥ 0")
        object.__setattr__(self, "budgets", budgets)

    @property
    def years(self) -> range:
        return range(self.first_year, self.first_year + len(self.budgets))

    @property
    def last_year(self) -> int:
        return self.first_year + len(self.budgets) - 1

    def budget(self, year: int) -> Decimal:
        return self.budgets[year - self.first_year]


@dataclass(frozen=True)
class Conflict:
    kind: str  # CONFLICT_*
    initiative: str | None = None
    requires: str | None = None  # for a prerequisite conflict: the one that cannot be planned
    reason: str | None = None  # why it cannot: forced_out / not_ready / horizon
    years: tuple[int, ...] = ()  # for a budget conflict: the frames that are too small


@dataclass(frozen=True)
class Plan:
    starts: Mapping[str, int]  # planned initiative → start year
    value: Decimal  # Σ discounted NPV of the planned initiatives (exact)
    spend: tuple[Decimal, ...]  # investment per plan year
    feasible: bool = True
    proven_optimal: bool | None = None  # None for the ranking's plan
    gap: float | None = None  # the solver's relative gap when not proven optimal
    conflicts: tuple[Conflict, ...] = ()
    method: str = "optimal"


@dataclass(frozen=True)
class Unplanned:
    code: str
    reason: str  # one of REASONS
    # For does_not_fit: the smallest extra frame in one named year that lets it in, with the
    # rest of the plan unchanged (None when no single year's extra would do).
    extra_year: int | None = None
    extra_amount: Decimal | None = None
    missing: tuple[str, ...] = field(default=())  # for prerequisite_not_planned


# --- Prerequisites -------------------------------------------------------------------------------


def find_cycle(
    requires: Mapping[str, Sequence[str]], roots: Sequence[str] | None = None
) -> list[str] | None:
    """A cycle of prerequisites as a path that returns to its start, or None. The search
    starts from ``roots`` in their order (all codes, sorted, by default) and the cycle is
    told from the initiative whose ``requires`` closes it: with A → B → A found from A, that
    is B, so ``[B, A, B]``.

    Codes that are not keys (unknown prerequisites) are ignored here; the caller reports them.
    The search is iterative, so a long chain cannot exhaust the interpreter's stack.
    """
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    order = [*(roots or ()), *sorted(requires)]
    for root in order:
        if root not in requires or state.get(root):
            continue
        path: list[str] = [root]
        iterators = [iter(requires.get(root, ()))]
        state[root] = 1
        while iterators:
            nxt = next(iterators[-1], None)
            if nxt is None:
                state[path.pop()] = 2
                iterators.pop()
                continue
            if nxt not in requires:
                continue
            if state.get(nxt) == 1:
                closer = path[-1]
                return [closer, *path[path.index(nxt) : -1], closer]
            if not state.get(nxt):
                state[nxt] = 1
                path.append(nxt)
                iterators.append(iter(requires.get(nxt, ())))
    return None


def _index(items: Sequence[RoadmapItem]) -> dict[str, RoadmapItem]:
    by_code = {item.code: item for item in items}
    if len(by_code) != len(items):
        raise ValueError("initiative codes must be unique")
    for item in items:
        unknown = [code for code in item.requires if code not in by_code]
        if unknown:
            raise ValueError(f"{item.code} requires unknown {', '.join(unknown)}")
    cycle = find_cycle({item.code: item.requires for item in items})
    if cycle:
        raise ValueError("cycle " + " → ".join(cycle))
    return by_code


def _closure(code: str, by_code: Mapping[str, RoadmapItem]) -> list[str]:
    """Every prerequisite of ``code``, directly or through others."""
    seen: list[str] = []
    stack = list(by_code[code].requires)
    while stack:
        current = stack.pop()
        if current not in seen:
            seen.append(current)
            stack.extend(by_code[current].requires)
    return seen


def _blocked_prerequisite(code: str, by_code: Mapping[str, RoadmapItem]) -> tuple[str, str] | None:
    """A prerequisite (direct or not) that can never be planned, with the reason."""
    for other in _closure(code, by_code):
        item = by_code[other]
        if item.forced == FORCED_OUT:
            return other, FORCED_OUT_REASON
        if item.forced != FORCED_IN and not item.ready:
            return other, NOT_READY
    return None


def _may_plan(item: RoadmapItem) -> bool:
    return item.forced == FORCED_IN or (item.forced is None and item.ready)


def pin_starts(items: Sequence[RoadmapItem], fixed_starts: Mapping[str, int]) -> list[RoadmapItem]:
    """The items with the what-if's start years pinned: a pinned initiative is forced in at
    exactly that year (whatever its readiness or forced choice), the rest unchanged."""
    unknown = sorted(set(fixed_starts) - {item.code for item in items})
    if unknown:
        raise ValueError(f"unknown initiative {', '.join(unknown)}")
    return [
        replace(item, forced=FORCED_IN, fixed_start=int(fixed_starts[item.code]))
        if item.code in fixed_starts
        else item
        for item in items
    ]


def _earliest(code: str, by_code: Mapping[str, RoadmapItem], first_year: int) -> int:
    """The earliest start the prerequisite chain allows (each delivered before the next)."""
    memo: dict[str, int] = {}

    def earliest(current: str) -> int:
        if current not in memo:
            item = by_code[current]
            memo[current] = max(
                (earliest(j) + by_code[j].duration_years for j in item.requires),
                default=first_year,
            )
        return memo[current]

    return earliest(code)


def _starts(item: RoadmapItem, horizon: Horizon) -> list[int]:
    """Start years that keep every investment year inside the plan."""
    last = horizon.last_year - max(item.last_investment_year, 0)
    return [
        s
        for s in horizon.years
        if s <= last and (item.fixed_start is None or s == item.fixed_start)
    ]


# --- Checking and measuring a plan ---------------------------------------------------------------


def spend_of(
    starts: Mapping[str, int], by_code: Mapping[str, RoadmapItem], horizon: Horizon
) -> tuple[Decimal, ...]:
    totals = [ZERO] * len(horizon.budgets)
    for code, start in starts.items():
        item = by_code[code]
        for t, amount in enumerate(item.investments):
            year = start + t
            if amount and horizon.first_year <= year <= horizon.last_year:
                totals[year - horizon.first_year] = _EXACT.add(
                    totals[year - horizon.first_year], amount
                )
    return tuple(totals)


def _ore_spend(
    starts: Mapping[str, int], by_code: Mapping[str, RoadmapItem], horizon: Horizon
) -> list[int]:
    totals = [0] * len(horizon.budgets)
    for code, start in starts.items():
        for t, amount in enumerate(by_code[code].investments):
            if amount:
                totals[start + t - horizon.first_year] += _ore_up(amount)
    return totals


def violations(
    starts: Mapping[str, int], items: Sequence[RoadmapItem], horizon: Horizon
) -> list[str]:
    """Every rule of the plan that ``starts`` breaks (empty for a valid plan), exactly."""
    by_code = _index(items)
    found: list[str] = []
    for item in items:
        start = starts.get(item.code)
        if start is None:
            if item.forced == FORCED_IN:
                found.append(f"{item.code}: forced in but not planned")
            continue
        if not _may_plan(item):
            found.append(f"{item.code}: planned but not ready or forced out")
        if item.fixed_start is not None and start != item.fixed_start:
            found.append(f"{item.code}: not in its pinned year {item.fixed_start}")
        if start not in horizon.years:
            found.append(f"{item.code}: starts outside the plan")
        elif start + max(item.last_investment_year, 0) > horizon.last_year:
            found.append(f"{item.code}: invests after the plan")
        for j in item.requires:
            if j not in starts:
                found.append(f"{item.code}: prerequisite {j} not planned")
            elif starts[j] + by_code[j].duration_years > start:
                found.append(f"{item.code}: starts before {j} is delivered")
    if not found:
        for year, (used, budget) in enumerate(
            zip(_ore_spend(starts, by_code, horizon), horizon.budgets, strict=True)
        ):
            if used > _ore_down(budget):
                found.append(f"{horizon.first_year + year}: over the frame")
    return found


def _plan(
    starts: Mapping[str, int],
    by_code: Mapping[str, RoadmapItem],
    horizon: Horizon,
    **kwargs: object,
) -> Plan:
    ordered = {code: starts[code] for code in sorted(starts)}
    value = _sum(by_code[c].value_at(s, horizon.first_year) for c, s in ordered.items())
    return Plan(
        starts=ordered,
        value=value,
        spend=spend_of(ordered, by_code, horizon),
        **kwargs,  # type: ignore[arg-type]
    )


# --- Brute force (small portfolios, for the tests) -----------------------------------------------


def brute_force_plan(items: Sequence[RoadmapItem], horizon: Horizon) -> Plan:
    """Try every start year (or none) for every initiative: (P+1)ⁿ plans, so only for tiny
    portfolios. Among equally valuable plans the first found wins."""
    by_code = _index(items)
    choices = [[None, *_starts(item, horizon)] if _may_plan(item) else [None] for item in items]
    if len(items) > 8:
        raise ValueError("brute force is for at most 8 initiatives")
    best: tuple[Decimal, dict[str, int]] | None = None
    for combination in product(*choices):
        starts = {item.code: s for item, s in zip(items, combination, strict=True) if s is not None}
        if violations(starts, items, horizon):
            continue
        value = _sum(by_code[c].value_at(s, horizon.first_year) for c, s in starts.items())
        if best is None or value > best[0]:
            best = (value, starts)
    if best is None:
        return Plan({}, ZERO, tuple(ZERO for _ in horizon.budgets), feasible=False)
    return _plan(best[1], by_code, horizon, proven_optimal=True, method="brute_force")


# --- The ranking's plan --------------------------------------------------------------------------


def _place(
    code: str,
    starts: dict[str, int],
    used: list[int],
    by_code: Mapping[str, RoadmapItem],
    horizon: Horizon,
    frames: Sequence[int],
) -> bool:
    """Plan ``code`` at its earliest start that fits, after planning its unplanned
    prerequisites the same way first; on failure nothing is changed."""
    if code in starts:
        return True
    item = by_code[code]
    if not _may_plan(item):
        return False
    saved_starts, saved_used = dict(starts), list(used)
    for j in item.requires:
        if not _place(j, starts, used, by_code, horizon, frames):
            starts.clear()
            starts.update(saved_starts)
            used[:] = saved_used
            return False
    earliest = max(
        (starts[j] + by_code[j].duration_years for j in item.requires), default=horizon.first_year
    )
    costs = [(t, _ore_up(a)) for t, a in enumerate(item.investments) if a]
    for start in _starts(item, horizon):
        if start < earliest:
            continue
        offset = start - horizon.first_year
        if all(used[offset + t] + c <= frames[offset + t] for t, c in costs):
            for t, c in costs:
                used[offset + t] += c
            starts[code] = start
            return True
    starts.clear()
    starts.update(saved_starts)
    used[:] = saved_used
    return False


def ranking_plan(
    ranked: Sequence[RoadmapItem],
    horizon: Horizon,
    *,
    fixed_starts: Mapping[str, int] | None = None,
) -> Plan:
    """The plan the ranking gives: forced-in first, then down the ranking each initiative
    worth something at its earliest year that fits, its prerequisites pulled in first.
    ``fixed_starts`` pins initiatives to start years (see ``pin_starts``)."""
    if fixed_starts:
        ranked = pin_starts(ranked, fixed_starts)
    by_code = _index(ranked)
    frames = [_ore_down(b) for b in horizon.budgets]
    starts: dict[str, int] = {}
    used = [0] * len(frames)
    for item in ranked:
        if item.forced == FORCED_IN and not _place(
            item.code, starts, used, by_code, horizon, frames
        ):
            return _infeasible(ranked, horizon, by_code, method="ranking")
    for item in ranked:
        if item.forced is None and item.ready and item.npv > 0:
            _place(item.code, starts, used, by_code, horizon, frames)
    return _plan(starts, by_code, horizon, method="ranking")


# --- The optimal plan ----------------------------------------------------------------------------


def optimal_plan(
    items: Sequence[RoadmapItem],
    horizon: Horizon,
    *,
    time_limit: float = SOLVER_TIME_LIMIT_SECONDS,
    fixed_starts: Mapping[str, int] | None = None,
) -> Plan:
    """The plan of the largest value (see the module's docstring), from an integer programme.
    ``fixed_starts`` (initiative → year) pins start years for a what-if (see ``pin_starts``).

    Variables ``x[i, s]`` say that *i* starts in year *s*, only for initiatives that may be
    planned (ready or forced in, and no prerequisite that can never be planned) and start
    years that keep their investment inside the plan. Constraints: at most one start each
    (exactly one when forced in); each year's investment within its frame; and for each
    prerequisite *j* of *i* and each year *y*: "started by *y*" for *i* implies "started by
    ``y − d_j``" for *j* (cumulative sums, which is tighter than pairwise implications).

    The solver's answer is checked in exact öre; an overstepped frame (floating point) is
    repaired by dropping the least valuable initiatives and their dependants, then filling
    with the ranking's rule. The better of that and the ranking's plan by value is returned,
    so the answer is never worse than the ranking's even when the solver stops early.
    """
    if fixed_starts:
        items = pin_starts(items, fixed_starts)
    by_code = _index(items)
    if infeasible := _forced_conflicts(items, horizon, by_code):
        return Plan(
            {}, ZERO, tuple(ZERO for _ in horizon.budgets), feasible=False, conflicts=infeasible
        )
    variables = [
        (item.code, s)
        for item in sorted(items, key=lambda i: i.code)
        if _may_plan(item) and _blocked_prerequisite(item.code, by_code) is None
        for s in _starts(item, horizon)
        if s >= _earliest(item.code, by_code, horizon.first_year)
    ]
    proposal, status, gap = _solve(variables, by_code, horizon, time_limit)
    if status == "infeasible":
        return _infeasible(items, horizon, by_code)
    value_order = sorted(items, key=lambda i: (-i.npv, i.code))
    fallback = ranking_plan(value_order, horizon)
    if proposal is None:
        return _relabel(fallback, proven_optimal=False, gap=None)
    repaired = _repair(proposal, items, by_code, horizon)
    candidate = _plan(repaired, by_code, horizon)
    # Proven when the solver proved its proposal and the exact checks took no value from it
    # (leaving out what is worth nothing takes none).
    proven = status == "optimal" and candidate.value >= _value(proposal, by_code, horizon)
    best = candidate if candidate.value >= fallback.value or not fallback.feasible else fallback
    return _relabel(best, proven_optimal=proven and best is candidate, gap=None if proven else gap)


def _relabel(plan: Plan, *, proven_optimal: bool, gap: float | None) -> Plan:
    return Plan(
        starts=plan.starts,
        value=plan.value,
        spend=plan.spend,
        feasible=plan.feasible,
        proven_optimal=proven_optimal,
        gap=gap,
        conflicts=plan.conflicts,
        method="optimal",
    )


def _solve(
    variables: Sequence[tuple[str, int]],
    by_code: Mapping[str, RoadmapItem],
    horizon: Horizon,
    time_limit: float,
    *,
    relax_years: frozenset[int] = frozenset(),
    objective: bool = True,
) -> tuple[dict[str, int] | None, str, float | None]:
    """(starts, "optimal" | "stopped" | "infeasible", gap) from ``scipy.optimize.milp``."""
    forced_in = [c for c, item in by_code.items() if item.forced == FORCED_IN]
    if not variables:
        return ({}, "optimal", 0.0) if not forced_in else (None, "infeasible", None)
    import numpy as np
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import lil_matrix

    from portfolio.selection import _stdout_to_stderr

    column = {v: k for k, v in enumerate(variables)}
    codes = sorted({c for c, _ in variables})
    missing_forced = [c for c in forced_in if c not in codes]
    if missing_forced:
        return None, "infeasible", None
    values = np.array(
        [float(by_code[c].value_at(s, horizon.first_year)) for c, s in variables], dtype=float
    )
    scale = max(float(np.abs(values).max()), 1.0)
    rows: list[tuple[dict[int, float], float, float]] = []
    cols: dict[int, float]
    # At most one start each; exactly one when forced in.
    for code in codes:
        cols = {column[(code, s)]: 1.0 for s in horizon.years if (code, s) in column}
        low = 1.0 if by_code[code].forced == FORCED_IN else 0.0
        rows.append((cols, low, 1.0))
    # Each year's frame.
    cost_scale = max(
        [float(a) for item in by_code.values() for a in item.investments if a]
        + [float(b) for b in horizon.budgets if b],
        default=1.0,
    )
    for year in horizon.years:
        if year in relax_years:
            continue
        cols = {}
        for (code, start), k in column.items():
            amount = by_code[code].investment(year - start) if year >= start else ZERO
            if amount:
                cols[k] = _ore_up(amount) / 100 / cost_scale
        if cols:
            rows.append((cols, -np.inf, _ore_down(horizon.budget(year)) / 100 / cost_scale))
    # Prerequisites, as cumulative "started by year y" sums.
    for code in codes:
        for j in by_code[code].requires:
            d = by_code[j].duration_years
            for year in horizon.years:
                cols = {
                    column[(code, s)]: 1.0
                    for s in horizon.years
                    if s <= year and (code, s) in column
                }
                if not cols:
                    continue
                for s in horizon.years:
                    if s <= year - d and (j, s) in column:
                        cols[column[(j, s)]] = cols.get(column[(j, s)], 0.0) - 1.0
                rows.append((cols, -np.inf, 0.0))
    matrix = lil_matrix((len(rows), len(variables)))
    lower, upper = np.empty(len(rows)), np.empty(len(rows))
    for r, (cols, low, high) in enumerate(rows):
        for k, coefficient in cols.items():
            matrix[r, k] = coefficient
        lower[r], upper[r] = low, high
    with _stdout_to_stderr():
        result = milp(
            c=-values / scale if objective else np.zeros(len(variables)),
            constraints=LinearConstraint(matrix.tocsr(), lower, upper),
            integrality=np.ones(len(variables), dtype=np.int8),
            bounds=Bounds(np.zeros(len(variables)), np.ones(len(variables))),
            options={"mip_rel_gap": 0.0, "time_limit": max(time_limit, 0.01)},
        )
    if result.status == 2:
        return None, "infeasible", None
    if result.x is None:
        return None, "stopped", None
    starts = {variables[k][0]: variables[k][1] for k in np.flatnonzero(result.x > 0.5).tolist()}
    gap = getattr(result, "mip_gap", None)
    return (
        starts,
        ("optimal" if result.status == 0 else "stopped"),
        (float(gap) if gap is not None else None),
    )


def _dependants(code: str, by_code: Mapping[str, RoadmapItem], planned: Iterable[str]) -> set[str]:
    found = {code}
    changed = True
    while changed:
        changed = False
        for other in planned:
            if other not in found and any(j in found for j in by_code[other].requires):
                found.add(other)
                changed = True
    return found


def _repair(
    proposal: Mapping[str, int],
    items: Sequence[RoadmapItem],
    by_code: Mapping[str, RoadmapItem],
    horizon: Horizon,
) -> dict[str, int]:
    """Make the solver's proposal obey every rule exactly, then fill what still fits."""
    starts = dict(proposal)
    frames = [_ore_down(b) for b in horizon.budgets]
    while True:
        used = _ore_spend(starts, by_code, horizon)
        over = [y for y, (u, f) in enumerate(zip(used, frames, strict=True)) if u > f]
        broken = [
            c
            for c, s in starts.items()
            if any(
                j not in starts or starts[j] + by_code[j].duration_years > s
                for j in by_code[c].requires
            )
        ]
        if not over and not broken:
            break
        if broken:
            victims = broken
        else:
            year = over[0] + horizon.first_year
            spenders = [
                c
                for c, s in starts.items()
                if by_code[c].forced != FORCED_IN and by_code[c].investment(year - s)
            ]
            if not spenders:
                break  # only forced-in spending left: the caller's exact check decides
            victims = [
                min(spenders, key=lambda c: (by_code[c].value_at(starts[c], horizon.first_year), c))
            ]
        for victim in victims:
            for code in _dependants(victim, by_code, list(starts)):
                starts.pop(code, None)
    used = _ore_spend(starts, by_code, horizon)
    for item in sorted(items, key=lambda i: (-i.npv, i.code)):
        if item.code in starts or not (item.forced is None and item.ready and item.npv > 0):
            continue
        before, before_used = dict(starts), list(used)
        # Pulling in prerequisites can cost more value than the initiative brings.
        if _place(item.code, starts, used, by_code, horizon, frames) and _value(
            starts, by_code, horizon
        ) <= _value(before, by_code, horizon):
            starts, used = before, before_used
    return _prune(starts, by_code, horizon)


def _value(
    starts: Mapping[str, int], by_code: Mapping[str, RoadmapItem], horizon: Horizon
) -> Decimal:
    return _sum(by_code[c].value_at(s, horizon.first_year) for c, s in starts.items())


def _prune(
    starts: dict[str, int], by_code: Mapping[str, RoadmapItem], horizon: Horizon
) -> dict[str, int]:
    """Leave out what adds no value: an initiative not forced in, worth ≤ 0 where it starts,
    that nothing planned requires (the solver may keep such a one at no cost to its
    objective). Leaving it out never breaks a rule and never lowers the value."""
    changed = True
    while changed:
        changed = False
        needed = {j for c in starts for j in by_code[c].requires}
        for code in sorted(starts):
            item = by_code[code]
            if (
                code not in needed
                and item.forced != FORCED_IN
                and item.value_at(starts[code], horizon.first_year) <= 0
            ):
                del starts[code]
                changed = True
    return starts


# --- When the forced-in set is impossible --------------------------------------------------------


def _forced_conflicts(
    items: Sequence[RoadmapItem], horizon: Horizon, by_code: Mapping[str, RoadmapItem]
) -> tuple[Conflict, ...]:
    """Conflicts visible without the frames: a prerequisite that can never be planned, or a
    chain of prerequisites that pushes the investment out of the plan."""
    found: list[Conflict] = []
    for item in items:
        if item.forced != FORCED_IN:
            continue
        if blocked := _blocked_prerequisite(item.code, by_code):
            found.append(Conflict(CONFLICT_PREREQUISITE, item.code, blocked[0], blocked[1]))
            continue
        earliest = _earliest(item.code, by_code, horizon.first_year)
        if not [s for s in _starts(item, horizon) if s >= earliest]:
            found.append(Conflict(CONFLICT_HORIZON, item.code, reason="horizon"))
    return tuple(found)


def _infeasible(
    items: Sequence[RoadmapItem],
    horizon: Horizon,
    by_code: Mapping[str, RoadmapItem],
    method: str = "optimal",
) -> Plan:
    """No plan: say why. Besides the conflicts without frames, name the years whose frame
    alone, if it were unlimited, would let the forced-in set in."""
    conflicts = list(_forced_conflicts(items, horizon, by_code))
    if not conflicts:
        variables = [
            (item.code, s)
            for item in sorted(items, key=lambda i: i.code)
            if item.forced == FORCED_IN
            or any(item.code in _closure(f.code, by_code) for f in items if f.forced == FORCED_IN)
            for s in _starts(item, horizon)
        ]
        years = tuple(
            year
            for year in horizon.years
            if _solve(
                variables,
                by_code,
                horizon,
                2.0,
                relax_years=frozenset({year}),
                objective=False,
            )[1]
            != "infeasible"
        )
        conflicts.append(Conflict(CONFLICT_BUDGET, None, years=years or tuple(horizon.years)))
    return Plan(
        {},
        ZERO,
        tuple(ZERO for _ in horizon.budgets),
        feasible=False,
        conflicts=tuple(conflicts),
        method=method,
    )


# --- Why not, and what the platforms cost the initiatives that need them -------------------------


def why_not(items: Sequence[RoadmapItem], horizon: Horizon, plan: Plan) -> list[Unplanned]:
    """Every initiative outside the plan with the first reason that applies."""
    by_code = _index(items)
    frames = [_ore_down(b) for b in horizon.budgets]
    used = _ore_spend(plan.starts, by_code, horizon)
    result: list[Unplanned] = []
    for item in items:
        if item.code in plan.starts:
            continue
        if item.forced == FORCED_OUT:
            result.append(Unplanned(item.code, FORCED_OUT_REASON))
        elif not _may_plan(item):
            result.append(Unplanned(item.code, NOT_READY))
        elif missing := tuple(j for j in item.requires if j not in plan.starts):
            result.append(Unplanned(item.code, PREREQUISITE_NOT_PLANNED, missing=missing))
        else:
            fits, extra = _fit(item, plan.starts, used, frames, by_code, horizon)
            if fits:
                result.append(Unplanned(item.code, NOT_WORTH_IT))
            else:
                year, amount = extra if extra else (None, None)
                result.append(Unplanned(item.code, DOES_NOT_FIT, year, amount))
    return result


def _fit(
    item: RoadmapItem,
    starts: Mapping[str, int],
    used: Sequence[int],
    frames: Sequence[int],
    by_code: Mapping[str, RoadmapItem],
    horizon: Horizon,
) -> tuple[bool, tuple[int, Decimal] | None]:
    """Whether the initiative fits beside the plan as it is; if not, the smallest extra frame
    in one year that would let it in (the budget's switching value for it)."""
    earliest = max(
        (starts[j] + by_code[j].duration_years for j in item.requires), default=horizon.first_year
    )
    best: tuple[int, int] | None = None
    for start in _starts(item, horizon):
        if start < earliest:
            continue
        offset = start - horizon.first_year
        short: dict[int, int] = {}
        for t, cost in enumerate(item.investments):
            if cost:
                over = used[offset + t] + _ore_up(cost) - frames[offset + t]
                if over > 0:
                    short[horizon.first_year + offset + t] = over
        if not short:
            return True, None
        if len(short) == 1:
            ((year, ore),) = short.items()
            if best is None or (ore, year) < (best[1], best[0]):
                best = (year, ore)
    if best is None:
        return False, None
    return False, (best[0], Decimal(best[1]).scaleb(-2))


def shared_costs(items: Sequence[RoadmapItem], plan: Plan) -> dict[str, dict[str, Decimal]]:
    """Each planned platform's investment apportioned to the planned initiatives that require
    it, in proportion to their NPV (equal shares when none is positive), to the öre: the
    shares of a platform add up to its cost exactly (largest remainders get the odd öre).

    Returns dependant → {platform → share}. Value and spend are not changed by this.
    """
    by_code = _index(items)
    result: dict[str, dict[str, Decimal]] = {}
    for platform in sorted(plan.starts):
        users = sorted(c for c in plan.starts if platform in by_code[c].requires)
        if not users:
            continue
        total = sum(_ore_up(a) for a in by_code[platform].investments if a)
        positive = {c: by_code[c].npv for c in users if by_code[c].npv > 0}
        weights = positive or {c: ONE for c in users}
        weight_sum = _sum(weights.values())
        exact = {
            c: _EXACT.divide(_EXACT.multiply(Decimal(total), w), weight_sum)
            for c, w in weights.items()
        }
        shares = {c: int(v.to_integral_value(rounding=ROUND_FLOOR)) for c, v in exact.items()}
        rest = total - sum(shares.values())
        for c in sorted(exact, key=lambda c: (-(exact[c] - shares[c]), c))[:rest]:
            shares[c] += 1
        for c in users:
            result.setdefault(c, {})[platform] = Decimal(shares.get(c, 0)).scaleb(-2)
    return result


def shared_by(items: Sequence[RoadmapItem], plan: Plan) -> dict[str, list[str]]:
    """Platform → the planned initiatives that require it."""
    by_code = _index(items)
    found: dict[str, list[str]] = {}
    for code in sorted(plan.starts):
        for j in by_code[code].requires:
            found.setdefault(j, []).append(code)
    return found
