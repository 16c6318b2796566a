"""Writes of benefit tracking: who answers for a lever's benefit, what is measured, and per
calendar year the target and the actual.

Business owners, economists and admins of the initiative's department edit everything; the
owner of a lever's benefit may record its actuals; everyone else with access only reads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Initiative
from benefits import document as benefit_document
from benefits import selectors, tracking_status
from benefits.models import BenefitModel, BenefitTracking, BenefitTrackingYear
from benefits.permissions import can_edit_tracking, can_record_actuals
from klassa_app import access, audit
from klassa_app.models import User
from klassa_app.services import ServiceError

TRACKING_FIELDS = ("owner", "indicator", "unit", "baseline", "lower_is_better", "start_year")
MAX_DECIMALS = 4  # the columns keep 4 decimals; more would be silently rounded
MAX_MAGNITUDE = Decimal("1e15")
MONEY_PLACES = Decimal("0.01")
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _require_editor(actor: User, initiative: Initiative) -> None:
    if not can_edit_tracking(actor, initiative):
        raise PermissionDenied(
            _("Only business owners, economists and admins edit benefit tracking.")
        )


def _number(value: Any, field: str, *, non_negative: bool = False) -> Decimal | None:
    """An exact Decimal (never through float) with at most MAX_DECIMALS decimals; None for
    an empty value; ServiceError naming ``field`` otherwise."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    number = benefit_document.to_number(value)
    if number is None or isinstance(value, float):
        raise ServiceError(_("Enter a number."), field)
    if abs(number) >= MAX_MAGNITUDE:
        raise ServiceError(_("Enter a smaller number."), field)
    if number.as_tuple().exponent < -MAX_DECIMALS:  # type: ignore[operator]
        raise ServiceError(_("Use at most %(places)d decimals.") % {"places": MAX_DECIMALS}, field)
    if non_negative and number < 0:
        raise ServiceError(_("The target cannot be negative."), field)
    return number


def _text(value: Decimal | None) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _horizon(model: BenefitModel) -> int:
    return int(model.document.get("horizon_years") or 1)


def _lever_names(model: BenefitModel) -> list[str]:
    return [lever.get("name") for lever in model.document.get("levers") or []]


def _locked(tracking: BenefitTracking) -> BenefitTracking:
    return (
        BenefitTracking.objects.select_for_update()
        .select_related(
            "benefit_model__initiative__department", "benefit_model__initiative__organisation"
        )
        .get(pk=tracking.pk)
    )


@transaction.atomic
def do_save_tracking(
    *,
    actor: User,
    model: BenefitModel,
    lever_name: str,
    owner: User | None,
    indicator: str = "",
    unit: str = "",
    baseline: Any = None,
    lower_is_better: bool = False,
    start_year: int | None = None,
) -> BenefitTracking:
    """Start or change the tracking of a lever (by name). A new tracking needs a lever of the
    model; an existing one stays editable after its lever left the model (history)."""
    initiative = model.initiative
    _require_editor(actor, initiative)
    existing = (
        BenefitTracking.objects.select_for_update()
        .filter(benefit_model=model, lever_name=lever_name)
        .first()
    )
    if existing is None and lever_name not in _lever_names(model):
        raise ServiceError(_("The benefit model has no lever of that name."), "lever_name")
    if owner is not None and not access.can_view_department(owner, initiative.department):
        raise ServiceError(
            _("The owner must be a member who sees the initiative's department."), "owner"
        )
    indicator, unit = (indicator or "").strip(), (unit or "").strip()
    if len(indicator) > 300:
        raise ServiceError(_("At most 300 characters."), "indicator")
    if len(unit) > 50:
        raise ServiceError(_("At most 50 characters."), "unit")
    baseline_number = _number(baseline, "baseline")
    if lower_is_better and baseline_number is None:
        raise ServiceError(
            _("An indicator where lower is better needs a baseline to measure from."), "baseline"
        )
    if start_year is None:
        start_year = existing.start_year if existing else timezone.localdate().year
    if not FIRST_YEAR <= int(start_year) <= LAST_YEAR:
        raise ServiceError(
            _("Enter a year from %(first)d to %(last)d.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR},
            "start_year",
        )
    start_year = int(start_year)
    if existing is not None and start_year != existing.start_year:
        last = start_year + _horizon(model) - 1
        outside = existing.years.exclude(year__range=(start_year, last)).values_list(
            "year", flat=True
        )
        if outside:
            raise ServiceError(
                _("Years %(years)s already have values outside %(first)d–%(last)d.")
                % {
                    "years": ", ".join(str(y) for y in sorted(outside)),
                    "first": start_year,
                    "last": last,
                },
                "start_year",
            )
    values = {
        "owner": owner,
        "indicator": indicator,
        "unit": unit,
        "baseline": baseline_number,
        "lower_is_better": bool(lower_is_better),
        "start_year": start_year,
    }
    if existing is None:
        tracking = BenefitTracking.objects.create(
            benefit_model=model, lever_name=lever_name, **values
        )
        audit.record(
            actor=actor,
            organisation=initiative.organisation,
            action="benefit_tracking.created",
            obj=tracking,
            after=audit.snapshot(tracking, TRACKING_FIELDS),
            object_repr=f"{initiative.code} {lever_name}",
        )
        return tracking
    before = audit.snapshot(existing, TRACKING_FIELDS)
    for name, value in values.items():
        setattr(existing, name, value)
    after = audit.snapshot(existing, TRACKING_FIELDS)
    changed = {
        k: [before[k], after[k]] for k in TRACKING_FIELDS if _same(before[k]) != _same(after[k])
    }
    if not changed:
        return existing
    existing.save()
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action="benefit_tracking.updated",
        obj=existing,
        before={k: v[0] for k, v in changed.items()},
        after={k: v[1] for k, v in changed.items()},
        object_repr=f"{initiative.code} {lever_name}",
    )
    return existing


