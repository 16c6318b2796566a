"""The organisation admin's pages for API tokens: the list, a new token (its secret shown on
the answer to the form, once, and never stored) and revoking one.

The pages are thin: the services in ``api.tokens`` check that the person is an admin, write
and audit; the views only check it first to answer 403 (404 for another organisation's token).
"""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from api.models import ApiToken
from api.tokens import (
    MAX_LIFETIME_DAYS,
    SERVICE_ROLES,
    do_create_token,
    do_revoke_token,
    organisation_tokens,
)
from klassa_app import links
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Department, Organisation, Role
from klassa_app.services import ServiceError
from klassa_app.viewhelpers import (
    apply_service_error,
    current_organisation,
    on_organisation,
    paginate,
    permission_required,
)

_ADMINS_ONLY = gettext_lazy("Only organisation admins manage API tokens.")
DEFAULT_LIFETIME_DAYS = 90
# The service's names for the service account's fields, and the form's.
_FORM_FIELDS = {"role": "service_role", "department": "service_department"}


class TokenForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name"),
        max_length=100,
        help_text=gettext_lazy("What uses the token, e.g. the case management system."),
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Kind"),
        choices=ApiToken.Kind.choices,
        initial=ApiToken.Kind.PERSONAL,
        widget=forms.RadioSelect,
        help_text=gettext_lazy(
            "A personal token acts as you. A service account acts with its own role, so an "
            "integration keeps working when people leave."
        ),
    )
    scope = forms.ChoiceField(
        label=gettext_lazy("Scope"),
        choices=ApiToken.Scope.choices,
        initial=ApiToken.Scope.READ,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("Every use of a token that may write is recorded in the audit log."),
    )
    days = forms.IntegerField(
        label=gettext_lazy("Lifetime in days"),
        min_value=1,
        max_value=MAX_LIFETIME_DAYS,
        initial=DEFAULT_LIFETIME_DAYS,
    )
    service_role = forms.ChoiceField(
        label=gettext_lazy("Role of the service account"),
        required=False,
        choices=[("", "---------"), *[(role, Role(role).label) for role in SERVICE_ROLES]],
    )
    service_department = forms.ModelChoiceField(
        label=gettext_lazy("Department of the service account"),
        queryset=Department.objects.none(),
        required=False,
        empty_label=gettext_lazy("Whole organisation"),
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = cast(forms.ModelChoiceField, self.fields["service_department"])
        departments.queryset = Department.objects.filter(
            organisation=organisation, is_active=True
        ).order_by("name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("kind") == ApiToken.Kind.SERVICE and not data.get("service_role"):
            self.add_error("service_role", _("Choose the role the service account acts with."))
        return data


def _organisation_token(request: AuthenticatedHttpRequest, pk: int) -> ApiToken:
    """A token of the current organisation (404 for any other, also for outsiders)."""
    organisation = current_organisation(request)
    token = (
        organisation_tokens(organisation).filter(pk=pk).first()
        if organisation is not None
        else None
    )
    if token is None:
        raise Http404("No such token.")
    return token


@require_GET
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def token_list(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    tokens = organisation_tokens(organisation).order_by("-created_at", "-pk")
    return render(
        request,
        "api/token_list.html",
        {"page_obj": paginate(request, tokens), "querystring": ""},
    )


@never_cache
@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_organisation", message=_ADMINS_ONLY)
def token_create(request: AuthenticatedHttpRequest, organisation: Organisation) -> HttpResponse:
    form = TokenForm(request.POST or None, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        service = data["kind"] == ApiToken.Kind.SERVICE
        try:
            new = do_create_token(
                actor=request.user,
                organisation=organisation,
                name=data["name"],
                scope=data["scope"],
                days=data["days"],
                kind=data["kind"],
                service_role=data["service_role"] if service else None,
                service_department=data["service_department"] if service else None,
            )
        except ServiceError as error:
            field = _FORM_FIELDS.get(error.field or "", error.field)
            apply_service_error(form, ServiceError(error.message, field))
        else:
            # The only time the secret is shown: it is in this answer and nowhere else.
            return render(
                request,
                "api/token_created.html",
                {
                    "token": new.token,
                    "secret": new.secret,
                    "example_url": links.absolute(reverse("api-v1:organisation")),
                    "docs_url": links.absolute(reverse("api-v1:openapi-view")),
                },
            )
    return render(request, "api/token_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@permission_required("klassa.manage_organisation", _organisation_token, message=_ADMINS_ONLY,
                     on=on_organisation)  # fmt: skip
def token_revoke(request: AuthenticatedHttpRequest, token: ApiToken) -> HttpResponse:
    if request.method == "POST":
        do_revoke_token(actor=request.user, token=token)
        messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
        return redirect("api_token_list")
    return render(request, "api/token_confirm_revoke.html", {"token": token})
