"""Benefit tracking rules: realisation and red/amber/green status (pure, no Django).

Realisation compares what was measured with what was promised. For an indicator where more is
better (kronor saved) it is ``actual / target``; where less is better (hours of administration)
it is the improvement achieved relative to the improvement promised,
``(baseline − actual) / (baseline − target)``. Cumulative realisation to date adds up the
years that have an actual.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

# A benefit at 90 % of its target is on track: estimates of freed time and savings are rarely
# more precise than ±10 %, so asking for more would flag noise. Below 70 % the shortfall is
# larger than the uncertainty of the estimate and needs action from the benefit owner; in
# between it is worth watching. (The usual thresholds of benefit-realisation practice.)
GREEN_THRESHOLD = Decimal("0.9")
AMBER_THRESHOLD = Decimal("0.7")

GREEN = "green"
AMBER = "amber"
RED = "red"
NOT_MEASURED = "not_measured"
STATUSES = (RED, AMBER, NOT_MEASURED, GREEN)  # worst first
SEVERITY = {status: rank for rank, status in enumerate(STATUSES)}


def _ratio(achieved: Decimal, promised: Decimal) -> Decimal:
    if promised == 0:
        # Nothing was promised: met unless the indicator moved the wrong way.
        return Decimal(1) if achieved >= 0 else Decimal(0)
    return achieved / promised


def realisation(
    target: Decimal,
    actual: Decimal | None,
    *,
    baseline: Decimal | None = None,
    lower_is_better: bool = False,
) -> Decimal | None:
    """The share of the target realised; None when nothing is measured yet (or, for a
    lower-is-better indicator, without a baseline to measure the improvement from)."""
    if actual is None:
        return None
    if not lower_is_better:
        return _ratio(actual, target)
    if baseline is None:
        return None
    return _ratio(baseline - actual, baseline - target)


def cumulative_realisation(
    years: Iterable[tuple[Decimal, Decimal | None]],
    *,
    baseline: Decimal | None = None,
    lower_is_better: bool = False,
) -> Decimal | None:
    """Realisation to date over the (target, actual) pairs that have an actual."""
    measured = [(target, actual) for target, actual in years if actual is not None]
    if not measured:
        return None
    if not lower_is_better:
        return _ratio(
            sum((a for _, a in measured), Decimal(0)), sum((t for t, _ in measured), Decimal(0))
        )
    if baseline is None:
        return None
    achieved = sum((baseline - a for _, a in measured), Decimal(0))
    promised = sum((baseline - t for t, _ in measured), Decimal(0))
    return _ratio(achieved, promised)


def status(realised: Decimal | None) -> str:
    """green ≥ 90 %, amber ≥ 70 %, red below; not measured without a realisation."""
    if realised is None:
        return NOT_MEASURED
    if realised >= GREEN_THRESHOLD:
        return GREEN
    if realised >= AMBER_THRESHOLD:
        return AMBER
    return RED


def worst(statuses: Iterable[str]) -> str | None:
    """The most severe of ``statuses`` (None when there are none)."""
    return min(statuses, key=SEVERITY.__getitem__, default=None)
