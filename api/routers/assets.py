"""Information assets and their classification.

Reads go through the asset register's own selectors (``assessments.selectors``), so the API
sees exactly the assets the register page shows the same person; writes go through the
services the asset form uses, so they check the same permission and write the same audit
event. The classification of an asset is part of its detail and also has an endpoint of its
own (``/assets/{asset_id}/classification``) for callers that poll only it.
"""

from datetime import date, datetime
from typing import Annotated, Any, Literal

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from api.common import READ_ERRORS, WRITE_ERRORS, Pages, caller, organisation_of
from assessments import classification_rules, frameworks, selectors, services
from assessments.i18n import tr
from assessments.models import Assessment, InformationAsset
from klassa_app import access
from klassa_app.models import Department, Organisation
from klassa_app.services import ServiceError

router = Router(tags=["assets"])

# Ids are 64-bit; anything larger cannot exist (and must not reach the database).
MAX_ID = 2**63 - 1
# A scheme has at most MAX_LEVELS levels, numbered from 0 (the default scheme's are 0–4).
TOP_LEVEL = services.MAX_LEVELS - 1
Level = Annotated[int, Field(ge=0, le=TOP_LEVEL)]
ObjectId = Annotated[int, Path(ge=1, le=MAX_ID)]

AssetStatus = Literal["unclassified", "draft", "approved"]
AssessmentStatus = Literal["draft", "in_consensus", "awaiting_signoff", "approved", "superseded"]
PersonalDataChoice = Literal["no", "yes", "special_categories"]
AssetSort = Literal[
    "code", "-code", "name", "-name", "department", "-department", "status", "-status",
    "review", "-review",
]  # fmt: skip
Trigger = Literal["personal_data", "special_categories", "secrecy"]


# --- Schemas -----------------------------------------------------------------------------------


class DepartmentRef(Schema):
    id: int
    code: str
    name: str


class InitiativeRef(Schema):
    id: int
    code: str
    name: str


class AssetOut(Schema):
    """A row of the register: the asset's effective levels (its approved classification, or
    the one being worked on) per aspect code."""

    id: int
    code: str
    name: str
    department: DepartmentRef
    owner_role: str
    personal_data: PersonalDataChoice
    secrecy: bool
    protective_security: bool
    status: AssetStatus
    levels: dict[str, Level]
    review_due: date | None
    requires_protective_security_analysis: bool


class AspectResultOut(Schema):
    """One aspect of a classification: the level the answers give, the minimum the legal
    triggers impose, an override with its justification, and the final level."""

    code: str
    name: str
    computed: Level | None
    minimum: Level | None
    override: Level | None
    override_reason: str
    final: Level | None


class VersionOut(Schema):
    version: int
    status: AssessmentStatus
    source: str
    created_at: datetime
    approved_at: datetime | None
    approved_by: str | None
    review_due: date | None
    aspects: list[AspectResultOut]


class ClassificationOut(Schema):
    """``status`` is the asset's (unclassified, draft: being classified, approved);
    ``review_overdue`` tells an approved classification whose review date has passed.
    ``effective`` is the version whose levels count (the approved one, else the one being
    worked on); ``open`` a newer version still in progress (draft, in consensus or awaiting
    sign-off), if any."""

    status: AssetStatus
    review_due: date | None
    review_overdue: bool
    levels: dict[str, Level]
    effective: VersionOut | None
    open: VersionOut | None


class AssetDetailOut(AssetOut):
    description: str
    systems: str
    secrecy_reference: str
    legal_triggers: list[Trigger]
    created_at: datetime
    updated_at: datetime
    classification: ClassificationOut
    initiatives: list[InitiativeRef]
    can_edit: bool


class AssetIn(Schema):
    department_id: int = Field(..., ge=1, le=MAX_ID)
    code: str = Field(..., min_length=1, max_length=30)
    name: str = Field(..., min_length=1, max_length=200)
    description: str = Field("", max_length=10_000)
    owner_role: str = Field("", max_length=120)
    systems: str = Field("", max_length=300)
    personal_data: PersonalDataChoice = "no"
    secrecy: bool = False
    secrecy_reference: str = Field("", max_length=100)
    protective_security: bool = False


