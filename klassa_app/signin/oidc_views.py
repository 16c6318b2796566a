"""The login page with its "Sign in with …" buttons, and the OpenID Connect round trip:
``oidc_start`` keeps state, nonce and PKCE verifier in the session and sends the browser to
the provider; ``oidc_callback`` checks the state, has the code exchanged and the ID token
verified (``oidc_backend``), and lets ``oidc_services`` decide who the person is."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)

from klassa_app.account_audit import client_address
from klassa_app.middleware import SESSION_KEY
from klassa_app.models import Organisation
from klassa_app.signin.mfa import SSO_MFA_SESSION_KEY
from klassa_app.signin.oidc_backend import KlassaOIDCBackend, TokenExchangeFailed, TokenInvalid
from klassa_app.signin.oidc_providers import (
    ProviderConfig,
    ProviderUnavailable,
    discover,
    get_provider,
    providers_for_login,
)
from klassa_app.signin.oidc_services import (
    SignInRefused,
    do_sign_in_with_oidc,
    record_sign_in_failure,
)

BACKEND_PATH = "klassa_app.signin.oidc_backend.KlassaOIDCBackend"
STATES_KEY = "oidc_states"
# How long a started sign-in may take at the provider.
STATE_MAX_AGE_SECONDS = 15 * 60


def _login_organisation(request: HttpRequest) -> Organisation | None:
    code = (request.GET.get("organisation") or request.POST.get("organisation") or "").strip()
    if not code or len(code) > 40:
        return None
    return Organisation.objects.filter(code=code.lower()).first()


class KlassaLoginView(auth_views.LoginView):
    """Django's login, with the providers' buttons; opened for an organisation
    (``?organisation=<code>``) it shows that organisation's providers and, when the
    organisation has password sign-in off, no password form."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        organisation = _login_organisation(self.request)
        context["sign_in_organisation"] = organisation
        context["sso_providers"] = providers_for_login(organisation)
        context["show_password_form"] = organisation is None or organisation.password_sign_in
        return context

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # A password sign-in passed no provider's second factor.
        self.request.session[SSO_MFA_SESSION_KEY] = False
        return response


def _safe_next(request: HttpRequest, candidate: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return reverse(settings.LOGIN_REDIRECT_URL)


def _callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("oidc_callback"))


def _refuse(
    request: HttpRequest,
    refusal: SignInRefused,
    config: ProviderConfig | None,
    *,
    status: int,
    subject: str = "",
) -> HttpResponse:
    record_sign_in_failure(
        config=config,
        reason=refusal.reason,
        detail=refusal.detail,
        ip_address=client_address(request),
        subject=subject,
    )
    organisation = config.organisation if config is not None else None
    login_url = reverse("login")
    if organisation is not None and not config.is_installation_wide:  # type: ignore[union-attr]
        login_url += "?" + urlencode({"organisation": organisation.code})
    return render(
        request,
        "signin/oidc_failure.html",
        {"message": refusal.message, "login_url": login_url, "provider": config},
        status=status,
    )


@login_not_required
@require_POST
@never_cache
def oidc_start(request: HttpRequest, provider: str) -> HttpResponse:
    config = get_provider(provider)
    if config is None:
        raise Http404("No such identity provider.")
    try:
        metadata = discover(config)
    except ProviderUnavailable as exc:
        return _refuse(request, SignInRefused("provider_unavailable", str(exc)), config, status=502)
    state = get_random_string(32)
    code_verifier = get_random_string(64)
    params = {
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": _callback_url(request),
        "scope": config.scope,
        "state": state,
        "nonce": get_random_string(32),
        "code_challenge": generate_code_challenge(code_verifier, "S256"),
        "code_challenge_method": "S256",
    }
    add_state_and_verifier_and_nonce_to_session(request, state, params, code_verifier)
    entry = request.session[STATES_KEY][state]
    entry["provider"] = config.key
    entry["next"] = _safe_next(request, request.POST.get("next", ""))
    request.session.modified = True
    separator = "&" if "?" in metadata["authorization_endpoint"] else "?"
    return HttpResponseRedirect(metadata["authorization_endpoint"] + separator + urlencode(params))


def _take_state(request: HttpRequest) -> dict[str, Any] | None:
    """The sign-in this callback answers, taken out of the session (used once)."""
    state = request.GET.get("state", "")
    states = request.session.get(STATES_KEY)
    if not state or not isinstance(states, dict) or state not in states:
        return None
    entry = states.pop(state)
    request.session.modified = True
    if not isinstance(entry, dict) or not entry.get("nonce") or not entry.get("provider"):
        return None
    if time.time() - float(entry.get("added_on") or 0) > STATE_MAX_AGE_SECONDS:
        return None
    return entry


@login_not_required
@require_GET
@never_cache
def oidc_callback(request: HttpRequest) -> HttpResponse:
    entry = _take_state(request)
    if entry is None:
        detail = "no state" if not request.GET.get("state") else "unknown or expired state"
        return _refuse(request, SignInRefused("state_mismatch", detail), None, status=400)
    config = get_provider(entry["provider"])
    if config is None:
        return _refuse(
            request, SignInRefused("provider_unavailable", entry["provider"]), None, status=400
        )
    if request.GET.get("error"):
        detail = f"{request.GET['error']}: {request.GET.get('error_description', '')}"
        return _refuse(request, SignInRefused("provider_error", detail), config, status=403)
    code = request.GET.get("code", "")
    if not code:
        return _refuse(request, SignInRefused("provider_error", "no code"), config, status=400)
    try:
        metadata = discover(config)
        claims = (
            KlassaOIDCBackend()
            .configure(config, metadata)
            .exchange_and_verify(
                request,
                code=code,
                redirect_uri=_callback_url(request),
                nonce=entry["nonce"],
                code_verifier=entry.get("code_verifier"),
            )
        )
    except (ProviderUnavailable, TokenExchangeFailed) as exc:
        return _refuse(request, SignInRefused("provider_error", str(exc)), config, status=502)
    except TokenInvalid as exc:
        return _refuse(request, SignInRefused("token_invalid", str(exc)), config, status=403)
    subject = str(claims.get(config.subject_claim) or "")
    try:
        result = do_sign_in_with_oidc(
            config=config, claims=claims, ip_address=client_address(request)
        )
    except SignInRefused as refused:
        return _refuse(request, refused, config, status=403, subject=subject)
    except IntegrityError:
        # The same person's first sign-in ran twice at once (two tabs): one of them won.
        return _refuse(request, SignInRefused("conflict"), config, status=409, subject=subject)
    if result.refusal is not None or result.user is None:
        late = result.refusal or SignInRefused(
            "no_membership", organisation=config.organisation.name
        )
        return _refuse(request, late, config, status=403, subject=subject)
    login(request, result.user, backend=BACKEND_PATH)
    request.session[SSO_MFA_SESSION_KEY] = result.mfa
    request.session[SESSION_KEY] = config.organisation.pk
    return HttpResponseRedirect(_safe_next(request, entry.get("next", "")))
