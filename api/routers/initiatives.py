"""Initiatives: the levels they inherit from their information assets (and where each comes
from), their readiness for an investment decision, and their action plans.

The figures are those of the initiative pages: the list and the detail classify with
``assessments.selectors.classify`` (the maximum of the linked assets' levels per aspect,
then the justified adjustments); readiness is the portfolio's, from the stored figures. A
requirement's status is set through ``do_set_requirement_status``, as on the action-plan page.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Path, Query, Router, Schema
from ninja.pagination import paginate

from api.common import READ_ERRORS, WRITE_ERRORS, Pages, caller, organisation_of
from api.routers.assets import MAX_ID, DepartmentRef, Level, ObjectId
from assessments import classification_rules, frameworks, selectors, services
from assessments.i18n import tr
from assessments.models import Initiative, Requirement
from klassa_app import access
from portfolio import pages as portfolio_pages
from portfolio import selectors as portfolio_selectors
from portfolio.models import InitiativeFigures

router = Router(tags=["initiatives"])

ClassificationStatus = Literal["incomplete", "provisional", "approved"]
RequirementStatusChoice = Literal["", "fulfilled", "partly", "not", "na"]
RequirementCode = Annotated[
    str, Path(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
]


# --- Schemas -----------------------------------------------------------------------------------


class AreaRef(Schema):
    id: int
    name: str


class InitiativeOut(Schema):
    """A row of the initiative list: the final level per aspect code (inherited, then
    adjusted) and the classification status of its assets."""

    id: int
    code: str
    name: str
    department: DepartmentRef
    area: AreaRef | None
    classification_status: ClassificationStatus
    levels: dict[str, Level | None]
    requires_protective_security_analysis: bool
    asset_count: int


class AdjustmentOut(Schema):
    level: Level
    reason: Literal["cumulation", "aggregation", "dependency", "distribution", "other"]
    justification: str
    applies: bool = Field(
        ...,
        description="False when an asset's level has since risen above an adjustment that "
        "is not a distribution effect: it then lowers nothing.",
    )


class AspectOut(Schema):
    """``inherited`` is the highest level of the linked assets, ``sources`` the assets that
    carry it; ``final`` is after the adjustment; ``top`` the scheme's highest level."""

    code: str
    name: str
    inherited: Level | None
    sources: list[str]
    adjustment: AdjustmentOut | None
    final: Level | None
    top: Level


class LinkedAssetOut(Schema):
    id: int
    code: str
    name: str
    department: DepartmentRef
    status: Literal["unclassified", "draft", "approved"]
    levels: dict[str, Level]
    review_due: date | None


class ReadinessItemOut(Schema):
    code: str = Field(..., description="As the register format writes it: `kind:asset code`.")
    label: str


class ReadinessOut(Schema):
    ready: bool
    blockers: list[ReadinessItemOut]
    advisories: list[ReadinessItemOut]


class InitiativeDetailOut(InitiativeOut):
    description: str
    legal_triggers: list[Literal["personal_data", "special_categories", "secrecy"]]
    aspects: list[AspectOut]
    blockers: list[str] = Field(
        ..., description="What blocks the classification (the initiative page's list)."
    )
    readiness: ReadinessOut | None = Field(
        ...,
        description="Readiness for an investment decision, with the benefit model and "
        "advisories (the portfolio's); null until its figures are computed.",
    )
    assets: list[LinkedAssetOut]
    can_edit: bool
    created_at: datetime
    updated_at: datetime


class FulfilmentOut(Schema):
    total: int
    fulfilled: int
    partly: int
    not_fulfilled: int
    not_applicable: int
    not_assessed: int
    percent: Decimal | None = Field(
        ..., description="Fulfilled whole, partly half, over the applicable ones."
    )


class PlanItemOut(Schema):
    code: str
    aspect: str
    min_level: Level
    trigger: Literal["", "personal_data", "special_categories", "secrecy"]
    title: str
    text: str
    status: RequirementStatusChoice
    comment: str
    updated_at: datetime | None


