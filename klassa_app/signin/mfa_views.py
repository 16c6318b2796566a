"""The two-factor pages: status, enrol, verify, recovery codes, disable, and an admin's reset
of a member's second factor. Thin: the rules are in ``klassa_app.signin.mfa``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django_otp.plugins.otp_totp.models import TOTPDevice

from klassa_app import access
from klassa_app.account_audit import client_address
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.services import ServiceError
from klassa_app.signin import mfa
from klassa_app.signin.mfa_forms import CodeForm
from klassa_app.viewhelpers import apply_service_error, current_organisation

# The step pages do not show the menu: nothing of the organisation before the second factor.
STEP_LAYOUT = "signin/mfa/_step_base.html"


def _next_url(request: HttpRequest) -> str:
    """Where to go after the step: the ``next`` the page was given, if it stays on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _ip(request: HttpRequest) -> str:
    return client_address(request)


@require_GET
def status(request: AuthenticatedHttpRequest) -> HttpResponse:
    device = mfa.authenticator_of(request.user)
    return render(
        request,
        "signin/mfa/status.html",
        {
            "device": device,
            "codes_left": mfa.recovery_codes_left(request.user) if device else 0,
            "required": mfa.mfa_required_for(request.user),
            "verified": mfa.session_is_verified(request),
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def enrol(request: AuthenticatedHttpRequest) -> HttpResponse:
    has_device = mfa.session_has_device(request, refresh=True)
    if has_device and not mfa.session_is_verified(request):
        # A new authenticator replaces the old one only after the old one was used.
        return redirect(f"{resolve_url('mfa_verify')}?{urlencode({'next': _next_url(request)})}")
    key = request.session.get(mfa.PENDING_KEY_SESSION_KEY)
    if not isinstance(key, str) or not key:
        key = mfa.new_secret()
        request.session[mfa.PENDING_KEY_SESSION_KEY] = key
    form = CodeForm(
        request.POST or None,
        label=gettext_lazy("Code from the app"),
        help_text=gettext_lazy("The six digits the app shows for Klassa."),
        digits_only=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = mfa.do_enrol_totp(
                actor=request.user,
                key=key,
                token=form.cleaned_data["code"],
                ip_address=_ip(request),
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            request.session.pop(mfa.PENDING_KEY_SESSION_KEY, None)
            mfa.mark_verified(request, enrolment.device)
            return render(
                request,
                "signin/mfa/recovery_codes_shown.html",
                {
                    "layout": STEP_LAYOUT,
                    "codes": enrolment.recovery_codes,
                    "enrolled": True,
                    "next": _next_url(request),
                },
            )
    return render(
        request,
        "signin/mfa/enrol.html",
        {
            "layout": STEP_LAYOUT,
            "form": form,
            "qr_svg": mark_safe(mfa.qr_svg(mfa.provisioning_uri(request.user, key))),  # noqa: S308  # built from paths only
            "secret": mfa.secret_for_people(key),
            "replacing": has_device,
            "required": mfa.mfa_required_for(request.user),
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    step = mfa.pending_step(request, refresh=True)
    if step is mfa.Step.ENROL:
        # The app was removed meanwhile (a reset) and the role requires one.
        return redirect(f"{resolve_url('mfa_enrol')}?{urlencode({'next': _next_url(request)})}")
    if step is mfa.Step.NONE:
        return HttpResponseRedirect(_next_url(request))
    form = CodeForm(
        request.POST or None,
        label=gettext_lazy("Code"),
        help_text=gettext_lazy(
            "The six digits your authenticator app shows for Klassa, or one of your recovery codes."
        ),
    )
    if request.method == "POST" and form.is_valid():
        code = form.cleaned_data["code"]
        try:
            if mfa.looks_like_totp(code):
                device = mfa.do_verify(actor=request.user, token=code, ip_address=_ip(request))
            else:
                device = mfa.do_use_recovery_code(
                    actor=request.user, code=code, ip_address=_ip(request)
                )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            mfa.mark_verified(request, device)
            if not isinstance(device, TOTPDevice):
                left = mfa.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    _(
                        "You signed in with a recovery code; %(left)d are left. Make new codes "
                        "on the two-factor page when few are left."
                    )
                    % {"left": left},
                )
            return HttpResponseRedirect(_next_url(request))
    return render(
        request,
        "signin/mfa/verify.html",
        {
            "layout": STEP_LAYOUT,
            "form": form,
            "next": request.POST.get("next") or request.GET.get("next") or "",
        },
    )


def _needs_verified_device(request: AuthenticatedHttpRequest) -> HttpResponse | None:
    """The pages that change a second factor need one, and a session that passed it."""
    if not mfa.session_has_device(request, refresh=True):
        messages.info(request, _("You have not set up two-factor authentication."))
        return redirect("mfa_status")
    if not mfa.session_is_verified(request):
        return redirect("mfa_verify")
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def recovery_codes(request: AuthenticatedHttpRequest) -> HttpResponse:
    refused = _needs_verified_device(request)
    if refused is not None:
        return refused
    if request.method == "POST":
        try:
            codes = mfa.do_regenerate_recovery_codes(actor=request.user, ip_address=_ip(request))
        except ServiceError as error:
            messages.error(request, error.message)
            return redirect("mfa_status")
        return render(
            request,
            "signin/mfa/recovery_codes_shown.html",
            {"layout": "klassa/base.html", "codes": codes, "enrolled": False, "next": ""},
        )
    return render(
        request,
        "signin/mfa/recovery_codes.html",
        {
            "codes_left": mfa.recovery_codes_left(request.user),
            "new_count": mfa.RECOVERY_CODE_COUNT,
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
def disable(request: AuthenticatedHttpRequest) -> HttpResponse:
    refused = _needs_verified_device(request)
    if refused is not None:
        return refused
    required = mfa.mfa_required_for(request.user)
    form = CodeForm(
        request.POST or None,
        help_text=gettext_lazy("A code from the app, or one of your recovery codes."),
    )
    if request.method == "POST" and form.is_valid():
        try:
            mfa.do_disable_mfa(
                actor=request.user, token=form.cleaned_data["code"], ip_address=_ip(request)
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            mfa.remember_device(request, False)
            messages.success(request, _("Two-factor authentication is turned off."))
            return redirect("mfa_status")
    return render(request, "signin/mfa/disable.html", {"form": form, "required": required})


@require_http_methods(["GET", "POST"])
def reset_member(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    membership = access.get_manageable_membership(request.user, current_organisation(request), pk)
    if request.method == "POST":
        try:
            mfa.do_reset_mfa(actor=request.user, membership=membership)
        except ServiceError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                _(
                    "The two-factor authentication of %(email)s is reset; they set it up again "
                    "at their next sign-in if their role requires it."
                )
                % {"email": membership.user.email},
            )
        return redirect("member_edit", pk=membership.pk)
    return render(
        request,
        "signin/mfa/reset_member.html",
        {"membership": membership, "has_mfa": mfa.has_authenticator(membership.user)},
    )
