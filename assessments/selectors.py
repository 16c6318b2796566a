"""Reads for the classification pages, scoped through klassa_app.access, in a bounded
number of queries whatever the number of assets."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from assessments import classification_rules, frameworks
from assessments.models import (
    Adjustment,
    Assessment,
    InformationAsset,
    Initiative,
    Requirement,
    RequirementStatus,
)
from klassa_app import access
from klassa_app.models import Organisation, User

ASSET_SORTS = {
    "code": ("code",),
    "-code": ("-code",),
    "name": ("name", "code"),
    "-name": ("-name", "code"),
    "department": ("department__name", "code"),
    "-department": ("-department__name", "code"),
    "status": ("status", "code"),
    "-status": ("-status", "code"),
    "review": ("review_due", "code"),
    "-review": ("-review_due", "code"),
}


def visible_assets(user: User, organisation: Organisation | None) -> QuerySet[InformationAsset]:
    if organisation is None or not access.is_member(user, organisation):
        return InformationAsset.objects.none()
    qs = InformationAsset.objects.filter(organisation=organisation)
    ids = access.visible_department_ids(user, organisation)
    return qs if ids is None else qs.filter(department_id__in=ids)


def get_visible_asset(user: User, organisation: Organisation | None, pk: int) -> InformationAsset:
    try:
        return (
            visible_assets(user, organisation)
            .select_related("department", "organisation")
            .get(pk=pk)
        )
    except InformationAsset.DoesNotExist as exc:
        raise Http404("No such information asset.") from exc


def get_visible_assessment(user: User, organisation: Organisation | None, pk: int) -> Assessment:
    assets = visible_assets(user, organisation)
    try:
        return (
            Assessment.objects.filter(asset__in=assets)
            .select_related(
                "asset", "asset__department", "asset__organisation", "scheme", "question_bank"
            )
            .get(pk=pk)
        )
    except Assessment.DoesNotExist as exc:
        raise Http404("No such assessment.") from exc


def asset_register(
    user: User,
    organisation: Organisation | None,
    *,
    q: str = "",
    department_id: int | None = None,
    status: str = "",
    personal_data: str = "",
    review: str = "",
    sort: str = "code",
) -> QuerySet[InformationAsset]:
    qs = visible_assets(user, organisation).select_related("department")
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q) | Q(systems__icontains=q))
    if department_id:
        qs = qs.filter(department_id=department_id)
    if status:
        qs = qs.filter(status=status)
    if personal_data:
        qs = qs.filter(personal_data=personal_data)
    if review == "overdue":
        qs = qs.filter(status=InformationAsset.Status.APPROVED, review_due__lt=timezone.localdate())
    return qs.order_by(*ASSET_SORTS.get(sort, ASSET_SORTS["code"]))


def asset_assessments(asset: InformationAsset) -> list[Assessment]:
    return list(
        asset.assessments.select_related("approved_by", "created_by")
        .prefetch_related("results")
        .order_by("-version")
    )


def overdue_reviews(
    organisation: Organisation, today: date | None = None
) -> QuerySet[InformationAsset]:
    today = today or timezone.localdate()
    return (
        InformationAsset.objects.filter(
            organisation=organisation, status=InformationAsset.Status.APPROVED, review_due__lt=today
        )
        .select_related("department")
        .order_by("review_due", "code")
    )


# --- Initiatives -------------------------------------------------------------------------------


def asset_state(asset: InformationAsset, today: date) -> classification_rules.AssetState:
    return classification_rules.AssetState(
        code=asset.code,
        levels=dict(asset.levels or {}),
        approved=asset.status == InformationAsset.Status.APPROVED,
        protective_security=asset.protective_security
        or asset.requires_protective_security_analysis,
        review_overdue=classification_rules.review_is_overdue(asset.review_due, today),
    )


@dataclass
class AspectRow:
    code: str
    computed: int | None
    sources: tuple[str, ...]
    adjustment: Adjustment | None
    final: int | None


@dataclass
class InitiativeClassification:
    aspects: dict[str, AspectRow]
    tops: dict[str, int]
    status: str
    requires_protective_security_analysis: bool
    blockers: list[str]
    triggers: set[str] = field(default_factory=set)

    @property
    def finals(self) -> dict[str, int | None]:
        return {code: row.final for code, row in self.aspects.items()}


def classify(
    initiative: Initiative,
    assets: list[InformationAsset],
    adjustments: list[Adjustment],
    scheme: frameworks.SchemeView,
    today: date,
) -> InitiativeClassification:
    states = [asset_state(a, today) for a in assets]
    inherited = classification_rules.inherit(states, scheme.codes)
    by_aspect = {a.aspect_code: a for a in adjustments}
    finals = classification_rules.final_levels(
        inherited,
        [
            classification_rules.AdjustmentInput(a.aspect_code, a.level, a.reason, a.justification)
            for a in adjustments
        ],
    )
    rows = {
        code: AspectRow(
            code,
            inherited[code].computed,
            inherited[code].sources,
            by_aspect.get(code),
            finals[code],
        )
        for code in scheme.codes
    }
    tops = scheme.tops
    psa = classification_rules.initiative_requires_protective_security_analysis(
        states, finals, tops
    )
    triggers: set[str] = set()
    for asset in assets:
        triggers |= asset.triggers
    return InitiativeClassification(
        aspects=rows,
        tops=tops,
        status=classification_rules.classification_status(states),
        requires_protective_security_analysis=psa,
        blockers=classification_rules.blockers(states, requires_psa=psa),
        triggers=triggers,
    )


def _initiative_queryset(
    base: QuerySet[Initiative] | None = None, *, with_asset_departments: bool = True
) -> QuerySet[Initiative]:
    qs = Initiative.objects.all() if base is None else base
    assets = InformationAsset.objects.order_by("code")
    if with_asset_departments:  # the detail page names them; a list row only classifies
        assets = assets.select_related("department")
    return qs.select_related("department", "area").prefetch_related(
        Prefetch("assets", queryset=assets),
        Prefetch("adjustments", queryset=Adjustment.objects.order_by("aspect_code")),
    )


def visible_initiatives(user: User, organisation: Organisation | None) -> QuerySet[Initiative]:
    if organisation is None or not access.is_member(user, organisation):
        return Initiative.objects.none()
    qs = Initiative.objects.filter(organisation=organisation)
    ids = access.visible_department_ids(user, organisation)
    return qs if ids is None else qs.filter(department_id__in=ids)


def get_visible_initiative(user: User, organisation: Organisation | None, pk: int) -> Initiative:
    try:
        return (
            _initiative_queryset(visible_initiatives(user, organisation))
            .select_related("organisation")
            .get(pk=pk)
        )
    except Initiative.DoesNotExist as exc:
        raise Http404("No such initiative.") from exc


def initiative_classification(
    initiative: Initiative, scheme: frameworks.SchemeView | None = None
) -> InitiativeClassification:
    """``scheme``: the organisation's current scheme when the caller has loaded it already."""
    if scheme is None:
        scheme = frameworks.load_scheme(frameworks.current_scheme(initiative.organisation))
    return classify(
        initiative,
        list(initiative.assets.all()),
        list(initiative.adjustments.all()),
        scheme,
        timezone.localdate(),
    )


