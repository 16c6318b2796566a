"""The benefit model's arithmetic, as pure functions (no Django, no binary floating point).

Implements ``shared/reference/benefit-model.md`` exactly: the potential of each lever kind,
attribution share, realisation rate and ramp-up; per year the benefit, cost, net, cumulative
net and investment room; NPV, the present values of benefits and costs, BCR, ROI, payback
(interpolated), IRR; totals per lever and per stakeholder; and, for sensitivity, the tornado
series and the switching value of each lever.

Every amount is a ``decimal.Decimal``. The public functions compute in a local decimal context
of ``PRECISION`` significant digits (the caller's context is left alone); results keep that
precision and are rounded only for display by ``evaluation_to_json``:
money to 2 decimals, rates and ratios (``bcr``, ``roi``, ``irr``) and ``payback_years`` to 6
decimals, both ROUND_HALF_UP.

The model is described by frozen dataclasses (``BenefitModel``, ``Lever``, ``Cost``,
``ByScenario``); ``benefits.document`` parses and validates the JSON document into them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import (
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    Context,
    Decimal,
    DivisionByZero,
    InvalidOperation,
    Overflow,
    localcontext,
)
from functools import wraps
from itertools import pairwise
from typing import Any, ParamSpec, TypeVar

FORMAT = "klassa.benefit-model/1"
SCENARIOS = ("low", "medium", "high")
LEVER_KINDS = ("staff_time", "cost_base", "rate_change", "fixed_amount")
STAKEHOLDERS = ("internal", "external")
CATEGORIES = ("financial", "redistribution", "quality", "environment")
COST_KINDS = ("investment", "running")

# Per kind, the inputs of the potential in the document's order; every one may differ per
# scenario.
KIND_INPUTS: Mapping[str, tuple[str, ...]] = {
    "staff_time": ("staff_fte", "annual_cost_per_fte", "time_share", "reduction"),
    "cost_base": ("base_cost", "reduction"),
    "rate_change": ("population", "rate_before", "rate_after", "unit_cost"),
    "fixed_amount": ("amount",),
}
SCENARIO_INPUTS = tuple(dict.fromkeys(name for names in KIND_INPUTS.values() for name in names))
SHARE_INPUTS = frozenset({"time_share", "reduction", "rate_before", "rate_after"})  # 0..1
MONEY_INPUTS = frozenset({"annual_cost_per_fte", "base_cost", "unit_cost", "amount"})

PRECISION = 50
ZERO = Decimal(0)
ONE = Decimal(1)
DEFAULT_DISCOUNT_RATE = Decimal("0.03")
DEFAULT_ON_COST_FACTOR = Decimal("1.54")  # salary → full cost incl. employer contributions
MONEY_PLACES = Decimal("0.01")
RATE_PLACES = Decimal("0.000001")
IRR_LOW = Decimal("-0.99")
IRR_HIGH = Decimal(10)  # the first bracket's top (1 000 %); beyond it the bracket grows
IRR_CAP = Decimal(1_000_000)  # the bracket grows (doubling) up to 100 000 000 %
IRR_TOLERANCE = Decimal("1e-24")  # width of the final bisection bracket

_CONTEXT = Context(
    prec=PRECISION,
    rounding=ROUND_HALF_EVEN,
    traps=[InvalidOperation, DivisionByZero, Overflow],
)

P = ParamSpec("P")
R = TypeVar("R")


def _precise(func: Callable[P, R]) -> Callable[P, R]:
    """Run ``func`` in the module's decimal context, leaving the caller's context as it was."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        with localcontext(_CONTEXT):
            return func(*args, **kwargs)

    return wrapper


