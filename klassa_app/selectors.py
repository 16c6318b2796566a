"""Reads for the core pages; each runs a fixed number of queries whatever the data size."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from klassa_app import access
from klassa_app.audit_labels import ACTION_LABELS, action_label
from klassa_app.models import AuditEvent, Department, Membership, Organisation, User


@dataclass(frozen=True)
class MyDepartment:
    department: Department
    roles: list[str]  # the user's own role labels here, including organisation-wide ones


def my_departments(user: User, organisation: Organisation | None) -> list[MyDepartment]:
    """The departments the user works in (all of them for organisation-wide roles)."""
    if organisation is None:
        return []
    memberships = [m for m in access.memberships_of(user) if m.organisation_id == organisation.pk]
    org_wide = [m.get_role_display() for m in memberships if m.department_id is None]
    per_department: dict[int, list[str]] = {}
    for m in memberships:
        if m.department_id is not None:
            per_department.setdefault(m.department_id, []).append(m.get_role_display())
    departments = access.visible_departments(user, organisation).filter(is_active=True)
    departments = departments.annotate(member_count=Count("memberships__user", distinct=True))
    return [
        MyDepartment(d, per_department.get(d.pk, []) + org_wide)
        for d in departments.order_by("name")
    ]


def department_list(
    user: User, organisation: Organisation | None, *, q: str = "", status: str = "active"
) -> QuerySet[Department]:
    qs = access.visible_departments(user, organisation)
    if status == "active":
        qs = qs.filter(is_active=True)
    elif status == "archived":
        qs = qs.filter(is_active=False)
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
    return qs.annotate(member_count=Count("memberships__user", distinct=True)).order_by("name")


def department_members(department: Department) -> QuerySet[Membership]:
    """Members of the department itself, then everyone acting for the whole organisation."""
    return (
        Membership.objects.filter(
            Q(department=department)
            | Q(organisation_id=department.organisation_id, department__isnull=True)
        )
        .select_related("user", "department")
        .order_by("department", "user__full_name", "user__email", "role")
    )


def member_list(
    organisation: Organisation, *, q: str = "", role: str = "", department_id: int | None = None
) -> QuerySet[Membership]:
    qs = Membership.objects.filter(organisation=organisation).select_related("user", "department")
    if q:
        qs = qs.filter(Q(user__email__icontains=q) | Q(user__full_name__icontains=q))
    if role:
        qs = qs.filter(role=role)
    if department_id:
        qs = qs.filter(department_id=department_id)
    return qs.order_by("user__full_name", "user__email", "department__name", "role")


# Å, Ä, Ö come after Z in Swedish; code points would put Ä before Å.
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "ö": "}"})


def audit_actions() -> list[str]:
    """Every action the code records, in the order of its name in the active language. Read
    from the catalogue, not the events: a DISTINCT over the trail grows with every change."""
    return sorted(
        ACTION_LABELS,
        key=lambda code: (action_label(code).casefold().translate(_SWEDISH_ORDER), code),
    )


def audit_events(
    organisation: Organisation,
    *,
    q: str = "",
    action: str = "",
    date_from: date | None = None,
    date_to: date | None = None,
) -> QuerySet[AuditEvent]:
    qs = AuditEvent.objects.filter(organisation=organisation)
    if q:
        qs = qs.filter(Q(actor_label__icontains=q) | Q(object_repr__icontains=q))
    if action:
        qs = qs.filter(action=action)
    tz = timezone.get_current_timezone()
    if date_from:
        qs = qs.filter(created_at__gte=datetime.combine(date_from, time.min, tzinfo=tz))
    if date_to:
        qs = qs.filter(created_at__lte=datetime.combine(date_to, time.max, tzinfo=tz))
    return qs.order_by("-created_at", "-id")
