"""The organisation admin's sign-in settings: the two switches and the identity providers."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from klassa_app import access
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import ExternalIdentity, IdentityProvider, Organisation
from klassa_app.services import ServiceError
from klassa_app.signin import oidc_services
from klassa_app.signin.oidc_forms import IdentityProviderForm, SignInSettingsForm
from klassa_app.signin.oidc_providers import installation_provider
from klassa_app.viewhelpers import (
    apply_service_error,
    current_organisation,
    paginate,
    permission_required,
    querystring_without_page,
)

_ADMINS_ONLY = gettext_lazy("Only organisation admins may do this.")


def _manageable_provider(request: AuthenticatedHttpRequest, pk: int) -> IdentityProvider:
    """A provider of the current organisation, for its admins; 404 for everyone else."""
    organisation = current_organisation(request)
    if not access.can_manage_organisation(request.user, organisation):
        raise Http404("No such identity provider.")
    provider = IdentityProvider.objects.filter(pk=pk, organisation=organisation).first()
    if provider is None:
        raise Http404("No such identity provider.")
    return provider


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def sign_in_settings(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    # Only checkboxes: a form sent with both off is empty, and still a form sent.
    form = SignInSettingsForm(
        request.POST if request.method == "POST" else None,
        initial={
            "password_sign_in": organisation.password_sign_in,
            "mfa_required": organisation.mfa_required,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            oidc_services.do_update_sign_in_settings(
                actor=request.user, organisation=organisation, **form.cleaned_data
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("Sign-in settings saved."))
            return redirect("sign_in_settings")
    installation = installation_provider()
    return render(
        request,
        "signin/settings.html",
        {
            "form": form,
            "organisation": organisation,
            "callback": request.build_absolute_uri(reverse("oidc_callback")),
            "providers": organisation.identity_providers.order_by("label", "pk"),
            "installation_provider": installation
            if installation is not None and installation.organisation.pk == organisation.pk
            else None,
        },
    )


def _save(
    request: AuthenticatedHttpRequest,
    organisation: Organisation,
    provider: IdentityProvider | None,
) -> HttpResponse:
    form = IdentityProviderForm(request.POST or None, provider=provider)
    if request.method == "POST" and form.is_valid():
        try:
            saved = oidc_services.do_save_identity_provider(
                actor=request.user,
                organisation=organisation,
                provider=provider,
                **form.cleaned_data,
            )
        except ServiceError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("%(label)s saved.") % {"label": saved.label})
            return redirect("sign_in_settings")
    return render(
        request,
        "signin/provider_form.html",
        {"form": form, "provider": provider, "organisation": organisation},
    )


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def identity_provider_create(
    request: AuthenticatedHttpRequest, organisation: Organisation
) -> HttpResponse:
    return _save(request, organisation, None)


@require_http_methods(["GET", "POST"])
def identity_provider_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = _manageable_provider(request, pk)
    return _save(request, provider.organisation, provider)


@require_GET
def identity_provider_people(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    provider = _manageable_provider(request, pk)
    return render(
        request,
        "signin/provider_people.html",
        {
            "provider": provider,
            "page_obj": paginate(request, oidc_services.linked_identities(provider)),
            "querystring": querystring_without_page(request),
        },
    )


def _manageable_identity(request: AuthenticatedHttpRequest, pk: int) -> ExternalIdentity:
    """A link to a provider of the current organisation, for its admins; 404 otherwise."""
    organisation = current_organisation(request)
    identity = ExternalIdentity.objects.select_related("user").filter(pk=pk).first()
    provider = oidc_services.provider_of_identity(identity) if identity is not None else None
    if (
        identity is None
        or provider is None
        or provider.organisation_id != getattr(organisation, "pk", None)
        or not access.can_manage_organisation(request.user, organisation)
    ):
        raise Http404("No such linked identity.")
    return identity


@require_POST
def external_identity_unlink(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    identity = _manageable_identity(request, pk)
    provider = oidc_services.provider_of_identity(identity)
    oidc_services.do_unlink_external_identity(actor=request.user, identity=identity)
    messages.success(
        request,
        _("%(email)s is no longer linked; the next sign-in links again.")
        % {"email": identity.user.email},
    )
    assert provider is not None
    return redirect("identity_provider_people", pk=provider.pk)
