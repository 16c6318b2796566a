"""Who may see and change what — the one place that answers it.

A person sees the departments they are a member of. A membership without a department
covers the whole organisation (organisation admins and security officers always have such
memberships). Nobody sees an organisation they have no membership in; Django superusers
included, since the technical admin is not a way into an organisation's data.

Memberships are read once per request and kept on the user object, so permission checks in
templates and loops cost no queries.

Every ``can_*`` is a django-rules predicate, callable as ``can_x(user, obj)`` by services and
registered as a named permission for views (``klassa_app.viewhelpers.permission_required``).
Permission names are ``klassa.<verb>_<thing>`` in every app, so they never read like an audit
action (``<thing>.<verb>``).
Each app keeps its own permissions; this module holds those of the core and of assessments:

- ``klassa_app/access.py`` (here): ``klassa.manage_organisation``, ``klassa.view_audit``,
  ``klassa.import_register``, ``klassa.approve_classifications``, ``klassa.manage_frameworks``,
  ``klassa.view_department``, ``klassa.edit_assets``, ``klassa.edit_initiatives``.
- ``benefits/permissions.py``: ``klassa.edit_benefit_model``, ``klassa.edit_tracking``,
  ``klassa.record_actuals``.
- ``portfolio/permissions.py``: ``klassa.manage_portfolio``, ``klassa.set_priority``.

Views check a permission by name with ``rules.has_perm`` (never ``user.has_perm``: Django's
model backend grants a superuser everything, and a superuser is no member of anything).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import rules
from django.db.models import Q, QuerySet
from django.http import Http404

from klassa_app.models import Department, Membership, Organisation, Role, User

_CACHE_ATTR = "_klassa_memberships"


def memberships_of(user: User) -> list[Membership]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = list(
            Membership.objects.filter(user=user)
            .select_related("organisation", "department")
            .order_by("organisation__name", "department__name", "role")
        )
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user: User) -> None:
    """Drop the per-request cache after the user's own memberships changed."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def organisations_for(user: User) -> list[Organisation]:
    seen: dict[int, Organisation] = {}
    for m in memberships_of(user):
        seen.setdefault(m.organisation_id, m.organisation)
    return sorted(seen.values(), key=lambda o: o.name)


def _in(user: User, organisation: Organisation | None) -> list[Membership]:
    if organisation is None:
        return []
    return [m for m in memberships_of(user) if m.organisation_id == organisation.pk]


def roles_in(user: User, organisation: Organisation | None) -> set[str]:
    return {m.role for m in _in(user, organisation)}


def _has_role(user: User, organisation: Organisation | None, roles: Iterable[str]) -> bool:
    wanted = set(roles)
    return any(m.role in wanted for m in _in(user, organisation))


@rules.predicate
def is_org_admin(user: User, organisation: Organisation | None) -> bool:
    return _has_role(user, organisation, {Role.ORG_ADMIN})


@rules.predicate
def is_security_officer(user: User, organisation: Organisation | None) -> bool:
    return _has_role(user, organisation, {Role.SECURITY_OFFICER})


@rules.predicate
def sees_whole_organisation(user: User, organisation: Organisation | None) -> bool:
    return any(m.department_id is None for m in _in(user, organisation))


@rules.predicate
def is_org_wide_viewer(user: User, organisation: Organisation | None) -> bool:
    return any(m.department_id is None and m.role == Role.VIEWER for m in _in(user, organisation))


@rules.predicate
def can_manage_organisation(user: User, organisation: Organisation | None) -> bool:
    """Create and edit departments, invite members and change their roles."""
    return is_org_admin(user, organisation)


@rules.predicate
def can_view_audit(user: User, organisation: Organisation | None) -> bool:
    return (
        is_org_admin(user, organisation)
        or is_security_officer(user, organisation)
        or is_org_wide_viewer(user, organisation)
    )


@rules.predicate
def can_import_register(user: User, organisation: Organisation | None) -> bool:
    """Import a register file from the web (the command imports as nobody). Approved
    classifications in the file need the officer's own right besides this one."""
    return is_org_admin(user, organisation) or is_security_officer(user, organisation)


def is_member(user: User, organisation: Organisation | None) -> bool:
    return bool(_in(user, organisation))


def visible_department_ids(user: User, organisation: Organisation | None) -> set[int] | None:
    """Ids of the departments the user sees; ``None`` means every department."""
    memberships = _in(user, organisation)
    if any(m.department_id is None for m in memberships):
        return None
    return {m.department_id for m in memberships if m.department_id is not None}


