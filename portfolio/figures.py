"""The stored figures of initiatives (``InitiativeFigures``, ``InitiativeLevel``): computed
from the initiative's assets, adjustments, action plan and benefit model, and written in the
same transaction as every write that changes them.

Writes in the apps below announce a change with ``klassa_app.derived.figures_changed``;
``on_figures_changed`` (connected in ``PortfolioConfig.ready``) refreshes the initiatives it
concerns. ``rebuild`` refreshes a whole organisation (the ``rebuild_derived`` command), and
``fresh_figures`` computes the figures without storing them, which is what the stored ones
must always equal.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from assessments import frameworks
from assessments import selectors as assessment_selectors
from assessments.models import Initiative, InitiativeAsset, PersonalData
from benefits.models import BenefitSummary
from klassa_app.models import Organisation
from portfolio import readiness as readiness_rules
from portfolio.models import InitiativeFigures, InitiativeLevel

# Long before any review is due: classifying "as of" this day leaves out the overdue
# reviews, which depend on the day the figures are read.
_BEFORE_ANY_REVIEW = date(1900, 1, 1)


@dataclass(frozen=True)
class Figures:
    """The stored fields of one initiative, as plain values (comparable)."""

    classification_status: str
    finals: dict[str, int | None]
    max_level: int | None
    top_level: int | None
    requires_psa: bool
    has_benefit_model: bool
    blockers: list[str]
    review_dues: dict[str, str]
    next_review_due: date | None
    fulfilment_share: Decimal | None
    handles_special_categories: bool
    asset_count: int
    asset_ids: dict[str, int]

    @classmethod
    def of(cls, stored: InitiativeFigures) -> Figures:
        values = {name: getattr(stored, name) for name in cls.__dataclass_fields__}
        share = values["fulfilment_share"]
        values["fulfilment_share"] = None if share is None else Decimal(share).normalize()
        return cls(**values)


def _share(value: Decimal | None) -> Decimal | None:
    # As the database keeps it (6 places), normalised so that 0.5 == 0.500000 compare alike.
    return None if value is None else value.quantize(Decimal("0.000001")).normalize()


def fresh_figures(
    organisation: Organisation, initiative_ids: Collection[int] | None = None
) -> dict[int, Figures]:
    """The figures of the organisation's initiatives (of ``initiative_ids``), computed from
    their sources, in a bounded number of queries."""
    # Imported here: the selectors module reads the figures this module writes.
    from portfolio.selectors import _fulfilments, _initiatives

    qs = _initiatives(organisation, None)
    if initiative_ids is not None:
        qs = qs.filter(pk__in=initiative_ids)
    initiatives = list(qs)
    if not initiatives:
        return {}
    scheme = frameworks.load_scheme(frameworks.current_scheme(organisation))
    classifications = {
        i.pk: assessment_selectors.classify(
            i, list(i.assets.all()), list(i.adjustments.all()), scheme, _BEFORE_ANY_REVIEW
        )
        for i in initiatives
    }
    fulfilments = _fulfilments(initiatives, classifications, organisation, qs)
    modelled = set(
        BenefitSummary.objects.filter(initiative__in=[i.pk for i in initiatives])
        .values_list("initiative_id", flat=True)
        .distinct()
    )
    result = {}
    for initiative in initiatives:
        assets = list(initiative.assets.all())
        classification = classifications[initiative.pk]
        has_model = initiative.pk in modelled
        states = [assessment_selectors.asset_state(a, _BEFORE_ANY_REVIEW) for a in assets]
        blockers = readiness_rules.blockers(
            states,
            requires_psa=classification.requires_protective_security_analysis,
            has_benefit_model=has_model,
        )
        dues = {
            a.code: a.review_due
            for a in assets
            if a.status == a.Status.APPROVED and a.review_due is not None
        }
        known = [level for level in classification.finals.values() if level is not None]
        result[initiative.pk] = Figures(
            classification_status=classification.status,
            finals=dict(classification.finals),
            max_level=max(known) if known else None,
            top_level=max(classification.tops.values(), default=None),
            requires_psa=classification.requires_protective_security_analysis,
            has_benefit_model=has_model,
            blockers=blockers,
            review_dues={code: due.isoformat() for code, due in sorted(dues.items())},
            next_review_due=min(dues.values()) if dues else None,
            fulfilment_share=_share(readiness_rules.fulfilment_share(fulfilments[initiative.pk])),
            handles_special_categories=any(
                a.personal_data == PersonalData.SPECIAL_CATEGORIES for a in assets
            ),
            asset_count=len(assets),
            asset_ids={a.code: a.pk for a in assets},
        )
    return result


def stored_figures(
    organisation: Organisation, initiative_ids: Collection[int] | None = None
) -> dict[int, Figures]:
    qs = InitiativeFigures.objects.filter(organisation=organisation)
    if initiative_ids is not None:
        qs = qs.filter(initiative_id__in=initiative_ids)
    return {row.initiative_id: Figures.of(row) for row in qs}


@transaction.atomic
def refresh(organisation: Organisation, initiative_ids: Collection[int] | None = None) -> int:
    """Recompute and store the figures of ``initiative_ids`` (None: all of the
    organisation's); returns how many were written."""
    # Lock the initiatives first (in one order: no deadlock between two refreshes). Two
    # writes concerning one initiative at once would otherwise each compute from a snapshot
    # without the other's change, and the second would insert the row the first committed.
    # Once the lock is granted, the computation's statements see what the first committed.
    locked = Initiative.objects.select_for_update().filter(organisation=organisation)
    if initiative_ids is not None:
        locked = locked.filter(pk__in=list(initiative_ids))
    list(locked.order_by("pk").values_list("pk", flat=True))
    figures = fresh_figures(organisation, initiative_ids)
    departments = dict(
        Initiative.objects.filter(pk__in=list(figures)).values_list("pk", "department_id")
    )
    gone = InitiativeFigures.objects.filter(organisation=organisation)
    levels = InitiativeLevel.objects.filter(organisation=organisation)
    if initiative_ids is not None:
        gone = gone.filter(initiative_id__in=initiative_ids)
        levels = levels.filter(initiative_id__in=initiative_ids)
    gone.delete()
    levels.delete()
    now = timezone.now()
    rows: list[InitiativeFigures] = []
    level_rows: list[InitiativeLevel] = []
    for pk, values in figures.items():
        fields: dict[str, Any] = asdict(values)
        fields["blocker_count"] = len(values.blockers)
        rows.append(
            InitiativeFigures(initiative_id=pk, organisation=organisation, updated_at=now, **fields)
        )
        level_rows.extend(
            InitiativeLevel(
                initiative_id=pk,
                organisation=organisation,
                department_id=departments[pk],
                aspect=aspect,
                level=level,
            )
            for aspect, level in values.finals.items()
        )
    # bulk_create leaves auto_now alone: updated_at is set above, so the digest of the
    # stored figures moves with every refresh.
    InitiativeFigures.objects.bulk_create(rows, batch_size=500)
    InitiativeLevel.objects.bulk_create(level_rows, batch_size=1000)
    return len(rows)


def initiatives_of_assets(asset_ids: Iterable[int]) -> set[int]:
    return set(
        InitiativeAsset.objects.filter(asset_id__in=list(asset_ids)).values_list(
            "initiative_id", flat=True
        )
    )


def on_figures_changed(
    sender: Any,
    *,
    organisation: Organisation,
    asset_ids: frozenset[int],
    initiative_ids: frozenset[int],
    everything: bool,
    **kwargs: Any,
) -> None:
    if everything:
        refresh(organisation)
        return
    ids = set(initiative_ids) | initiatives_of_assets(asset_ids)
    if ids:
        refresh(organisation, ids)


@transaction.atomic
def rebuild(organisation: Organisation) -> int:
    """Every stored figure of the organisation from its sources (benefit summaries first:
    readiness asks whether a valid model exists)."""
    from benefits import derived as benefit_derived

    benefit_derived.rebuild(organisation.pk)
    return refresh(organisation)


def missing(organisation: Organisation) -> bool:
    """Whether some initiative has no stored figures (a database from before they existed)."""
    return Initiative.objects.filter(organisation=organisation, figures__isnull=True).exists()


def differences(organisation: Organisation) -> list[int]:
    """Initiatives whose stored figures (with their blocker count and level rows) or whose
    model's benefit summaries or staff claims differ from a fresh computation; empty when
    everything is in step."""
    from benefits import derived as benefit_derived
    from benefits import double_counting
    from benefits.models import BenefitModel, StaffClaim

    fresh, stored = fresh_figures(organisation), stored_figures(organisation)
    differing = {pk for pk in fresh.keys() | stored.keys() if fresh.get(pk) != stored.get(pk)}
    # What refresh() stores beside the figures: the blocker count and the heat map's rows.
    for pk, count in InitiativeFigures.objects.filter(organisation=organisation).values_list(
        "initiative_id", "blocker_count"
    ):
        if pk in fresh and count != len(fresh[pk].blockers):
            differing.add(pk)
    departments = dict(
        Initiative.objects.filter(organisation=organisation).values_list("pk", "department_id")
    )
    expected_levels = {
        (pk, aspect): (departments[pk], level)
        for pk, values in fresh.items()
        for aspect, level in values.finals.items()
    }
    stored_levels = {
        (pk, aspect): (department, level)
        for pk, aspect, department, level in InitiativeLevel.objects.filter(
            organisation=organisation
        ).values_list("initiative_id", "aspect", "department_id", "level")
    }
    differing |= {
        key[0]
        for key in expected_levels.keys() | stored_levels.keys()
        if expected_levels.get(key) != stored_levels.get(key)
    }
    summaries: dict[int, dict[str, dict[str, Any]]] = {}
    for row in BenefitSummary.objects.filter(initiative__organisation=organisation).values(
        "initiative_id", "scenario", *benefit_derived.SUMMARY_FIELDS
    ):
        summaries.setdefault(row["initiative_id"], {})[row["scenario"]] = {
            name: row[name] for name in benefit_derived.SUMMARY_FIELDS
        }
    claims: dict[int, list[tuple[str, str, str, Decimal]]] = {}
    for model_id, group, label, lever, share in StaffClaim.objects.filter(
        organisation=organisation
    ).values_list("benefit_model_id", "group", "label", "lever", "share"):
        claims.setdefault(model_id, []).append((group, label, lever, _claim_share(share)))
    for model in BenefitModel.objects.filter(initiative__organisation=organisation).select_related(
        "initiative"
    ):
        document = model.document or {}
        fresh_summaries = benefit_derived.fresh_summaries(document)
        # As store_derived keeps them: a document that does not validate claims nothing.
        fresh_claims = [
            (c.group[:300], c.display[:300], c.lever[:300], _claim_share(c.share))
            for c in double_counting.claims_of_document(model.initiative.code, document)
            if fresh_summaries
        ]
        if fresh_summaries != summaries.get(model.initiative_id, {}) or sorted(
            fresh_claims
        ) != sorted(claims.get(model.pk, [])):
            differing.add(model.initiative_id)
    return sorted(differing)


def _claim_share(value: Decimal) -> Decimal:
    # As the database keeps it (10 places), normalised so that equal shares compare alike.
    return Decimal(value).quantize(Decimal("1e-10")).normalize()