class ActionPlanOut(Schema):
    """The requirements the final levels (and the assets' legal triggers) call for, from the
    catalogue version the plan was made with."""

    catalogue_version: int | None
    current_catalogue_version: int | None
    overall: FulfilmentOut
    by_aspect: dict[str, FulfilmentOut]
    items: list[PlanItemOut]


class RequirementStatusIn(Schema):
    status: RequirementStatusChoice = Field(
        ..., description="`fulfilled`, `partly`, `not`, `na` or `` (not assessed)."
    )
    comment: str = Field("", max_length=5_000)


class InitiativeFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the code or name.")
    department_id: int | None = Field(None, ge=1, le=MAX_ID)
    area_id: int | None = Field(None, ge=1, le=MAX_ID)


# --- Building the answers ----------------------------------------------------------------------


def _scheme(request: HttpRequest) -> frameworks.SchemeView:
    """The organisation's current scheme, loaded once per request."""
    scheme = getattr(request, "_klassa_scheme", None)
    if scheme is None:
        scheme = frameworks.load_scheme(frameworks.current_scheme(organisation_of(request)))
        request._klassa_scheme = scheme  # type: ignore[attr-defined]
    return scheme


def _row(
    initiative: Initiative, classification: selectors.InitiativeClassification
) -> dict[str, Any]:
    return {
        "id": initiative.pk,
        "code": initiative.code,
        "name": initiative.name,
        "department": initiative.department,
        "area": initiative.area,
        "classification_status": classification.status,
        "levels": classification.finals,
        "requires_protective_security_analysis": (
            classification.requires_protective_security_analysis
        ),
        "asset_count": len(initiative.assets.all()),
    }


def _fulfilment(item: classification_rules.Fulfilment) -> dict[str, Any]:
    return {
        "total": item.total,
        "fulfilled": item.fulfilled,
        "partly": item.partly,
        "not_fulfilled": item.not_fulfilled,
        "not_applicable": item.not_applicable,
        "not_assessed": item.not_assessed,
        "percent": None if item.percent is None else round(item.percent, 2),
    }


def _readiness(initiative: Initiative) -> dict[str, Any] | None:
    try:
        initiative.figures  # noqa: B018  (read to know whether it is stored)
    except InitiativeFigures.DoesNotExist:
        return None
    settings = portfolio_selectors.portfolio_settings(initiative.organisation)
    today = timezone.localdate()
    waiting = portfolio_pages.waiting_on([initiative.pk], today).get(initiative.pk)
    row = portfolio_pages.row_of(initiative, settings, today, None, waiting)
    return {
        "ready": row.ready,
        "blockers": [{"code": i.code, "label": i.label} for i in row.blockers],
        "advisories": [{"code": i.code, "label": i.label} for i in row.advisories],
    }


def _visible(request: HttpRequest, initiative_id: int) -> Initiative:
    return selectors.get_visible_initiative(
        caller(request), organisation_of(request), initiative_id
    )


# --- Endpoints ---------------------------------------------------------------------------------


@router.get("/initiatives", response={200: list[InitiativeOut], **READ_ERRORS})
@paginate(Pages)
def initiatives(request: HttpRequest, filters: Query[InitiativeFilters]) -> QuerySet[Initiative]:
    """The initiatives the caller's initiative list shows, with its filters, each classified
    as that page classifies it."""
    qs = selectors.initiative_list(
        caller(request),
        organisation_of(request),
        q=filters.q.strip(),
        department_id=filters.department_id,
        area_id=filters.area_id,
    )
    return _RowsOf(qs, request)  # type: ignore[return-value]


class _RowsOf:
    """The queryset as the paginator sees it (``count`` and a slice); a slice comes back
    classified, so a page costs the list's queries whatever its length."""

    def __init__(self, qs: QuerySet[Initiative], request: HttpRequest) -> None:
        self.qs, self.request = qs, request

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index: slice) -> list[dict[str, Any]]:
        page = list(self.qs[index])
        if not page:
            return []
        return [_row(i, c) for i, c in selectors.classify_page(page, _scheme(self.request))]