class AssetPatch(Schema):
    """Only the fields sent change; ``null`` is not a value for any of them."""

    department_id: int | None = Field(None, ge=1, le=MAX_ID)
    code: str | None = Field(None, min_length=1, max_length=30)
    name: str | None = Field(None, min_length=1, max_length=200)
    description: str | None = Field(None, max_length=10_000)
    owner_role: str | None = Field(None, max_length=120)
    systems: str | None = Field(None, max_length=300)
    personal_data: PersonalDataChoice | None = None
    secrecy: bool | None = None
    secrecy_reference: str | None = Field(None, max_length=100)
    protective_security: bool | None = None


class AssetFilters(Schema):
    q: str = Field("", max_length=100, description="Part of the code, name or systems.")
    department_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: AssetStatus | None = None
    personal_data: PersonalDataChoice | None = None
    review: Literal["overdue"] | None = Field(
        None, description="`overdue`: approved classifications whose review date has passed."
    )
    aspect: str | None = Field(
        None, max_length=4, description="With `min_level`: the aspect whose level counts."
    )
    min_level: int | None = Field(
        None,
        ge=0,
        le=TOP_LEVEL,
        description="Only assets with a level at least this (in `aspect`, or in any aspect).",
    )
    sort: AssetSort = "code"


# --- Building the answers ----------------------------------------------------------------------


def _scheme(organisation: Organisation) -> frameworks.SchemeView:
    return frameworks.load_scheme(frameworks.current_scheme(organisation))


def _version(assessment: Assessment, scheme: frameworks.SchemeView) -> dict[str, Any]:
    results = {r.aspect_code: r for r in assessment.results.all()}
    names = {a.code: str(tr(a.name)) for a in scheme.aspects}
    codes = [*scheme.codes, *sorted(set(results) - set(scheme.codes))]
    aspects = []
    for code in codes:
        result = results.get(code)
        aspects.append(
            {
                "code": code,
                "name": names.get(code, code),
                "computed": result.computed_level if result else None,
                "minimum": result.minimum_level if result else None,
                "override": result.override_level if result else None,
                "override_reason": result.override_reason if result else "",
                "final": result.final_level if result else None,
            }
        )
    return {
        "version": assessment.version,
        "status": assessment.status,
        "source": assessment.source,
        "created_at": assessment.created_at,
        "approved_at": assessment.approved_at,
        "approved_by": assessment.approved_by.get_full_name() if assessment.approved_by else None,
        "review_due": assessment.review_due,
        "aspects": aspects,
    }


def classification_of(asset: InformationAsset) -> dict[str, Any]:
    """The asset's classification as the asset page shows it (a few queries)."""
    assessments = [
        a for a in selectors.asset_assessments(asset) if a.status != Assessment.Status.SUPERSEDED
    ]
    approved = next((a for a in assessments if a.status == Assessment.Status.APPROVED), None)
    effective = approved or (assessments[0] if assessments else None)
    newest = assessments[0] if assessments else None
    in_progress = newest if newest is not None and newest is not approved else None
    scheme = frameworks.load_scheme(
        effective.scheme if effective else frameworks.current_scheme(asset.organisation)
    )
    return {
        "status": asset.status,
        "review_due": asset.review_due,
        "review_overdue": asset.status == InformationAsset.Status.APPROVED
        and classification_rules.review_is_overdue(asset.review_due, timezone.localdate()),
        "levels": dict(asset.levels or {}),
        "effective": _version(effective, scheme) if effective else None,
        "open": _version(in_progress, scheme)
        if in_progress is not None and in_progress is not effective
        else None,
    }


_ASSET_ATTRIBUTES = (
    "id",
    "code",
    "name",
    "owner_role",
    "personal_data",
    "secrecy",
    "protective_security",
    "status",
    "review_due",
    "requires_protective_security_analysis",
    "description",
    "systems",
    "secrecy_reference",
    "created_at",
    "updated_at",
)


