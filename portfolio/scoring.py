"""Priority scores of initiatives: a configurable weighted model, and WSJF as an alternative.

Pure maths (no Django), ``decimal.Decimal`` throughout.

Weighted model. Each criterion's raw value is put on a 0–1 scale where 1 is "more of it":

- ``npv_per_krona``: NPV / investment cost, min-max across the portfolio (all equal → 1; a
  negative NPV is allowed and lands low). Cost 0 with NPV > 0 is the best there is (1), cost
  0 with NPV ≤ 0 is nothing gained (0); both are left out of the min and max.
- ``strategic_fit`` and ``time_criticality``: 1–5 → (v − 1) / 4.
- ``classification_risk``: the initiative's highest final classification level on its scale
  0..top → level / top. Its default direction is ``lower``: a higher level means more risk
  (more demanding protection, possibly protective security), so it LOWERS the score.
- ``action_plan_fulfilment``: the share 0–1 of the action plan done, as it is.

With direction ``lower`` the normalised value is 1 − that. A missing value contributes 0
and is listed in ``missing``. The weights are shown as shares (weight / Σ weights);
contribution = share × normalised, rounded to ``PLACES``; score = Σ contributions (0–1), so
the contributions add up to the score exactly and multiplying every weight by the same
factor changes nothing. Rank: score descending, then NPV descending, then code.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Context, Decimal

NPV_PER_KRONA = "npv_per_krona"
STRATEGIC_FIT = "strategic_fit"
TIME_CRITICALITY = "time_criticality"
CLASSIFICATION_RISK = "classification_risk"
ACTION_PLAN_FULFILMENT = "action_plan_fulfilment"
CRITERIA = (
    NPV_PER_KRONA,
    STRATEGIC_FIT,
    TIME_CRITICALITY,
    CLASSIFICATION_RISK,
    ACTION_PLAN_FULFILMENT,
)
HIGHER = "higher"  # more of the raw value → higher score
LOWER = "lower"
DIRECTIONS = (HIGHER, LOWER)

ZERO = Decimal(0)
ONE = Decimal(1)
PLACES = Decimal("1e-12")
SCALE_LOW, SCALE_HIGH = 1, 5  # strategic fit and time criticality
WSJF_LOW, WSJF_HIGH = Decimal(1), Decimal(10)

_CONTEXT = Context(prec=50, rounding=ROUND_HALF_EVEN)

DEFAULT_WEIGHTS: Mapping[str, Decimal] = {
    NPV_PER_KRONA: Decimal("0.35"),
    STRATEGIC_FIT: Decimal("0.25"),
    TIME_CRITICALITY: Decimal("0.15"),
    CLASSIFICATION_RISK: Decimal("0.10"),
    ACTION_PLAN_FULFILMENT: Decimal("0.15"),
}
DEFAULT_DIRECTIONS: Mapping[str, str] = {key: HIGHER for key in CRITERIA} | {
    CLASSIFICATION_RISK: LOWER
}


def _decimal(value: Decimal | int | str, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, Decimal | int | str):
        raise TypeError(f"{name} must be a Decimal, int or str, not {type(value).__name__}")
    result = Decimal(value)
    if not result.is_finite():
        raise ValueError(f"{name} must be finite")
    return result


@dataclass(frozen=True)
class Criterion:
    key: str  # one of CRITERIA
    weight: Decimal  # ≥ 0
    direction: str = HIGHER

    def __post_init__(self) -> None:
        if self.key not in CRITERIA:
            raise ValueError(f"unknown criterion {self.key!r}")
        object.__setattr__(self, "weight", _decimal(self.weight, self.key))
        if self.weight < 0:
            raise ValueError(f"{self.key}: weight must be ≥ 0")
        if self.direction not in DIRECTIONS:
            raise ValueError(f"{self.key}: direction must be 'higher' or 'lower'")


@dataclass(frozen=True)
class ScoringModel:
    criteria: tuple[Criterion, ...]

    def __post_init__(self) -> None:
        keys = [c.key for c in self.criteria]
        if len(set(keys)) != len(keys):
            raise ValueError("each criterion at most once")
        if not any(c.weight > 0 for c in self.criteria):
            raise ValueError("at least one criterion needs a weight above 0")

    @classmethod
    def from_weights(
        cls, weights: Mapping[str, Decimal], directions: Mapping[str, str] | None = None
    ) -> ScoringModel:
        directions = {**DEFAULT_DIRECTIONS, **(directions or {})}
        return cls(tuple(Criterion(k, w, directions[k]) for k, w in weights.items()))

    def shares(self) -> dict[str, Decimal]:
        """Each weight as a share of the total (what the ranking page shows)."""
        total = sum((c.weight for c in self.criteria), ZERO)
        return {c.key: _CONTEXT.divide(c.weight, total) for c in self.criteria}


DEFAULT_MODEL = ScoringModel.from_weights(DEFAULT_WEIGHTS)


@dataclass(frozen=True)
class ScoringInput:
    code: str
    npv: Decimal | None = None
    investment_cost: Decimal | None = None
    strategic_fit: int | None = None  # 1–5
    time_criticality: int | None = None  # 1–5
    classification_level: int | None = None  # highest final level, 0..classification_top
    classification_top: int | None = None  # the top ordinal of the organisation's scale
    action_plan_fulfilment: Decimal | None = None  # 0–1
    duration_weeks: int | None = None  # for WSJF's job size, when known

    def __post_init__(self) -> None:
        for name in ("npv", "investment_cost", "action_plan_fulfilment"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _decimal(value, name))
        if self.investment_cost is not None and self.investment_cost < 0:
            raise ValueError(f"{self.code}: investment cost must be ≥ 0")
        for name in ("strategic_fit", "time_criticality"):
            value = getattr(self, name)
            if value is not None and not SCALE_LOW <= value <= SCALE_HIGH:
                raise ValueError(f"{self.code}: {name} must be 1–5")
        if self.classification_level is not None and not (
            self.classification_top is not None
            and self.classification_top > 0
            and 0 <= self.classification_level <= self.classification_top
        ):
            raise ValueError(f"{self.code}: classification level must be 0..top (top > 0)")
        fulfilment = self.action_plan_fulfilment
        if fulfilment is not None and not ZERO <= fulfilment <= ONE:
            raise ValueError(f"{self.code}: action plan fulfilment must be 0–1")
        if self.duration_weeks is not None and self.duration_weeks <= 0:
            raise ValueError(f"{self.code}: duration must be > 0 weeks")


@dataclass(frozen=True)
class ScoredInitiative:
    code: str
    rank: int  # 1 = first
    score: Decimal  # 0–1, Σ contributions
    contributions: dict[str, Decimal] = field(hash=False)  # share × normalised, per criterion
    normalised: dict[str, Decimal | None] = field(hash=False)  # 0–1 after direction; None missing
    missing: tuple[str, ...] = ()  # criteria without a value (contributing 0)


# --- Normalisation -------------------------------------------------------------------------------


def _npv_per_krona(items: Sequence[ScoringInput]) -> list[Decimal | None]:
    """Min-max of NPV / cost; cost 0 is best with NPV > 0 and worthless otherwise."""
    ratios: list[Decimal | None] = []
    for item in items:
        if item.npv is None or item.investment_cost is None or item.investment_cost == 0:
            ratios.append(None)
        else:
            ratios.append(_CONTEXT.divide(item.npv, item.investment_cost))
    finite = [r for r in ratios if r is not None]
    low, high = (min(finite), max(finite)) if finite else (ZERO, ZERO)
    result: list[Decimal | None] = []
    for item, ratio in zip(items, ratios, strict=True):
        if item.npv is None or item.investment_cost is None:
            result.append(None)
        elif ratio is None:  # free of charge
            result.append(ONE if item.npv > 0 else ZERO)
        elif high == low:
            result.append(ONE)
        else:
            result.append(_CONTEXT.divide(ratio - low, high - low))
    return result


def _one_to_five(value: int | None) -> Decimal | None:
    return None if value is None else Decimal(value - SCALE_LOW) / (SCALE_HIGH - SCALE_LOW)


def _classification(item: ScoringInput) -> Decimal | None:
    if item.classification_level is None or item.classification_top is None:
        return None
    return _CONTEXT.divide(Decimal(item.classification_level), Decimal(item.classification_top))


def normalised_values(items: Sequence[ScoringInput]) -> list[dict[str, Decimal | None]]:
    """Each criterion on 0–1 with 1 = more of the raw value (before the direction)."""
    per_krona = _npv_per_krona(items)
    return [
        {
            NPV_PER_KRONA: per_krona[i],
            STRATEGIC_FIT: _one_to_five(item.strategic_fit),
            TIME_CRITICALITY: _one_to_five(item.time_criticality),
            CLASSIFICATION_RISK: _classification(item),
            ACTION_PLAN_FULFILMENT: item.action_plan_fulfilment,
        }
        for i, item in enumerate(items)
    ]


def _rank_key(npv: Decimal | None, code: str, score: Decimal) -> tuple:
    # Unknown NPV ranks after any known one among equal scores.
    return (-score, npv is None, -(npv or ZERO), code)


def score_portfolio(
    items: Sequence[ScoringInput], model: ScoringModel = DEFAULT_MODEL
) -> list[ScoredInitiative]:
    """Score and rank the initiatives; the list is in rank order."""
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError("codes must be unique")
    shares = model.shares()
    scored = []
    for item, raw in zip(items, normalised_values(items), strict=True):
        normalised: dict[str, Decimal | None] = {}
        contributions: dict[str, Decimal] = {}
        for criterion in model.criteria:
            value = raw[criterion.key]
            if value is not None and criterion.direction == LOWER:
                value = ONE - value
            normalised[criterion.key] = value
            contribution = (
                ZERO if value is None else _CONTEXT.multiply(shares[criterion.key], value)
            )
            contributions[criterion.key] = contribution.quantize(PLACES, context=_CONTEXT)
        score = sum(contributions.values(), ZERO)
        missing = tuple(k for k, v in normalised.items() if v is None)
        scored.append((item, score, contributions, normalised, missing))
    scored.sort(key=lambda row: _rank_key(row[0].npv, row[0].code, row[1]))
    return [
        ScoredInitiative(item.code, rank, score, contributions, normalised, missing)
        for rank, (item, score, contributions, normalised, missing) in enumerate(scored, 1)
    ]


# --- WSJF ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class WsjfResult:
    code: str
    rank: int
    user_value: Decimal  # 1–10
    time_criticality: Decimal  # 1–10
    risk_opportunity: Decimal  # 1–10
    cost_of_delay: Decimal  # 3–30
    job_size: Decimal  # weeks, or 1–10 from the investment cost
    job_size_basis: str  # "duration_weeks" | "investment_cost"
    wsjf: Decimal
    missing: tuple[str, ...] = ()


def _to_one_ten(share: Decimal) -> Decimal:
    return WSJF_LOW + (WSJF_HIGH - WSJF_LOW) * share


def _min_max(values: Sequence[Decimal | None], equal: Decimal) -> list[Decimal | None]:
    known = [v for v in values if v is not None]
    if not known:
        return [None] * len(values)
    low, high = min(known), max(known)
    return [
        None if v is None else equal if high == low else _CONTEXT.divide(v - low, high - low)
        for v in values
    ]


def wsjf_ranking(items: Sequence[ScoringInput]) -> list[WsjfResult]:
    """Weighted shortest job first, in rank order (highest WSJF first).

    WSJF = cost of delay / job size, where
    cost of delay = user value + time criticality + risk reduction/opportunity, each 1–10:

    - user value: NPV min-max across the portfolio mapped to 1–10 (all equal → 10);
    - time criticality: 1–5 mapped linearly to 1–10 (1 + (v − 1) · 9/4);
    - risk reduction/opportunity enablement: strategic fit 1–5 mapped the same way;
    - job size: the duration in weeks when every initiative has one (comparable units),
      otherwise the investment cost min-max mapped to 1–10 (all equal → 1).

    A missing input counts as 1 (the lowest) and is listed in ``missing``. Ties are broken
    by NPV descending, then code.
    """
    codes = [item.code for item in items]
    if len(set(codes)) != len(codes):
        raise ValueError("codes must be unique")
    by_weeks = bool(items) and all(item.duration_weeks is not None for item in items)
    basis = "duration_weeks" if by_weeks else "investment_cost"
    value_shares = _min_max([item.npv for item in items], equal=ONE)
    cost_shares = _min_max([item.investment_cost for item in items], equal=ZERO)
    rows = []
    for item, value_share, cost_share in zip(items, value_shares, cost_shares, strict=True):
        missing: list[str] = []

        def one_ten(share: Decimal | None, name: str, missing: list[str] = missing) -> Decimal:
            if share is None:
                missing.append(name)
                return WSJF_LOW
            return _to_one_ten(share)

        user_value = one_ten(value_share, "npv")
        time = one_ten(_one_to_five(item.time_criticality), TIME_CRITICALITY)
        risk = one_ten(_one_to_five(item.strategic_fit), STRATEGIC_FIT)
        if by_weeks:
            job_size = Decimal(item.duration_weeks or 1)
        else:
            job_size = one_ten(cost_share, "investment_cost")
        cost_of_delay = user_value + time + risk
        wsjf = _CONTEXT.divide(cost_of_delay, job_size).quantize(PLACES, context=_CONTEXT)
        rows.append((item, user_value, time, risk, cost_of_delay, job_size, wsjf, tuple(missing)))
    rows.sort(key=lambda row: _rank_key(row[0].npv, row[0].code, row[6]))
    return [
        WsjfResult(item.code, rank, uv, tc, ro, cod, size, basis, wsjf, missing)
        for rank, (item, uv, tc, ro, cod, size, wsjf, missing) in enumerate(rows, 1)
    ]
