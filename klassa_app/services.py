"""Every change to organisations, departments and memberships goes through here.

Each ``do_*`` function checks permission, validates, writes in one transaction together
with its audit event, and enqueues its tasks on commit.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from klassa_app import access, audit
from klassa_app.models import (
    ORGANISATION_WIDE_ROLES,
    Department,
    Membership,
    Organisation,
    Role,
    User,
)
from klassa_app.queue import enqueue

DEPARTMENT_FIELDS = ("code", "name", "kind", "description", "is_active")
MEMBERSHIP_FIELDS = ("user", "role", "department")


class ServiceError(Exception):
    """Bad input: ``field`` names the form field at fault (None for the whole form)."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


def _require_admin(actor: User, organisation: Organisation) -> None:
    if not access.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only organisation admins may do this."))


def _clean_code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise ServiceError(_("Enter a code."), "code")
    return code


def _check_department_fields(department: Department) -> None:
    try:
        department.full_clean(exclude=["organisation"], validate_unique=False)
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field) from exc


# --- Organisations ---------------------------------------------------------------------------


@transaction.atomic
def do_create_organisation(
    *,
    actor: User | None,
    code: str,
    name: str,
    kind: str,
    admin_email: str,
    admin_name: str = "",
) -> Organisation:
    """Set up a new organisation with its first admin (installation command and demo)."""
    code = (code or "").strip().lower()
    if Organisation.objects.filter(code=code).exists():
        raise ServiceError(
            _("An organisation with code %(code)s already exists.") % {"code": code}, "code"
        )
    organisation = Organisation(code=code, name=(name or "").strip(), kind=kind)
    try:
        organisation.full_clean()
    except DjangoValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ServiceError(messages[0], field) from exc
    organisation.save()
    audit.record(
        actor=actor,
        organisation=organisation,
        action="organisation.created",
        obj=organisation,
        after={"code": organisation.code, "name": organisation.name, "kind": organisation.kind},
    )
    _add_membership(
        actor=actor,
        organisation=organisation,
        email=admin_email,
        full_name=admin_name,
        role=Role.ORG_ADMIN,
        department=None,
    )
    return organisation


# --- Departments ----------------------------------------------------------------------------


@transaction.atomic
def do_create_department(
    *,
    actor: User,
    organisation: Organisation,
    code: str,
    name: str,
    kind: str = Department.Kind.DEPARTMENT,
    description: str = "",
) -> Department:
    _require_admin(actor, organisation)
    department = Department(
        organisation=organisation,
        code=_clean_code(code),
        name=(name or "").strip(),
        kind=kind,
        description=(description or "").strip(),
    )
    _check_department_fields(department)
    if Department.objects.filter(organisation=organisation, code=department.code).exists():
        raise ServiceError(
            _("Another department already has the code %(code)s.") % {"code": department.code},
            "code",
        )
    try:
        with transaction.atomic():
            department.save()
    except IntegrityError as exc:  # a concurrent create won the race
        raise ServiceError(
            _("Another department already has the code %(code)s.") % {"code": department.code},
            "code",
        ) from exc
    audit.record(
        actor=actor,
        organisation=organisation,
        action="department.created",
        obj=department,
        after=audit.snapshot(department, DEPARTMENT_FIELDS),
    )
    return department


@transaction.atomic
def do_update_department(
    *,
    actor: User,
    department: Department,
    code: str,
    name: str,
    kind: str,
    description: str = "",
    is_active: bool = True,
) -> Department:
    organisation = department.organisation
    _require_admin(actor, organisation)
    department = Department.objects.select_for_update().get(pk=department.pk)
    before = audit.snapshot(department, DEPARTMENT_FIELDS)
    department.code = _clean_code(code)
    department.name = (name or "").strip()
    department.kind = kind
    department.description = (description or "").strip()
    department.is_active = is_active
    _check_department_fields(department)
    clash = Department.objects.filter(organisation=organisation, code=department.code).exclude(
        pk=department.pk
    )
    if clash.exists():
        raise ServiceError(
            _("Another department already has the code %(code)s.") % {"code": department.code},
            "code",
        )
    after = audit.snapshot(department, DEPARTMENT_FIELDS)
    if before == after:
        return department
    department.save()
    action = "department.updated"
    if before["is_active"] != after["is_active"]:
        action = "department.archived" if not department.is_active else "department.restored"
    audit.record(
        actor=actor,
        organisation=organisation,
        action=action,
        obj=department,
        before=before,
        after=after,
    )
    return department


# --- Memberships ----------------------------------------------------------------------------