def _detail(request: HttpRequest, asset: InformationAsset) -> dict[str, Any]:
    user = caller(request)
    initiatives = (
        selectors.visible_initiatives(user, asset.organisation)
        .filter(assets=asset)
        .order_by("code")
    )
    return {
        **{name: getattr(asset, name) for name in _ASSET_ATTRIBUTES},
        "department": asset.department,
        "levels": dict(asset.levels or {}),
        "legal_triggers": sorted(asset.triggers),
        "classification": classification_of(asset),
        "initiatives": list(initiatives),
        "can_edit": access.can_edit_assets(user, asset.department),
    }


def _department(request: HttpRequest, pk: int) -> Department:
    """A department the caller sees and that is in use; otherwise the field is wrong."""
    organisation = organisation_of(request)
    department = (
        access.visible_departments(caller(request), organisation)
        .filter(pk=pk, is_active=True)
        .first()
    )
    if department is None:
        raise ServiceError(_("Choose a department you work in."), "department_id")
    return department


def _renamed(error: ServiceError) -> ServiceError:
    """The services name the department ``department``; the API calls it ``department_id``."""
    if error.field == "department":
        return ServiceError(error.message, "department_id")
    return error


# --- Endpoints ---------------------------------------------------------------------------------


@router.get("/assets", response={200: list[AssetOut], **READ_ERRORS})
@paginate(Pages)
def assets(request: HttpRequest, filters: Query[AssetFilters]) -> QuerySet[InformationAsset]:
    """The asset register as the caller's register page lists it, with its filters."""
    organisation = organisation_of(request)
    qs = selectors.asset_register(
        caller(request),
        organisation,
        q=filters.q.strip(),
        department_id=filters.department_id,
        status=filters.status or "",
        personal_data=filters.personal_data or "",
        review=filters.review or "",
        sort=filters.sort,
    )
    if filters.min_level is not None:
        codes = [filters.aspect] if filters.aspect else _scheme(organisation).codes
        at_least = Q()
        for code in codes:
            if code.isalnum():
                at_least |= Q(**{f"levels__{code}__gte": filters.min_level})
        qs = qs.filter(at_least) if at_least else qs.none()
    return qs


@router.get("/assets/{asset_id}", response={200: AssetDetailOut, **READ_ERRORS})
def asset(request: HttpRequest, asset_id: ObjectId) -> dict[str, Any]:
    """One asset with its levels, legal triggers, classification and the initiatives (that
    the caller sees) that use it."""
    found = selectors.get_visible_asset(caller(request), organisation_of(request), asset_id)
    return _detail(request, found)


@router.get("/assets/{asset_id}/classification", response={200: ClassificationOut, **READ_ERRORS})
def asset_classification(request: HttpRequest, asset_id: ObjectId) -> dict[str, Any]:
    """The asset's classification: its status, the effective version and one in progress,
    each with its levels per aspect and who approved it when."""
    found = selectors.get_visible_asset(caller(request), organisation_of(request), asset_id)
    return classification_of(found)


@router.post("/assets", response={201: AssetDetailOut, **WRITE_ERRORS})
def create_asset(request: HttpRequest, payload: AssetIn) -> Status:
    """Register an information asset, as the asset form does (same rules, same audit)."""
    fields = payload.dict()
    department = _department(request, fields.pop("department_id"))
    try:
        created = services.do_create_asset(actor=caller(request), department=department, **fields)
    except ServiceError as error:
        raise _renamed(error) from error
    found = selectors.get_visible_asset(caller(request), organisation_of(request), created.pk)
    return Status(201, _detail(request, found))


@router.patch("/assets/{asset_id}", response={200: AssetDetailOut, **WRITE_ERRORS})
def update_asset(request: HttpRequest, asset_id: ObjectId, payload: AssetPatch) -> dict[str, Any]:
    """Change an asset's fields, as the asset form does (same rules, same audit)."""
    organisation = organisation_of(request)
    found = selectors.get_visible_asset(caller(request), organisation, asset_id)
    fields = payload.dict(exclude_unset=True)
    for name, value in fields.items():
        if value is None:
            raise ServiceError(_("Leave the field out instead of sending null."), name)
    if "department_id" in fields:
        fields["department"] = _department(request, fields.pop("department_id"))
    try:
        services.do_update_asset(actor=caller(request), asset=found, **fields)
    except ServiceError as error:
        raise _renamed(error) from error
    return _detail(request, selectors.get_visible_asset(caller(request), organisation, asset_id))