def _same(value: Any) -> Any:
    """Compare decimal snapshots by value ("1.0000" is "1")."""
    if isinstance(value, str):
        number = benefit_document.to_number(value)
        if number is not None:
            return number
    return value


@dataclass(frozen=True)
class YearValues:
    """What a form submits for one year; ``None`` is an empty field."""

    target: Any = None
    actual: Any = None


def _check_year(tracking: BenefitTracking, year: int) -> None:
    last = tracking.start_year + _horizon(tracking.benefit_model) - 1
    if not tracking.start_year <= year <= last:
        raise ServiceError(
            _("Choose a year from %(first)d to %(last)d.")
            % {"first": tracking.start_year, "last": last},
            "year",
        )


@transaction.atomic
def do_save_years(
    *, actor: User, tracking: BenefitTracking, values: Mapping[int, YearValues]
) -> BenefitTracking:
    """Set targets and actuals of several years at once, all or nothing. Editors change both;
    the lever's owner only actuals (a changed target from them is refused). An empty target
    removes the year (only when it has no actual)."""
    return _save_years(actor, tracking, values, "benefit_tracking.values_saved")


def _save_years(
    actor: User, tracking: BenefitTracking, values: Mapping[int, YearValues], action: str
) -> BenefitTracking:
    tracking = _locked(tracking)
    initiative = tracking.benefit_model.initiative
    if not can_record_actuals(actor, tracking):
        raise PermissionDenied(
            _("Only the benefit's owner and the model's editors record actuals.")
        )
    editor = can_edit_tracking(actor, initiative)
    stored = {row.year: row for row in tracking.years.all()}
    changes: dict[str, dict[str, list[str | None]]] = {}
    writes: list[tuple[int, Decimal | None, Decimal | None]] = []
    for year in sorted(values):
        entry = values[year]
        row = stored.get(year)
        old_target = row.target if row else None
        old_actual = row.actual if row else None
        target = _number(entry.target, f"target_{year}", non_negative=True)
        actual = _number(entry.actual, f"actual_{year}")
        if target == old_target and actual == old_actual:
            continue
        if year not in stored:
            _check_year(tracking, year)
        if target != old_target and not editor:
            raise PermissionDenied(_("Only business owners, economists and admins set targets."))
        if actual is not None and target is None:
            raise ServiceError(_("Set a target for the year before its actual."), f"actual_{year}")
        change = {}
        if target != old_target:
            change["target"] = [_text(old_target), _text(target)]
        if actual != old_actual:
            change["actual"] = [_text(old_actual), _text(actual)]
        changes[str(year)] = change
        writes.append((year, target, actual))
    if not writes:
        return tracking
    for year, target, actual in writes:
        if target is None:
            BenefitTrackingYear.objects.filter(tracking=tracking, year=year).delete()
        else:
            BenefitTrackingYear.objects.update_or_create(
                tracking=tracking, year=year, defaults={"target": target, "actual": actual}
            )
    audit.record(
        actor=actor,
        organisation=initiative.organisation,
        action=action,
        obj=tracking,
        before={year: {k: v[0] for k, v in change.items()} for year, change in changes.items()},
        after={year: {k: v[1] for k, v in change.items()} for year, change in changes.items()},
        object_repr=f"{initiative.code} {tracking.lever_name}",
    )
    return tracking


def do_set_target(
    *, actor: User, tracking: BenefitTracking, year: int, target: Any
) -> BenefitTracking:
    """One year's target (keeps its actual)."""
    row = tracking.years.filter(year=year).first()
    return do_save_years(
        actor=actor,
        tracking=tracking,
        values={year: YearValues(target=target, actual=row.actual if row else None)},
    )


def do_record_actual(
    *, actor: User, tracking: BenefitTracking, year: int, actual: Any
) -> BenefitTracking:
    """One year's actual; the year must already have a target."""
    row = tracking.years.filter(year=year).first()
    if row is None:
        _check_year(tracking, year)
        raise ServiceError(_("Set a target for the year before its actual."), f"actual_{year}")
    return do_save_years(
        actor=actor, tracking=tracking, values={year: YearValues(target=row.target, actual=actual)}
    )


@transaction.atomic
def do_fill_targets_from_model(*, actor: User, tracking: BenefitTracking) -> BenefitTracking:
    """Targets of an indicator in kronor from the model: the lever's benefit per year in the
    medium scenario (model year 1 = the tracking's first year), to the öre, half up."""
    tracking = _locked(tracking)
    initiative = tracking.benefit_model.initiative
    _require_editor(actor, initiative)
    if not tracking_status.is_money_unit(tracking.unit):
        raise ServiceError(
            _("Only an indicator in kronor can take its targets from the model."), "unit"
        )
    benefits = selectors.model_lever_benefits(
        tracking.benefit_model.document, tracking.lever_name, tracking.start_year
    )
    if benefits is None:
        raise ServiceError(_("The lever is no longer in the benefit model."), "lever_name")
    stored = {row.year: row for row in tracking.years.all()}
    values = {
        year: YearValues(
            target=amount.quantize(MONEY_PLACES, rounding=ROUND_HALF_UP),
            actual=stored[year].actual if year in stored else None,
        )
        for year, amount in benefits.items()
    }
    return _save_years(actor, tracking, values, "benefit_tracking.targets_filled")
