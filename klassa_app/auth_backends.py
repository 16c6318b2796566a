from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.base_user import BaseUserManager
from django.http import HttpRequest

from klassa_app.demo import DEMO_PASSWORDS
from klassa_app.models import Membership


def normalise_email(value: object) -> str:
    """An e-mail address as the user model stores it: trimmed and in lower case. Login and
    the lockout both see this form, so every spelling of one address is one account."""
    if not isinstance(value, str):
        return ""
    return BaseUserManager.normalize_email(value.strip()).lower()


def axes_username(request: HttpRequest | None, credentials: dict[str, Any] | None) -> str | None:
    """The username django-axes counts failures for (AXES_USERNAME_CALLABLE): normalised,
    so that ``Ekonom@…`` and ``EKONOM@…`` do not each get five more guesses."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        raw = credentials.get(field)
    elif request is not None:
        raw = getattr(request, "data", request.POST).get(field)
    else:
        raw = None
    # None stays None: axes then records no username rather than an empty one.
    return None if raw is None else normalise_email(raw)


class KlassaModelBackend(ModelBackend):
    """Log in by e-mail; a published demo password never works outside demo mode."""

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ) -> Any:
        if password in DEMO_PASSWORDS and not settings.DEMO_MODE:
            return None
        if username is not None:
            # The same form the lockout counts and the user model stores.
            username = normalise_email(username)
        user = super().authenticate(request, username=username, password=password, **kwargs)
        if user is not None and password_sign_in_is_off(user):
            # The right password, but the person's organisations sign in through their
            # identity provider only: the same failure as a wrong password. The failed-login
            # receiver (account_audit) records why, from this mark.
            if request is not None:
                request.klassa_password_refused = True  # type: ignore[attr-defined]
            return None
        return user


def password_sign_in_is_off(user: Any) -> bool:
    """Every organisation the person belongs to has password sign-in off (superusers, who
    may have none, keep their password)."""
    if user.is_superuser:
        return False
    switches = set(
        Membership.objects.filter(user=user).values_list(
            "organisation__password_sign_in", flat=True
        )
    )
    return switches == {False}
