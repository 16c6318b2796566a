"""Creating, finding and revoking API tokens (the writes audit; the secret is shown once)."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from api.models import ApiToken
from klassa_app import access, audit
from klassa_app.models import Department, Membership, Organisation, Role, User
from klassa_app.services import ServiceError

TOKEN_PREFIX = "klassa_"  # noqa: S105  (the marker every token starts with, not a secret)
MAX_LIFETIME_DAYS = 366
# Service accounts may hold any role but the admin's: a leaked integration token must not be
# able to change who works in the organisation.
SERVICE_ROLES = [role for role in Role.values if role != Role.ORG_ADMIN]
# A use is written to the token row at most this often, so reading does not write each time.
LAST_USED_RESOLUTION = timedelta(minutes=1)
TOKEN_FIELDS = ["name", "kind", "scope", "prefix", "user", "expires_at"]


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown to its creator once, never stored


def digest_of(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_admin(actor: User, organisation: Organisation) -> None:
    if not access.can_manage_organisation(actor, organisation):
        raise PermissionDenied(_("Only organisation admins may do this."))


def _service_account(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    role: str,
    department: Department | None,
    prefix: str,
) -> User:
    if role not in SERVICE_ROLES:
        raise ServiceError(_("Choose a role other than organisation admin."), "role")
    if department is not None and department.organisation_id != organisation.pk:
        raise ServiceError(_("Choose a department of this organisation."), "department")
    if role in {Role.SECURITY_OFFICER} and department is not None:
        raise ServiceError(_("This role acts for the whole organisation."), "department")
    # A reserved domain (.invalid), so no mail is ever sent and no person can sign in as it.
    email = (
        f"{slugify(name)[:40] or 'service'}.{prefix.lower()}@{organisation.code}.service.invalid"
    )
    user = User.objects.create_user(email=email, password=None, full_name=name)
    membership = Membership.objects.create(
        user=user, organisation=organisation, department=department, role=role, invited_by=actor
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="api_token.service_account_created",
        obj=membership,
        after={"email": email, "role": role, "department": department.pk if department else None},
        object_repr=f"{name}: {Role(role).label}",
    )
    return user


@transaction.atomic
def do_create_token(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    scope: str,
    days: int,
    kind: str = ApiToken.Kind.PERSONAL,
    service_role: str | None = None,
    service_department: Department | None = None,
) -> NewToken:
    """A new token; its secret is in the result and nowhere else."""
    _require_admin(actor, organisation)
    name = (name or "").strip()
    if not name:
        raise ServiceError(_("Give the token a name that says what uses it."), "name")
    if len(name) > 100:
        raise ServiceError(_("At most 100 characters."), "name")
    if scope not in ApiToken.Scope.values:
        raise ServiceError(_("Choose read or read and write."), "scope")
    if kind not in ApiToken.Kind.values:
        raise ServiceError(_("Choose a personal token or a service account."), "kind")
    if not 1 <= days <= MAX_LIFETIME_DAYS:
        raise ServiceError(
            _("A token lives from 1 to %(days)s days.") % {"days": MAX_LIFETIME_DAYS}, "days"
        )
    body = secrets.token_urlsafe(32)
    secret = f"{TOKEN_PREFIX}{body}"
    prefix = body[:8]
    if kind == ApiToken.Kind.SERVICE:
        user = _service_account(
            actor=actor,
            organisation=organisation,
            name=name,
            role=service_role or "",
            department=service_department,
            prefix=prefix,
        )
    else:
        user = actor
    token = ApiToken.objects.create(
        organisation=organisation,
        user=user,
        kind=kind,
        name=name,
        scope=scope,
        prefix=prefix,
        digest=digest_of(secret),
        created_by=actor,
        expires_at=timezone.now() + timedelta(days=days),
    )
    audit.record(
        actor=actor,
        organisation=organisation,
        action="api_token.created",
        obj=token,
        after=audit.snapshot(token, TOKEN_FIELDS),
    )
    return NewToken(token=token, secret=secret)


@transaction.atomic
def do_revoke_token(*, actor: User, token: ApiToken) -> None:
    _require_admin(actor, token.organisation)
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.revoked_by = actor
    token.save(update_fields=["revoked_at", "revoked_by"])
    audit.record(
        actor=actor, organisation=token.organisation, action="api_token.revoked", obj=token
    )


def usable_token(secret: str, now: datetime | None = None) -> ApiToken | None:
    """The token this secret belongs to, when it is neither revoked nor expired and its user
    is active and still a member of the token's organisation."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    token = (
        ApiToken.objects.select_related("user", "organisation")
        .filter(digest=digest_of(secret))
        .first()
    )
    if token is None or not token.is_usable(now) or not token.user.is_active:
        return None
    if not access.is_member(token.user, token.organisation):
        return None
    return token


def note_use(token: ApiToken, *, method: str, path: str) -> None:
    """Remember when the token was last used; every use of a write token is audited."""
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    if token.can_write:
        audit.record(
            actor=token.user,
            organisation=token.organisation,
            action="api_token.used",
            obj=token,
            after={"method": method, "path": path[:200]},
        )


def organisation_tokens(organisation: Organisation) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(organisation=organisation).select_related(
        "user", "created_by", "revoked_by"
    )