@router.get("/initiatives/{initiative_id}", response={200: InitiativeDetailOut, **READ_ERRORS})
def initiative(request: HttpRequest, initiative_id: ObjectId) -> dict[str, Any]:
    """One initiative: per aspect the inherited level, the assets that give it, the
    adjustment and the final level; what blocks it; its readiness; its assets."""
    found = _visible(request, initiative_id)
    scheme = _scheme(request)
    classification = selectors.initiative_classification(found, scheme)
    tops = scheme.tops
    aspects = []
    for aspect in scheme.aspects:
        row = classification.aspects[aspect.code]
        adjustment = None
        if row.adjustment is not None:
            adjustment = {
                "level": row.adjustment.level,
                "reason": row.adjustment.reason,
                "justification": row.adjustment.justification,
                "applies": row.final == row.adjustment.level
                and classification_rules.adjustment_applies(
                    classification_rules.AdjustmentInput(
                        row.adjustment.aspect_code,
                        row.adjustment.level,
                        row.adjustment.reason,
                        row.adjustment.justification,
                    ),
                    row.computed,
                ),
            }
        aspects.append(
            {
                "code": aspect.code,
                "name": str(tr(aspect.name)),
                "inherited": row.computed,
                "sources": list(row.sources),
                "adjustment": adjustment,
                "final": row.final,
                "top": tops[aspect.code],
            }
        )
    linked = list(found.assets.all())
    return {
        **_row(found, classification),
        "description": found.description,
        "legal_triggers": sorted(classification.triggers),
        "aspects": aspects,
        "blockers": classification.blockers,
        "readiness": _readiness(found),
        "assets": [
            {
                "id": a.pk,
                "code": a.code,
                "name": a.name,
                "department": a.department,
                "status": a.status,
                "levels": dict(a.levels or {}),
                "review_due": a.review_due,
            }
            for a in linked
        ],
        "can_edit": access.can_edit_initiatives(caller(request), found.department),
        "created_at": found.created_at,
        "updated_at": found.updated_at,
    }


def _plan(request: HttpRequest, found: Initiative) -> dict[str, Any]:
    classification = selectors.initiative_classification(found, _scheme(request))
    plan = selectors.action_plan(found, classification)
    return {
        "catalogue_version": plan.catalogue_version,
        "current_catalogue_version": frameworks.current_catalogue(found.organisation).version,
        "overall": _fulfilment(plan.overall),
        "by_aspect": {code: _fulfilment(f) for code, f in plan.fulfilment.items()},
        "items": [
            {
                "code": item.requirement.code,
                "aspect": item.requirement.aspect_code,
                "min_level": item.requirement.min_level,
                "trigger": item.requirement.trigger,
                "title": str(tr(item.requirement.title) or ""),
                "text": str(tr(item.requirement.is_text) or ""),
                "status": item.status_code,
                "comment": item.status.comment if item.status else "",
                "updated_at": item.status.updated_at if item.status else None,
            }
            for item in plan.items
        ],
    }


@router.get(
    "/initiatives/{initiative_id}/action-plan", response={200: ActionPlanOut, **READ_ERRORS}
)
def initiative_action_plan(request: HttpRequest, initiative_id: ObjectId) -> dict[str, Any]:
    """The action plan: the requirements that follow from the levels, with their statuses
    and how far they are fulfilled, overall and per aspect."""
    return _plan(request, _visible(request, initiative_id))


@router.put(
    "/initiatives/{initiative_id}/action-plan/{requirement_code}",
    response={200: ActionPlanOut, **WRITE_ERRORS},
)
def set_requirement_status(
    request: HttpRequest,
    initiative_id: ObjectId,
    requirement_code: RequirementCode,
    payload: RequirementStatusIn,
) -> dict[str, Any]:
    """Set the status of one requirement of the plan's catalogue (as the action-plan page
    does); answers the plan as it is then."""
    found = _visible(request, initiative_id)
    requirement = Requirement.objects.filter(
        catalogue_id=found.action_plan_catalogue_id, code=requirement_code
    ).first()
    if requirement is None or found.action_plan_catalogue_id is None:
        raise Http404("No such requirement in this plan.")
    services.do_set_requirement_status(
        actor=caller(request),
        initiative=found,
        requirement=requirement,
        status=payload.status,
        comment=payload.comment,
    )
    return _plan(request, _visible(request, initiative_id))