def visible_departments(user: User, organisation: Organisation | None) -> QuerySet[Department]:
    if organisation is None or not is_member(user, organisation):
        return Department.objects.none()
    qs = Department.objects.filter(organisation=organisation)
    ids = visible_department_ids(user, organisation)
    return qs if ids is None else qs.filter(pk__in=ids)


def roles_for_department(user: User, department: Department) -> set[str]:
    """The user's roles that act on this department: its own and organisation-wide ones."""
    return {
        m.role
        for m in memberships_of(user)
        if m.organisation_id == department.organisation_id
        and (m.department_id is None or m.department_id == department.pk)
    }


# Who may describe and classify a department's information assets.
ASSET_EDITOR_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.SECURITY_OFFICER, Role.BUSINESS_OWNER, Role.LEGAL_REVIEWER, Role.DPO}
)
# Who may describe a department's initiatives and their action plans.
INITIATIVE_EDITOR_ROLES = frozenset(
    {Role.ORG_ADMIN, Role.SECURITY_OFFICER, Role.BUSINESS_OWNER, Role.ECONOMIST}
)


@rules.predicate
def can_edit_assets(user: User, department: Department) -> bool:
    return bool(roles_for_department(user, department) & ASSET_EDITOR_ROLES)


@rules.predicate
def can_edit_initiatives(user: User, department: Department) -> bool:
    return bool(roles_for_department(user, department) & INITIATIVE_EDITOR_ROLES)


@rules.predicate
def can_approve_classifications(user: User, organisation: Organisation | None) -> bool:
    """Until consensus sessions exist, the security officer approves directly."""
    return is_security_officer(user, organisation)


@rules.predicate
def can_manage_frameworks(user: User, organisation: Organisation | None) -> bool:
    """Edit the scheme, the question bank and the requirement catalogue."""
    return is_security_officer(user, organisation)


@rules.predicate
def can_view_department(user: User, department: Department) -> bool:
    memberships = [
        m for m in memberships_of(user) if m.organisation_id == department.organisation_id
    ]
    return any(m.department_id in (None, department.pk) for m in memberships)


# Every permission by name (``rules.has_perm(name, user, obj)``, the view decorator
# ``klassa_app.viewhelpers.permission_required``); the object is an organisation or a department.
rules.add_perm("klassa.manage_organisation", can_manage_organisation)
rules.add_perm("klassa.view_audit", can_view_audit)
rules.add_perm("klassa.import_register", can_import_register)
rules.add_perm("klassa.approve_classifications", can_approve_classifications)
rules.add_perm("klassa.manage_frameworks", can_manage_frameworks)
rules.add_perm("klassa.view_department", can_view_department)
rules.add_perm("klassa.edit_assets", can_edit_assets)
rules.add_perm("klassa.edit_initiatives", can_edit_initiatives)


def get_visible_department(user: User, organisation: Organisation | None, pk: int) -> Department:
    """The department, or 404 — also for one that exists in another organisation."""
    try:
        return visible_departments(user, organisation).get(pk=pk)
    except Department.DoesNotExist as exc:
        raise Http404("No such department.") from exc


def get_manageable_membership(user: User, organisation: Organisation | None, pk: int) -> Membership:
    """A membership the user may change: 404 unless they administer its organisation."""
    if not can_manage_organisation(user, organisation):
        raise Http404("No such membership.")
    try:
        return Membership.objects.select_related("user", "department", "organisation").get(
            pk=pk, organisation=organisation
        )
    except Membership.DoesNotExist as exc:
        raise Http404("No such membership.") from exc


def covering_filter(
    user: User,
    *,
    organisation_path: str = "organisation",
    department_paths: Iterable[str] = (),
    whole: Callable[[User, Organisation], bool] = sees_whole_organisation,
) -> Q:
    """The rows a user holds a covering membership for, as a filter on any model: every row of
    an organisation where ``whole(user, organisation)`` holds (by default an
    organisation-wide membership), else the rows whose department (reached by any of
    ``department_paths``) the user sees. Rows of other organisations never match, superusers
    included; a row without a department needs ``whole``. For the technical admin's lists."""
    paths = tuple(department_paths)
    scope = Q(pk__in=[])
    for organisation in organisations_for(user):
        if whole(user, organisation):
            scope |= Q(**{organisation_path: organisation.pk})
            continue
        ids = visible_department_ids(user, organisation)
        for path in paths:
            if ids is None:
                scope |= Q(**{f"{path}__organisation": organisation.pk})
            else:
                scope |= Q(**{f"{path}__in": sorted(ids)})
    return scope
