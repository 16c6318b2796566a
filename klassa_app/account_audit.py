"""Audit events about accounts: passwords chosen, reset and changed, logins, failed logins and
lockouts. The password forms record theirs explicitly; logins arrive as Django's and
django-axes' signals, connected in ``KlassaAppConfig.ready``. No event holds a password."""

from __future__ import annotations

from typing import Any

from axes.helpers import get_client_ip_address, get_failure_limit
from axes.signals import user_locked_out
from django.contrib.auth import BACKEND_SESSION_KEY
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest

from klassa_app.auth_backends import normalise_email
from klassa_app.models import AuditEvent, Membership, User

# The longest address the user model stores; a longer "address" is cut, not refused.
MAX_USERNAME = 254


def client_address(request: HttpRequest | None) -> str:
    """The client's address as the lockout sees it (behind the proxy: X-Forwarded-For)."""
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", None) or get_client_ip_address(request) or ""


def record_account_event(
    action: str,
    *,
    user: User | None,
    username: str = "",
    actor: User | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """One event per organisation the account belongs to, so that each organisation's admins
    see what happens to their members' accounts; an account without organisation (or an
    unknown address) gets one event without organisation. Without an actor (a failed login)
    the client's address stands in the "who" column."""
    organisation_ids: list[int | None] = [None]
    if user is not None:
        member_of = set(
            Membership.objects.filter(user=user).values_list("organisation_id", flat=True)
        )
        if member_of:
            organisation_ids = [*sorted(member_of)]
    label = actor.email if actor is not None else str((after or {}).get("ip_address") or "")
    name = (user.email if user is not None else username)[:MAX_USERNAME]
    AuditEvent.objects.bulk_create(
        AuditEvent(
            organisation_id=organisation_id,
            actor=actor,
            actor_label=label,
            action=action,
            object_type="user",
            object_id=str(user.pk) if user is not None else "",
            object_repr=name,
            after=after,
        )
        for organisation_id in organisation_ids
    )


def _attempt(username: str, request: HttpRequest | None) -> dict[str, str]:
    return {"username": username[:MAX_USERNAME], "ip_address": client_address(request)}


@receiver(user_login_failed, dispatch_uid="klassa_login_failed")
def login_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    # Only the address is read: Django has already masked the password in ``credentials``.
    username = normalise_email(credentials.get("username") or credentials.get("email"))
    user = User.objects.filter(email__iexact=username).first() if username else None
    record_account_event(
        "login.failed", user=user, username=username, after=_attempt(username, request)
    )
    if user is not None and getattr(request, "klassa_password_refused", False):
        # The password was right, but every organisation of the person has password
        # sign-in off (auth_backends.KlassaModelBackend).
        record_account_event("login.password_refused", user=user, after=_attempt(username, request))


@receiver(user_locked_out, dispatch_uid="klassa_locked_out")
def locked_out(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    # django-axes signals a lockout at the attempt that reaches the limit and again at each
    # attempt while locked; those later attempts are already "login.failed" events.
    failures = getattr(request, "axes_failures_since_start", None)
    limit = get_failure_limit(request, getattr(request, "axes_credentials", None))
    if failures != limit:
        return
    name = normalise_email(username)
    user = User.objects.filter(email__iexact=name).first() if name else None
    record_account_event(
        "login.locked_out", user=user, username=name, after=_attempt(name, request)
    )


# A sign-in through an identity provider records its own, fuller event (login.sso_succeeded).
SSO_BACKEND = "klassa_app.signin.oidc_backend.KlassaOIDCBackend"


@receiver(user_logged_in, dispatch_uid="klassa_logged_in")
def logged_in(sender: Any, request: HttpRequest | None, user: User, **kwargs: Any) -> None:
    if request is not None and request.session.get(BACKEND_SESSION_KEY) == SSO_BACKEND:
        return
    record_account_event(
        "login.succeeded",
        user=user,
        actor=user,
        after={"ip_address": client_address(request)},
    )