def to_decimal(value: Any) -> Decimal:
    """An exact Decimal from a Decimal, an int or a decimal string; anything else is refused
    (binary floating point never enters the calculation)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    if isinstance(value, str):
        return Decimal(value)
    raise TypeError(f"expected a Decimal, an int or a decimal string, not {type(value).__name__}")


# --- The model ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ByScenario:
    """A scenario-dependent input: one value per scenario."""

    low: Decimal
    medium: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        for scenario in SCENARIOS:
            object.__setattr__(self, scenario, to_decimal(getattr(self, scenario)))

    @classmethod
    def same(cls, value: Any) -> ByScenario:
        return cls(value, value, value)

    @classmethod
    def of(cls, value: Any) -> ByScenario:
        """``value`` as is, a mapping with low/medium/high, or one value for every scenario."""
        if isinstance(value, ByScenario):
            return value
        if isinstance(value, Mapping):
            return cls(value["low"], value["medium"], value["high"])
        return cls.same(value)

    def __getitem__(self, scenario: str) -> Decimal:
        if scenario not in SCENARIOS:
            raise KeyError(scenario)
        return getattr(self, scenario)

    @property
    def uniform(self) -> bool:
        return self.low == self.medium == self.high

    def map(self, func: Callable[[Decimal], Decimal]) -> ByScenario:
        return ByScenario(func(self.low), func(self.medium), func(self.high))


@dataclass(frozen=True)
class Lever:
    """One benefit lever. The inputs of its kind (``KIND_INPUTS``) are ``ByScenario`` values;
    a plain number or a low/medium/high mapping given here is converted. An empty ``ramp_up``
    means the full benefit in every year 1..H (the document's default: H ones)."""

    kind: str
    name: str
    stakeholder: str = "internal"
    category: str = "financial"
    attribution_share: Decimal = ONE
    realisation_rate: Decimal = ONE
    ramp_up: tuple[Decimal, ...] = ()
    staff_fte: ByScenario | None = None
    annual_cost_per_fte: ByScenario | None = None
    time_share: ByScenario | None = None
    reduction: ByScenario | None = None
    base_cost: ByScenario | None = None
    population: ByScenario | None = None
    rate_before: ByScenario | None = None
    rate_after: ByScenario | None = None
    unit_cost: ByScenario | None = None
    amount: ByScenario | None = None
    # The staff group whose time a staff_time lever claims ("rektorer"), so that claims of
    # several initiatives on the same people can be added up; empty: the lever's name.
    group: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KIND_INPUTS:
            raise ValueError(f"unknown lever kind {self.kind!r}")
        if self.group and self.kind != "staff_time":
            raise ValueError("only a staff_time lever has a group")
        for name in SCENARIO_INPUTS:
            value = getattr(self, name)
            if name in KIND_INPUTS[self.kind]:
                if value is None:
                    raise ValueError(f"a {self.kind} lever needs {name}")
                object.__setattr__(self, name, ByScenario.of(value))
            elif value is not None:
                raise ValueError(f"{name} is not an input of a {self.kind} lever")
        object.__setattr__(self, "attribution_share", to_decimal(self.attribution_share))
        object.__setattr__(self, "realisation_rate", to_decimal(self.realisation_rate))
        object.__setattr__(self, "ramp_up", tuple(to_decimal(v) for v in self.ramp_up))

    def inputs(self) -> dict[str, ByScenario]:
        """The inputs of the lever's potential, by field name."""
        return {name: getattr(self, name) for name in KIND_INPUTS[self.kind]}

    def ramp(self, year: int) -> Decimal:
        """The ramp-up factor of year 1..H."""
        return self.ramp_up[year - 1] if self.ramp_up else ONE


@dataclass(frozen=True)
class Cost:
    """A cost: either ``amounts`` for years 0..H, or ``annual_amount`` in each of years 1..H."""

    name: str
    kind: str
    amounts: tuple[Decimal, ...] = ()
    annual_amount: Decimal | None = None

    def __post_init__(self) -> None:
        if self.kind not in COST_KINDS:
            raise ValueError(f"unknown cost kind {self.kind!r}")
        if bool(self.amounts) == (self.annual_amount is not None):
            raise ValueError("a cost has either amounts or an annual amount")
        object.__setattr__(self, "amounts", tuple(to_decimal(v) for v in self.amounts))
        if self.annual_amount is not None:
            object.__setattr__(self, "annual_amount", to_decimal(self.annual_amount))

    def amount(self, year: int) -> Decimal:
        if self.annual_amount is not None:
            return self.annual_amount if year >= 1 else ZERO
        return self.amounts[year] if year < len(self.amounts) else ZERO


@dataclass(frozen=True)
class BenefitModel:
    name: str
    horizon_years: int
    levers: tuple[Lever, ...] = ()
    costs: tuple[Cost, ...] = ()
    discount_rate: Decimal = DEFAULT_DISCOUNT_RATE
    currency: str = "SEK"

    def __post_init__(self) -> None:
        object.__setattr__(self, "levers", tuple(self.levers))
        object.__setattr__(self, "costs", tuple(self.costs))
        object.__setattr__(self, "discount_rate", to_decimal(self.discount_rate))

    @property
    def years(self) -> range:
        """Years 0..H (0 is "now")."""
        return range(self.horizon_years + 1)


# --- Results -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearRow:
    year: int
    benefit: Decimal
    cost: Decimal
    net: Decimal
    cumulative_net: Decimal
    investment_room: Decimal


@dataclass(frozen=True)
class LeverTotal:
    name: str
    stakeholder: str
    category: str
    potential: Decimal  # per year, before attribution, realisation and ramp-up
    total_benefit: Decimal  # Σ over years 1..H


@dataclass(frozen=True)
class ScenarioResult:
    scenario: str
    years: tuple[YearRow, ...]
    total_benefit: Decimal
    total_cost: Decimal
    internal_benefit: Decimal
    external_benefit: Decimal
    npv: Decimal
    pv_benefit: Decimal
    pv_cost: Decimal
    bcr: Decimal | None
    roi: Decimal | None
    payback_years: Decimal | None
    irr: Decimal | None
    levers: tuple[LeverTotal, ...]

    @property
    def investment_room(self) -> tuple[Decimal, ...]:
        """Investment room of years 1..H."""
        return tuple(row.investment_room for row in self.years[1:])


@dataclass(frozen=True)
class Evaluation:
    low: ScenarioResult
    medium: ScenarioResult
    high: ScenarioResult

    def __getitem__(self, scenario: str) -> ScenarioResult:
        if scenario not in SCENARIOS:
            raise KeyError(scenario)
        return getattr(self, scenario)

    def __iter__(self) -> Iterator[ScenarioResult]:
        return iter((self.low, self.medium, self.high))


# --- Formulas ----------------------------------------------------------------------------------


@_precise
def potential(lever: Lever, scenario: str) -> Decimal:
    """The lever's potential per year in ``scenario``, before attribution and realisation."""
    # The ignores: the inputs of the lever's kind are never None (__post_init__ refuses a lever
    # without them), which the one dataclass for every kind cannot say to the type checker.
    if lever.kind == "staff_time":
        return (
            lever.staff_fte[scenario]  # type: ignore[index]
            * lever.annual_cost_per_fte[scenario]  # type: ignore[index]
            * lever.time_share[scenario]  # type: ignore[index]
            * lever.reduction[scenario]  # type: ignore[index]
        )
    if lever.kind == "cost_base":
        return lever.base_cost[scenario] * lever.reduction[scenario]  # type: ignore[index]
    if lever.kind == "rate_change":
        return (
            lever.population[scenario]  # type: ignore[index]
            * (lever.rate_before[scenario] - lever.rate_after[scenario])  # type: ignore[index]
            * lever.unit_cost[scenario]  # type: ignore[index]
        )
    return lever.amount[scenario]  # type: ignore[index]


@_precise
def lever_benefits(lever: Lever, scenario: str, horizon_years: int) -> list[Decimal]:
    """The lever's benefit in years 0..H: potential × attribution × realisation × ramp-up;
    nothing in year 0."""
    yearly = potential(lever, scenario) * lever.attribution_share * lever.realisation_rate
    return [ZERO] + [yearly * lever.ramp(year) for year in range(1, horizon_years + 1)]


@_precise
def present_value(flows: Sequence[Decimal], rate: Decimal) -> Decimal:
    """Σ flows[t] / (1 + rate)^t over t = 0..len − 1 (npv when the flows are the nets)."""
    total = ZERO
    factor = ONE
    growth = ONE + rate
    for flow in flows:
        total += flow / factor
        factor *= growth
    return total


npv = present_value


@_precise
def payback_years(nets: Sequence[Decimal]) -> Decimal | None:
    """0 when the cumulative net of year 0 is ≥ 0; else the first year k whose cumulative net
    is ≥ 0 gives (k − 1) + |cumulative_net_{k−1}| / net_k; None when it never pays back."""
    cumulative = ZERO
    for year, net in enumerate(nets):
        before = cumulative
        cumulative += net
        if cumulative >= 0:
            if year == 0:
                return ZERO
            return Decimal(year - 1) + abs(before) / net
    return None


def sign_changes(flows: Sequence[Decimal]) -> int:
    """How often the sign changes along ``flows``, zeros ignored."""
    signs = [flow > 0 for flow in flows if flow != 0]
    return sum(1 for a, b in pairwise(signs) if a != b)


@_precise
def irr(flows: Sequence[Decimal]) -> Decimal | None:
    """The rate at which the present value of ``flows`` is 0, when the flows change sign
    exactly once (then there is exactly one such rate above −1). Found by bisection within
    [IRR_LOW, IRR_HIGH] to IRR_TOLERANCE; when the rate lies above IRR_HIGH the bracket's top
    doubles until the present value changes sign (up to IRR_CAP) and the bisection keeps the
    same number of significant digits. None when the sign changes no or several times, or the
    rate lies below IRR_LOW or above IRR_CAP."""
    if sign_changes(flows) != 1:
        return None
    low, high = IRR_LOW, IRR_HIGH
    value_low, value_high = present_value(flows, low), present_value(flows, high)
    if value_low == 0:
        return low
    tolerance = IRR_TOLERANCE
    first = next(flow for flow in flows if flow != 0)
    if (value_low > 0) == (value_high > 0) == (first > 0) and value_high != 0:
        # Both ends already have the sign of an infinite rate: the root lies below IRR_LOW.
        return None
    while value_high != 0 and (value_low > 0) == (value_high > 0):
        # With one sign change there is one root: above `high` when the sign has not changed.
        if high >= IRR_CAP:
            return None
        low, value_low = high, value_high
        high = min(high * 2, IRR_CAP)
        value_high = present_value(flows, high)
        tolerance = IRR_TOLERANCE * high
    if value_high == 0:
        return high
    while high - low > tolerance:
        middle = (low + high) / 2
        value = present_value(flows, middle)
        if value == 0:
            return middle
        if (value > 0) == (value_low > 0):
            low, value_low = middle, value
        else:
            high = middle
    return (low + high) / 2


def _plain(value: Decimal) -> Decimal:
    """Zero as plain 0 (a quotient 0 / x would carry x's exponent, e.g. 0E+52)."""
    return value if value != 0 else ZERO


@_precise
def evaluate_scenario(model: BenefitModel, scenario: str) -> ScenarioResult:
    """Every figure of ``benefit-model.md`` for one scenario, at full precision."""
    horizon = model.horizon_years
    per_lever = [lever_benefits(lever, scenario, horizon) for lever in model.levers]
    benefits = [sum((flows[t] for flows in per_lever), ZERO) for t in model.years]
    costs = [sum((cost.amount(t) for cost in model.costs), ZERO) for t in model.years]
    nets = [b - c for b, c in zip(benefits, costs, strict=True)]

    rows = []
    cumulative = room = ZERO
    for t in model.years:
        cumulative += nets[t]
        if t >= 1:
            room += benefits[t]
        rows.append(YearRow(t, benefits[t], costs[t], nets[t], cumulative, room))

    lever_totals = tuple(
        LeverTotal(
            lever.name,
            lever.stakeholder,
            lever.category,
            potential(lever, scenario),
            sum(flows, ZERO),
        )
        for lever, flows in zip(model.levers, per_lever, strict=True)
    )
    total_benefit, total_cost = sum(benefits, ZERO), sum(costs, ZERO)
    pv_benefit = present_value(benefits, model.discount_rate)
    pv_cost = present_value(costs, model.discount_rate)
    return ScenarioResult(
        scenario=scenario,
        years=tuple(rows),
        total_benefit=total_benefit,
        total_cost=total_cost,
        internal_benefit=sum(
            (t.total_benefit for t in lever_totals if t.stakeholder == "internal"), ZERO
        ),
        external_benefit=sum(
            (t.total_benefit for t in lever_totals if t.stakeholder == "external"), ZERO
        ),
        npv=present_value(nets, model.discount_rate),
        pv_benefit=pv_benefit,
        pv_cost=pv_cost,
        bcr=_plain(pv_benefit / pv_cost) if pv_cost != 0 else None,
        roi=_plain((total_benefit - total_cost) / total_cost) if total_cost != 0 else None,
        payback_years=payback_years(nets),
        irr=irr(nets),
        levers=lever_totals,
    )


def evaluate(model: BenefitModel) -> Evaluation:
    """The three scenarios."""
    return Evaluation(*(evaluate_scenario(model, scenario) for scenario in SCENARIOS))


# --- Output ------------------------------------------------------------------------------------


def _text(value: Decimal | None, places: Decimal) -> str | None:
    if value is None:
        return None
    with localcontext(_CONTEXT):
        rounded = value.quantize(places, rounding=ROUND_HALF_UP)
    return format(rounded.copy_abs() if rounded == 0 else rounded, "f")  # never "-0.00"


def money_text(value: Decimal | None) -> str | None:
    """A money amount for the JSON results: 2 decimals, half up, plain
    ("779730.50"). Programs read it back, so it is not ``klassa_app.formatting.money``
    (grouped, in the reader's language, whole kronor)."""
    return _text(value, MONEY_PLACES)


def rate_text(value: Decimal | None) -> str | None:
    """A rate, ratio or number of years for display: 6 decimals, half up."""
    return _text(value, RATE_PLACES)


def scenario_to_json(result: ScenarioResult) -> dict[str, Any]:
    return {
        "years": [
            {
                "year": row.year,
                "benefit": money_text(row.benefit),
                "cost": money_text(row.cost),
                "net": money_text(row.net),
                "cumulative_net": money_text(row.cumulative_net),
                "investment_room": money_text(row.investment_room),
            }
            for row in result.years
        ],
        "total_benefit": money_text(result.total_benefit),
        "total_cost": money_text(result.total_cost),
        "internal_benefit": money_text(result.internal_benefit),
        "external_benefit": money_text(result.external_benefit),
        "npv": money_text(result.npv),
        "pv_benefit": money_text(result.pv_benefit),
        "pv_cost": money_text(result.pv_cost),
        "bcr": rate_text(result.bcr),
        "roi": rate_text(result.roi),
        "payback_years": rate_text(result.payback_years),
        "irr": rate_text(result.irr),
        "levers": [
            {
                "name": lever.name,
                "stakeholder": lever.stakeholder,
                "category": lever.category,
                "potential": money_text(lever.potential),
                "total_benefit": money_text(lever.total_benefit),
            }
            for lever in result.levers
        ],
    }


def evaluation_to_json(evaluation: Evaluation) -> dict[str, Any]:
    """The evaluation output of ``benefit-model.md``: decimal strings (money with 2 decimals;
    ``bcr``, ``roi``, ``irr`` and ``payback_years`` with 6), ``None`` for absent values; per
    scenario also ``levers``: name, stakeholder, category, annual potential and total benefit."""
    return {
        "scenarios": {result.scenario: scenario_to_json(result) for result in evaluation},
    }


# --- Sensitivity -------------------------------------------------------------------------------


def _scaled_lever(lever: Lever, name: str, factor: Decimal) -> Lever:
    """The lever with one input × factor; shares and rates stay within 0..1."""
    clamp = name in SHARE_INPUTS or name in {"attribution_share", "realisation_rate"}

    def scale(value: Decimal) -> Decimal:
        scaled = value * factor
        return min(scaled, ONE) if clamp else scaled

    value = getattr(lever, name)
    # The input is named at run time, so its field's type is only known then.
    change: dict[str, Any] = {
        name: value.map(scale) if isinstance(value, ByScenario) else scale(value)
    }
    return replace(lever, **change)


def _scaled_cost(cost: Cost, factor: Decimal) -> Cost:
    if cost.annual_amount is not None:
        return replace(cost, annual_amount=cost.annual_amount * factor)
    return replace(cost, amounts=tuple(amount * factor for amount in cost.amounts))


def _variants(model: BenefitModel) -> Iterator[tuple[str, str, Callable[[Decimal], BenefitModel]]]:
    """(input path, label, factor → model with that input × factor) for every numeric input."""
    for i, lever in enumerate(model.levers):
        for name in (*KIND_INPUTS[lever.kind], "attribution_share", "realisation_rate"):

            def build(factor: Decimal, i: int = i, name: str = name) -> BenefitModel:
                levers = list(model.levers)
                levers[i] = _scaled_lever(levers[i], name, factor)
                return replace(model, levers=tuple(levers))

            yield f"levers[{i}].{name}", f"{lever.name}: {name}", build
    for j, cost in enumerate(model.costs):

        def build_cost(factor: Decimal, j: int = j) -> BenefitModel:
            costs = list(model.costs)
            costs[j] = _scaled_cost(costs[j], factor)
            return replace(model, costs=tuple(costs))

        yield f"costs[{j}]", cost.name, build_cost

    def build_rate(factor: Decimal) -> BenefitModel:
        return replace(model, discount_rate=min(model.discount_rate * factor, ONE))

    yield "discount_rate", "discount rate", build_rate


@_precise
def tornado(
    model: BenefitModel, scenario: str = "medium", delta: Decimal = Decimal("0.2")
) -> list[dict[str, Any]]:
    """The tornado series: each numeric input — every input of every lever (including its
    attribution share and realisation rate), every cost (all its amounts) and the discount
    rate — × (1 − delta) and × (1 + delta), one at a time, with the NPV of ``scenario`` each
    gives. Shares and rates are capped at 1 (a realisation rate of 120 % does not exist), so
    their bar may be one-sided. Sorted by swing = |high_npv − low_npv|, largest first (ties
    keep the document's order). Values are full-precision Decimals."""
    delta = to_decimal(delta)
    rows: list[dict[str, Any]] = []
    for path, label, build in _variants(model):
        low_npv = evaluate_scenario(build(ONE - delta), scenario).npv
        high_npv = evaluate_scenario(build(ONE + delta), scenario).npv
        rows.append(
            {
                "input": path,
                "label": label,
                "low_npv": low_npv,
                "high_npv": high_npv,
                "swing": abs(high_npv - low_npv),
            }
        )
    rows.sort(key=lambda row: row["swing"], reverse=True)
    return rows


@_precise
def switching_values(model: BenefitModel, scenario: str = "medium") -> dict[str, Decimal | None]:
    """Per lever name, the factor k on that lever's benefit (every year) at which the NPV of
    ``scenario`` becomes 0, all else equal: k = 1 − npv / pv_lever, where pv_lever is the
    present value of the lever's benefits. k × the lever's potential is its annual potential
    at the break-even point. k < 1: the lever may fall short by (1 − k) before the model stops
    paying; k > 1: it must deliver k times the estimate; k < 0: the NPV stays positive even
    without the lever. None when the lever's benefit is 0 (the NPV does not depend on it).
    Lever names are unique in a valid document."""
    result = evaluate_scenario(model, scenario)
    values: dict[str, Decimal | None] = {}
    for lever in model.levers:
        pv_lever = present_value(
            lever_benefits(lever, scenario, model.horizon_years), model.discount_rate
        )
        values[lever.name] = ONE - result.npv / pv_lever if pv_lever != 0 else None
    return values


@_precise
def annual_cost_per_fte(
    monthly_salary: Any, on_cost_factor: Any = DEFAULT_ON_COST_FACTOR
) -> Decimal:
    """The full annual cost of one full-time equivalent: monthly salary × 12 × on-cost factor
    (default 1.54, employer contributions included)."""
    return to_decimal(monthly_salary) * 12 * to_decimal(on_cost_factor)
