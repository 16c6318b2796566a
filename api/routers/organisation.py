"""The caller's organisation and the departments they may see."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate

from api.common import READ_ERRORS, Pages, caller, organisation_of
from klassa_app import access
from klassa_app.models import Department

router = Router(tags=["organisation"])


class OrganisationOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    review_interval_months: int
    roles: list[str]


class DepartmentOut(Schema):
    id: int
    code: str
    name: str
    kind: str
    description: str
    is_active: bool


@router.get("/organisation", response={200: OrganisationOut, **READ_ERRORS})
def organisation(request: HttpRequest) -> dict:
    """The organisation the token (or the signed-in person) works in, and the caller's roles."""
    org = organisation_of(request)
    return {
        "id": org.pk,
        "code": org.code,
        "name": org.name,
        "kind": org.kind,
        "review_interval_months": org.review_interval_months,
        "roles": sorted(access.roles_in(caller(request), org)),
    }


@router.get("/departments", response={200: list[DepartmentOut], **READ_ERRORS})
@paginate(Pages)
def departments(request: HttpRequest, include_archived: bool = False) -> list[Department]:
    """The departments the caller may see (all of them for organisation-wide roles)."""
    org = organisation_of(request)
    departments = access.visible_departments(caller(request), org).order_by("code", "pk")
    if not include_archived:
        departments = departments.filter(is_active=True)
    return departments  # type: ignore[return-value]


@router.get("/departments/{department_id}", response={200: DepartmentOut, **READ_ERRORS})
def department(request: HttpRequest, department_id: int) -> Department:
    org = organisation_of(request)
    return access.get_visible_department(caller(request), org, department_id)
