"""Who calls the API: a bearer token (integrations) or the browser's session (with CSRF).

Either way the request ends up with ``request.user`` and ``request.organisation`` set as for
a page, so every endpoint applies the pages' own permissions and department scoping.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import BaseThrottle

from api.models import ApiToken
from api.tokens import note_use, usable_token

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class TokenAuth(HttpBearer):
    """``Authorization: Bearer klassa_…``: a token created by an organisation admin."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = usable_token(token)
        if found is None:
            return None
        if request.method not in SAFE_METHODS and not found.can_write:
            raise HttpError(403, _("This token may only read."))
        request.user = found.user
        request.organisation = found.organisation  # type: ignore[attr-defined]
        request.api_token = found  # type: ignore[attr-defined]
        note_use(found, method=request.method or "", path=request.path)
        return found


class SessionAuth(APIKeyCookie):
    """The signed-in browser, in the organisation it works in; writes need the CSRF token."""

    param_name = settings.SESSION_COOKIE_NAME

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        if request.user.is_authenticated:
            return request.user
        return None


class CallerRateThrottle(BaseThrottle):
    """At most ``KLASSA_API_RATE_LIMIT`` requests per token (or signed-in person) in each
    window of ``KLASSA_API_RATE_WINDOW`` seconds. The count lives in the shared cache (Redis
    in production), so it holds across web processes."""

    def allow_request(self, request: HttpRequest) -> bool:
        limit, window = settings.KLASSA_API_RATE_LIMIT, settings.KLASSA_API_RATE_WINDOW
        token = getattr(request, "api_token", None)
        caller = f"t{token.digest[:20]}" if token is not None else f"u{request.user.pk}"
        key = f"klassa:api-rate:{caller}:{int(time.time() // window)}"
        cache.add(key, 0, window + 1)
        try:
            count = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, window + 1)
            count = 1
        return count <= limit

    def wait(self) -> float:
        window = settings.KLASSA_API_RATE_WINDOW
        return window - time.time() % window
