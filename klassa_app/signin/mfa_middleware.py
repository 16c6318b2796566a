"""Sends a signed-in session that still owes its second factor to the step it owes: the code
of its authenticator app (verify) or setting one up (enrol), before any other page.

What a session may reach meanwhile: logging in and out, the password reset, the two-factor
pages, the language switch, /healthz and static files. Under /api/, a request that carries an
``Authorization`` header (a token, not this session) is left to the API's own
authentication; any other gets 401 with a JSON ``detail`` instead of a redirect. A GET keeps
its address in ``next``, so that the person lands where they were going; an htmx request gets
``HX-Redirect`` (the page it came from as ``next``), so that the step replaces the whole page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.translation import gettext as _

from klassa_app.signin import mfa

# URL names a session may reach before its second factor.
ALLOWED_NAMES = frozenset(
    {
        "login",
        "logout",
        "password_reset",
        "password_reset_done",
        "password_reset_confirm",
        "password_reset_complete",
        "set_language",
        "healthz",
        "mfa_status",
        "mfa_enrol",
        "mfa_verify",
        "mfa_recovery_codes",
        "mfa_disable",
    }
)
API_PREFIX = "/api/"
STEP_URL_NAMES = {mfa.Step.VERIFY: "mfa_verify", mfa.Step.ENROL: "mfa_enrol"}


class SecondFactorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        is_api = request.path.startswith(API_PREFIX)
        if is_api and "HTTP_AUTHORIZATION" in request.META:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in ALLOWED_NAMES:
            return None
        step = mfa.pending_step(request)
        if step is mfa.Step.NONE:
            return None
        if is_api:
            return JsonResponse(
                {"detail": _("Two-factor authentication is required: finish signing in first.")},
                status=401,
            )
        url = reverse(STEP_URL_NAMES[step])
        if request.headers.get("HX-Request") == "true":
            # A fragment's request: htmx loads the step as a whole page, not into the fragment.
            current = urlsplit(request.headers.get("HX-Current-URL", ""))
            if current.path:
                page = current._replace(scheme="", netloc="", fragment="").geturl()
                url = f"{url}?{urlencode({'next': page})}"
            return HttpResponse(status=204, headers={"HX-Redirect": url})
        if request.method in ("GET", "HEAD"):
            url = f"{url}?{urlencode({'next': request.get_full_path()})}"
        return HttpResponseRedirect(url)
