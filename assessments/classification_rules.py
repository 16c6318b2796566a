"""The classification rules, as pure functions (no Django): levels, maxima, minimums,
overrides, inheritance, adjustments, status, blockers, requirements and fulfilment.

Levels are ordinals of an organisation's scale; a scale is described by its top ordinal per
aspect, never assumed to end at 4. ``None`` means "not classified".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

Levels = Mapping[str, int | None]

REASONS = ("cumulation", "aggregation", "dependency", "distribution", "other")
LOWERING_REASON = "distribution"


class RuleError(ValueError):
    """A rule was broken; ``field`` names what is wrong (e.g. ``levels.K``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


# --- One asset ---------------------------------------------------------------------------------


def max_level(levels: Iterable[int | None]) -> int | None:
    """The maximum principle: the highest level any answer implies; None if none answered."""
    known = [level for level in levels if level is not None]
    return max(known) if known else None


def check_level(field: str, level: object, top: int) -> None:
    """Refuse anything but None or a whole level 0..top (documents and forms may hold any value)."""
    if level is None:
        return
    if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= top:
        raise RuleError(field, f"must be a level from 0 to {top}")


def minimum_levels(
    triggers: Iterable[str], table: Mapping[str, Mapping[str, int]]
) -> dict[str, int]:
    """Per aspect, the highest minimum that any of the asset's legal triggers imposes."""
    minimums: dict[str, int] = {}
    for trigger in triggers:
        for aspect, level in table.get(trigger, {}).items():
            minimums[aspect] = max(level, minimums.get(aspect, 0))
    return minimums


@dataclass(frozen=True)
class AspectOutcome:
    computed: int | None  # maximum of the answers (and the downtime figure for availability)
    minimum: int | None  # from legal triggers
    override: int | None
    final: int | None


def aspect_outcome(
    *,
    aspect: str,
    answer_levels: Iterable[int | None],
    minimum: int | None,
    override: int | None,
    override_reason: str,
    top: int,
) -> AspectOutcome:
    """Computed level = max of answers; a legal minimum lifts it; an override replaces both
    but needs a written justification and may not go below the legal minimum."""
    computed = max_level(answer_levels)
    check_level(f"levels.{aspect}", computed, top)
    check_level(f"override.{aspect}", override, top)
    if minimum is not None:
        minimum = min(minimum, top)
    if override is not None:
        if not override_reason.strip():
            raise RuleError(f"override.{aspect}", "an override needs a written justification")
        if minimum is not None and override < minimum:
            raise RuleError(
                f"override.{aspect}",
                f"may not be below the legal minimum {minimum}",
            )
        return AspectOutcome(computed, minimum, override, override)
    final = max_level([computed, minimum]) if computed is not None else None
    return AspectOutcome(computed, minimum, None, final)


def requires_protective_security_analysis(
    *, protective_security: bool, finals: Levels, tops: Mapping[str, int]
) -> bool:
    """Protective security, or the top level of any aspect, leaves the ordinary flow."""
    if protective_security:
        return True
    return any(
        level is not None and aspect in tops and level >= tops[aspect]
        for aspect, level in finals.items()
    )


def review_is_overdue(review_due: date | None, today: date) -> bool:
    return review_due is not None and review_due < today


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    days = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
    return date(year, month, min(day.day, days))


# --- Initiatives -------------------------------------------------------------------------------


@dataclass(frozen=True)
class AssetState:
    """What an initiative needs to know of one linked asset."""

    code: str
    levels: Levels  # final levels of its effective assessment; empty when unclassified
    approved: bool
    protective_security: bool = False
    review_overdue: bool = False

    @property
    def classified(self) -> bool:
        return any(level is not None for level in self.levels.values())


@dataclass(frozen=True)
class Inherited:
    computed: int | None
    sources: tuple[str, ...]  # the asset codes that carry the maximum


def inherit(assets: Sequence[AssetState], aspects: Sequence[str]) -> dict[str, Inherited]:
    """Per aspect, the maximum over the classified assets, with the assets that drive it."""
    result: dict[str, Inherited] = {}
    for aspect in aspects:
        levels = [(a.code, a.levels.get(aspect)) for a in assets]
        top = max_level(level for _, level in levels)
        sources = tuple(sorted(code for code, level in levels if top is not None and level == top))
        result[aspect] = Inherited(top, sources)
    return result


@dataclass(frozen=True)
class AdjustmentInput:
    aspect: str
    level: int
    reason: str
    justification: str


def check_adjustment(
    adjustment: AdjustmentInput, computed: int | None, top: int, where: str
) -> None:
    """Up for cumulation, aggregation, dependency (or other); down only for distribution;
    never without a justification."""
    if adjustment.reason not in REASONS:
        raise RuleError(f"{where}.reason", f"must be one of {', '.join(REASONS)}")
    if not adjustment.justification.strip():
        raise RuleError(f"{where}.justification", "required")
    check_level(f"{where}.level", adjustment.level, top)
    if (
        computed is not None
        and adjustment.level < computed
        and adjustment.reason != LOWERING_REASON
    ):
        raise RuleError(
            f"{where}.reason",
            "only a documented distribution effect may lower a level below the computed one",
        )


def adjustment_applies(adjustment: AdjustmentInput, computed: int | None) -> bool:
    """An adjustment saved when it was valid may not be any more: if an asset's level rose
    above it and it is not a distribution effect, it no longer lowers anything."""
    if not adjustment.justification.strip():
        return False
    return computed is None or adjustment.level >= computed or adjustment.reason == LOWERING_REASON


def final_levels(
    inherited: Mapping[str, Inherited], adjustments: Iterable[AdjustmentInput]
) -> dict[str, int | None]:
    finals = {aspect: item.computed for aspect, item in inherited.items()}
    for adjustment in adjustments:
        if adjustment.aspect in finals and adjustment_applies(
            adjustment, inherited[adjustment.aspect].computed
        ):
            finals[adjustment.aspect] = adjustment.level
    return finals


def classification_status(assets: Sequence[AssetState]) -> str:
    """incomplete (no assets, or one unclassified) → provisional (one not approved) → approved."""
    if not assets or any(not a.classified for a in assets):
        return "incomplete"
    if any(not a.approved for a in assets):
        return "provisional"
    return "approved"


def initiative_requires_protective_security_analysis(
    assets: Sequence[AssetState], finals: Levels, tops: Mapping[str, int]
) -> bool:
    return any(a.protective_security for a in assets) or requires_protective_security_analysis(
        protective_security=False, finals=finals, tops=tops
    )


def blockers(
    assets: Sequence[AssetState],
    *,
    requires_psa: bool,
    has_benefit_model: bool | None = None,
) -> list[str]:
    """The register format's blockers, in its order. ``has_benefit_model=None`` leaves the
    benefit check to the caller (the benefits app)."""
    found: list[str] = []
    if not assets:
        found.append("no_assets")
    ordered = sorted(assets, key=lambda a: a.code)
    found += [f"asset_unclassified:{a.code}" for a in ordered if not a.classified]
    found += [f"asset_not_approved:{a.code}" for a in ordered if a.classified and not a.approved]
    found += [f"review_overdue:{a.code}" for a in ordered if a.approved and a.review_overdue]
    if requires_psa:
        found.append("protective_security")
    if has_benefit_model is False:
        found.append("no_benefit_model")
    return found


# --- Requirements and fulfilment -------------------------------------------------------------


@dataclass(frozen=True)
class RequirementRule:
    code: str
    aspect: str
    min_level: int
    trigger: str = ""  # "" for general requirements


def requirement_applies(rule: RequirementRule, finals: Levels, triggers: Iterable[str]) -> bool:
    """General requirements apply when the aspect's final level reaches theirs; law-specific
    ones when their trigger is present (and the level, if any, is reached)."""
    level = finals.get(rule.aspect)
    if rule.trigger:
        return rule.trigger in set(triggers) and (level is None or level >= rule.min_level)
    return level is not None and level >= rule.min_level


def applicable_requirements(
    rules: Iterable[RequirementRule], finals: Levels, triggers: Iterable[str]
) -> list[RequirementRule]:
    trigger_set = set(triggers)
    return [r for r in rules if requirement_applies(r, finals, trigger_set)]


FULFILLED, PARTLY, NOT_FULFILLED, NOT_APPLICABLE = "fulfilled", "partly", "not", "na"


@dataclass
class Fulfilment:
    total: int = 0
    fulfilled: int = 0
    partly: int = 0
    not_fulfilled: int = 0
    not_applicable: int = 0
    not_assessed: int = 0
    counted: list[str] = field(default_factory=list)

    @property
    def percent(self) -> Decimal | None:
        """Fulfilled count whole, partly half, over the applicable ones; None if none apply."""
        applicable = self.total - self.not_applicable
        if applicable <= 0:
            return None
        score = Decimal(self.fulfilled) + Decimal(self.partly) / 2
        return score * 100 / applicable


def fulfilment(statuses: Iterable[str]) -> Fulfilment:
    result = Fulfilment()
    for status in statuses:
        result.total += 1
        if status == FULFILLED:
            result.fulfilled += 1
        elif status == PARTLY:
            result.partly += 1
        elif status == NOT_FULFILLED:
            result.not_fulfilled += 1
        elif status == NOT_APPLICABLE:
            result.not_applicable += 1
        else:
            result.not_assessed += 1
    return result


def fulfilment_by_aspect(items: Iterable[tuple[str, str]]) -> dict[str, Fulfilment]:
    """``items`` are (aspect, status) pairs."""
    grouped: dict[str, list[str]] = {}
    for aspect, status in items:
        grouped.setdefault(aspect, []).append(status)
    return {aspect: fulfilment(statuses) for aspect, statuses in grouped.items()}
