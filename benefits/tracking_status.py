"""A benefit tracking's status to date, from its stored years: each year's realisation and
status, the cumulative realisation, and whether a year is over without a measurement.

Both the tracking pages (``benefits.selectors``) and the stored status that the overview of
benefits behind sorts by (``benefits.derived``) read it from here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from benefits import tracking_rules
from benefits.models import BenefitTracking

# The statuses the overview of benefits behind lists.
BEHIND_STATUSES = (tracking_rules.RED, tracking_rules.AMBER, tracking_rules.NOT_MEASURED)


@dataclass(frozen=True)
class TrackingYearRow:
    year: int
    target: Decimal | None
    actual: Decimal | None
    realisation: Decimal | None
    status: str
    passed: bool  # the calendar year is over
    model_target: Decimal | None = None  # the lever's medium-scenario benefit that year


@dataclass
class LeverTracking:
    """One lever's tracking (or, for a lever not tracked yet, ``tracking`` None)."""

    lever_name: str
    in_model: bool
    tracking: BenefitTracking | None
    years: list[TrackingYearRow] = field(default_factory=list)
    realisation: Decimal | None = None  # cumulative to date
    status: str = tracking_rules.NOT_MEASURED
    overdue: bool = False  # a year is over, has a target and no actual

    @property
    def attention(self) -> str:
        """The status the overview sorts by: a year gone by without a measurement counts
        as not measured, unless the measured years are worse."""
        statuses = [self.status]
        if self.overdue:
            statuses.append(tracking_rules.NOT_MEASURED)
        return tracking_rules.worst(statuses) or tracking_rules.NOT_MEASURED

    @property
    def is_money(self) -> bool:
        return self.tracking is not None and is_money_unit(self.tracking.unit)


# Units of an indicator in kronor, whose targets can come from the model (thousands of
# kronor would need scaling, so "tkr" is not one of them).
MONEY_UNITS = frozenset({"kr", "sek", "kronor"})


def is_money_unit(unit: str) -> bool:
    return unit.strip().casefold() in MONEY_UNITS


def tracking_years(tracking: BenefitTracking, horizon: int) -> list[int]:
    """The model's years as calendar years, plus any stored year outside them (history)."""
    years = set(range(tracking.start_year, tracking.start_year + horizon))
    years |= {row.year for row in tracking.years.all()}
    return sorted(years)


def lever_tracking(
    tracking: BenefitTracking,
    horizon: int,
    in_model: bool,
    this_year: int,
    model_targets: dict[int, Decimal] | None = None,
) -> LeverTracking:
    stored = {row.year: row for row in tracking.years.all()}
    baseline = tracking.baseline
    rows = []
    for year in tracking_years(tracking, horizon):
        row = stored.get(year)
        target = row.target if row else None
        actual = row.actual if row else None
        realised = (
            tracking_rules.realisation(
                target, actual, baseline=baseline, lower_is_better=tracking.lower_is_better
            )
            if target is not None
            else None
        )
        rows.append(
            TrackingYearRow(
                year=year,
                target=target,
                actual=actual,
                realisation=realised,
                status=tracking_rules.status(realised),
                passed=year < this_year,
                model_target=(model_targets or {}).get(year),
            )
        )
    cumulative = tracking_rules.cumulative_realisation(
        ((r.target, r.actual) for r in rows if r.target is not None),
        baseline=baseline,
        lower_is_better=tracking.lower_is_better,
    )
    return LeverTracking(
        lever_name=tracking.lever_name,
        in_model=in_model,
        tracking=tracking,
        years=rows,
        realisation=cumulative,
        status=tracking_rules.status(cumulative),
        overdue=any(r.passed and r.target is not None and r.actual is None for r in rows),
    )