def _validate_role_scope(
    organisation: Organisation, role: str, department: Department | None
) -> None:
    if role not in Role.values:
        raise ServiceError(_("Choose a role from the list."), "role")
    if department is not None and department.organisation_id != organisation.pk:
        raise ServiceError(_("Choose a department of this organisation."), "department")
    if role in ORGANISATION_WIDE_ROLES and department is not None:
        raise ServiceError(
            _("%(role)s acts for the whole organisation; leave the department empty.")
            % {"role": Role(role).label},
            "department",
        )
    if department is not None and not department.is_active:
        raise ServiceError(_("The department is archived."), "department")


def _membership_exists(
    user: User, organisation: Organisation, role: str, department: Department | None
) -> bool:
    return Membership.objects.filter(
        user=user, organisation=organisation, role=role, department=department
    ).exists()


def _add_membership(
    *,
    actor: User | None,
    organisation: Organisation,
    email: str,
    full_name: str,
    role: str,
    department: Department | None,
) -> Membership:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except DjangoValidationError as exc:
        raise ServiceError(_("Enter a valid e-mail address."), "email") from exc
    _validate_role_scope(organisation, role, department)
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        # No password yet: the invitation link lets the person choose one.
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
        audit.record(
            actor=actor,
            organisation=organisation,
            action="user.created",
            obj=user,
            after={"email": user.email, "full_name": user.full_name},
        )
    elif _membership_exists(user, organisation, role, department):
        raise ServiceError(_("%(email)s already has this role here.") % {"email": email}, "email")
    membership = Membership.objects.create(
        user=user,
        organisation=organisation,
        department=department,
        role=role,
        invited_by=actor if actor is not None and actor.pk else None,
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="membership.created",
        obj=membership,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
        object_repr=f"{user.email}: {Role(role).label}",
    )
    enqueue("klassa_app.tasks.send_invitation", membership.pk)
    return membership


@transaction.atomic
def do_invite_member(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    role: str,
    department: Department | None = None,
    full_name: str = "",
) -> Membership:
    """Give a person (new or known) a role; they get an e-mail with a link."""
    _require_admin(actor, organisation)
    return _add_membership(
        actor=actor,
        organisation=organisation,
        email=email,
        full_name=full_name,
        role=role,
        department=department,
    )


def _lock_admins(organisation: Organisation) -> list[Membership]:
    # Locking every admin row serialises concurrent demotions: two admins removing each
    # other at once cannot leave the organisation without one.
    return list(
        Membership.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(organisation=organisation, role=Role.ORG_ADMIN)
        .order_by("pk")
    )


def _ensure_not_last_admin(organisation: Organisation, membership: Membership) -> None:
    if membership.role != Role.ORG_ADMIN:
        return
    admins = _lock_admins(organisation)
    active_others = [m for m in admins if m.pk != membership.pk and m.user.is_active]
    if not active_others:
        raise ServiceError(_("An organisation must keep at least one organisation admin."), "role")


@transaction.atomic
def do_change_membership(
    *,
    actor: User,
    membership: Membership,
    role: str,
    department: Department | None,
) -> Membership:
    organisation = membership.organisation
    _require_admin(actor, organisation)
    membership = (
        Membership.objects.select_for_update()
        .select_related("user", "organisation")
        .get(pk=membership.pk)
    )
    _validate_role_scope(organisation, role, department)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    if membership.role == role and membership.department_id == (
        department.pk if department else None
    ):
        return membership
    if role != Role.ORG_ADMIN:
        _ensure_not_last_admin(organisation, membership)
    if _membership_exists(membership.user, organisation, role, department):
        raise ServiceError(_("The person already has this role here."), "role")
    membership.role = role
    membership.department = department
    membership.save(update_fields=["role", "department"])
    audit.record(
        actor=actor,
        organisation=organisation,
        action="membership.changed",
        obj=membership,
        before=before,
        after=audit.snapshot(membership, MEMBERSHIP_FIELDS),
        object_repr=f"{membership.user.email}: {membership.get_role_display()}",
    )
    access.forget_memberships(actor)
    return membership


@transaction.atomic
def do_remove_membership(*, actor: User, membership: Membership) -> None:
    organisation = membership.organisation
    _require_admin(actor, organisation)
    membership = Membership.objects.select_for_update().select_related("user").get(pk=membership.pk)
    _ensure_not_last_admin(organisation, membership)
    before = audit.snapshot(membership, MEMBERSHIP_FIELDS)
    label = f"{membership.user.email}: {membership.get_role_display()}"
    audit.record(
        actor=actor,
        organisation=organisation,
        action="membership.removed",
        obj=membership,
        before=before,
        object_repr=label,
    )
    membership.delete()
    access.forget_memberships(actor)
