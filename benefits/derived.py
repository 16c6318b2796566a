"""The stored figures of benefit models: per scenario the key figures (``BenefitSummary``)
and per staff_time lever its claim on a staff group (``StaffClaim``).

``store_derived`` is called by every write of a benefit model (the editor's service, the
JSON import, the register import, the demo) inside its transaction; ``fresh_summaries``
computes the same figures from the document, which the rebuild command and the tests use.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from benefits import calculation, double_counting, tracking_rules, tracking_status
from benefits import document as benefit_document
from benefits.models import BenefitModel, BenefitSummary, BenefitTracking, StaffClaim

ZERO = Decimal(0)
SUMMARY_FIELDS = (
    "total_benefit",
    "internal_benefit",
    "external_benefit",
    "total_cost",
    "investment_cost",
    "npv",
    "pv_benefit",
    "pv_cost",
    "bcr",
    "roi",
    "payback_years",
    "irr",
    "discount_rate",
    "investment_schedule",
)
_PLACES = {
    name: 6 if name in ("bcr", "roi", "payback_years", "irr", "discount_rate") else 4
    for name in SUMMARY_FIELDS
}


def _stored(name: str, value: Any) -> Any:
    """The value as the database keeps it (so that fresh and stored figures compare equal);
    the investment schedule is a list of decimal strings (JSON)."""
    if value is None:
        return None
    places = Decimal(1).scaleb(-_PLACES[name])
    if isinstance(value, list | tuple):
        return [str(v.quantize(places)) for v in value]
    return value.quantize(places)


def fresh_summaries(document: Mapping[str, Any]) -> dict[str, dict[str, Decimal | None]]:
    """Per scenario the stored fields of a document's evaluation; ``{}`` when the document
    does not validate (a stored model the format has since grown stricter about)."""
    try:
        model = benefit_document.parse(document)
    except benefit_document.DocumentInvalid:
        return {}
    # The investment in each model year (0 = the start year): the roadmap spreads it over
    # the plan years from wherever the initiative starts.
    schedule = [
        sum((cost.amount(year) for cost in model.costs if cost.kind == "investment"), ZERO)
        for year in model.years
    ]
    investment = sum(schedule, ZERO)
    result = {}
    for scenario in calculation.evaluate(model):
        values = {name: getattr(scenario, name, None) for name in SUMMARY_FIELDS}
        values["investment_cost"] = investment
        values["discount_rate"] = model.discount_rate
        values["investment_schedule"] = schedule
        result[scenario.scenario] = {name: _stored(name, v) for name, v in values.items()}
    return result


def store_derived(models: Iterable[BenefitModel]) -> None:
    """Replace the stored summaries and claims of ``models`` (saved, with their initiative)."""
    # The stubs type pk as int, but an unsaved model's is None.
    models = [m for m in models if m.pk is not None]  # type: ignore[redundant-expr]
    if not models:
        return
    ids = [m.pk for m in models]
    BenefitSummary.objects.filter(benefit_model_id__in=ids).delete()
    StaffClaim.objects.filter(benefit_model_id__in=ids).delete()
    summaries, claims = [], []
    for model in models:
        figures = fresh_summaries(model.document or {})
        for scenario, values in figures.items():
            summaries.append(
                BenefitSummary(
                    benefit_model_id=model.pk,
                    initiative_id=model.initiative_id,
                    scenario=scenario,
                    **values,
                )
            )
        if not figures:
            continue
        initiative = model.initiative
        for claim in double_counting.claims_of_document(initiative.code, model.document or {}):
            claims.append(
                StaffClaim(
                    organisation_id=initiative.organisation_id,
                    benefit_model_id=model.pk,
                    group=claim.group[:300],
                    label=claim.display[:300],
                    lever=claim.lever[:300],
                    share=claim.share,
                )
            )
    BenefitSummary.objects.bulk_create(summaries, batch_size=500)
    StaffClaim.objects.bulk_create(claims, batch_size=500)


def rebuild(organisation_id: int | None = None) -> int:
    """Recompute the stored figures of every model (of one organisation); returns how many."""
    qs = BenefitModel.objects.select_related("initiative").order_by("pk")
    if organisation_id is not None:
        qs = qs.filter(initiative__organisation_id=organisation_id)
    count = 0
    batch: list[BenefitModel] = []
    for model in qs.iterator(chunk_size=200):
        batch.append(model)
        if len(batch) == 200:
            store_derived(batch)
            count += len(batch)
            batch = []
    store_derived(batch)
    trackings = BenefitTracking.objects.all()
    if organisation_id is not None:
        trackings = trackings.filter(benefit_model__initiative__organisation_id=organisation_id)
    refresh_tracking(trackings.values_list("pk", flat=True))
    return count + len(batch)


# --- Kept in step with every save ---------------------------------------------------------------


def _announce(model: BenefitModel) -> None:
    from klassa_app.derived import figures_changed
    from klassa_app.models import Organisation

    organisation = Organisation.objects.filter(initiatives__pk=model.initiative_id).first()
    if organisation is not None:
        figures_changed(organisation, initiative_ids=[model.initiative_id])


def on_model_saved(sender: Any, instance: BenefitModel, raw: bool = False, **kwargs: Any) -> None:
    """Every save of a model (the editor's service, an import, the admin, a loader) stores
    its figures in the same transaction and tells the portfolio."""
    if raw:
        return
    store_derived([instance])
    _refresh_model_trackings(instance)
    _announce(instance)


def on_model_deleted(sender: Any, instance: BenefitModel, **kwargs: Any) -> None:
    origin = kwargs.get("origin")
    # Deleted with its initiative (or organisation): nothing is left to refresh.
    if origin is None or origin is instance or getattr(origin, "model", None) is BenefitModel:
        _announce(instance)


# --- Benefit tracking: the status the overview of benefits behind sorts by -----------------------


def refresh_tracking(tracking_ids: Iterable[int], this_year: int | None = None) -> int:
    """Store the status to date of these trackings as of ``this_year``: what the overview
    of benefits behind filters and sorts by in SQL. Returns how many were written."""
    from django.utils import timezone

    this_year = this_year or timezone.localdate().year
    trackings = list(
        BenefitTracking.objects.filter(pk__in=list(tracking_ids))
        .select_related("benefit_model")
        .prefetch_related("years")
    )
    for tracking in trackings:
        document = tracking.benefit_model.document or {}
        names = {lever.get("name") for lever in document.get("levers") or ()}
        horizon = int(document.get("horizon_years") or 1)
        lever = tracking_status.lever_tracking(
            tracking, horizon, tracking.lever_name in names, this_year
        )
        tracking.attention = lever.attention
        tracking.behind = lever.attention in tracking_status.BEHIND_STATUSES and not (
            lever.attention == tracking_rules.NOT_MEASURED and not lever.overdue
        )
        tracking.realisation = lever.realisation
        tracking.status_year = this_year
    BenefitTracking.objects.bulk_update(
        trackings, ["attention", "behind", "realisation", "status_year"], batch_size=500
    )
    return len(trackings)


def on_tracking_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    """A tracking or one of its years was saved or deleted."""
    if raw:
        return
    tracking_id = instance.pk if isinstance(instance, BenefitTracking) else instance.tracking_id
    update_fields = kwargs.get("update_fields")
    if update_fields and set(update_fields) <= {
        "attention",
        "behind",
        "realisation",
        "status_year",
    }:
        return  # our own write
    if BenefitTracking.objects.filter(pk=tracking_id).exists():
        refresh_tracking([tracking_id])


def _refresh_model_trackings(model: BenefitModel) -> None:
    # Lever names and the horizon come from the model: a renamed lever is no longer in it.
    refresh_tracking(model.trackings.values_list("pk", flat=True))
