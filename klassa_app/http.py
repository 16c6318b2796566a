"""Request types for views.

Every page but the login and the public ones requires a signed-in user
(``LoginRequiredMiddleware``), so views annotate their request as ``AuthenticatedHttpRequest``:
``request.user`` is a ``User``, never ``AnonymousUser``, and ``request.htmx`` is set by
django-htmx's middleware.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

from klassa_app.models import User


class AuthenticatedHttpRequest(HttpRequest):
    user: User
    htmx: HtmxDetails