def initiative_list(
    user: User,
    organisation: Organisation | None,
    *,
    q: str = "",
    department_id: int | None = None,
    area_id: int | None = None,
) -> QuerySet[Initiative]:
    """One page of it loads its assets and adjustments in two queries (prefetched per page).
    No per-initiative aggregate here: it would group every initiative before the page is cut."""
    qs = _initiative_queryset(visible_initiatives(user, organisation), with_asset_departments=False)
    if q:
        qs = qs.filter(Q(code__icontains=q) | Q(name__icontains=q))
    if department_id:
        qs = qs.filter(department_id=department_id)
    if area_id:
        qs = qs.filter(area_id=area_id)
    return qs.order_by("code")


def classify_page(
    initiatives: list[Initiative], scheme: frameworks.SchemeView
) -> list[tuple[Initiative, InitiativeClassification]]:
    """Classify a page of initiatives with prefetched assets: no query per row."""
    today = timezone.localdate()
    return [
        (i, classify(i, list(i.assets.all()), list(i.adjustments.all()), scheme, today))
        for i in initiatives
    ]


# --- Action plans ------------------------------------------------------------------------------


@dataclass
class PlanItem:
    requirement: Requirement
    status: RequirementStatus | None

    @property
    def status_code(self) -> str:
        return self.status.status if self.status else ""


@dataclass
class ActionPlan:
    catalogue_version: int | None
    items: list[PlanItem]
    fulfilment: dict[str, classification_rules.Fulfilment]
    overall: classification_rules.Fulfilment


def action_plan(initiative: Initiative, classification: InitiativeClassification) -> ActionPlan:
    """Every requirement of the plan's catalogue version that the final levels (and the
    legal triggers of the assets) call for, with its self-assessed status."""
    catalogue = initiative.action_plan_catalogue or frameworks.current_catalogue(
        initiative.organisation
    )
    requirements = list(catalogue.requirements.all())
    applicable = {
        r.code
        for r in classification_rules.applicable_requirements(
            [
                classification_rules.RequirementRule(r.code, r.aspect_code, r.min_level, r.trigger)
                for r in requirements
            ],
            classification.finals,
            classification.triggers,
        )
    }
    statuses = {
        s.requirement_id: s
        for s in RequirementStatus.objects.filter(
            initiative=initiative, requirement__catalogue=catalogue
        )
    }
    items = [PlanItem(r, statuses.get(r.pk)) for r in requirements if r.code in applicable]
    return ActionPlan(
        catalogue_version=catalogue.version,
        items=items,
        fulfilment=classification_rules.fulfilment_by_aspect(
            (i.requirement.aspect_code, i.status_code) for i in items
        ),
        overall=classification_rules.fulfilment(i.status_code for i in items),
    )
