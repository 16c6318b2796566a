from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from klassa_app import access
from klassa_app.language import chosen_language
from klassa_app.models import Organisation

SESSION_KEY = "klassa_organisation_id"


def current_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation the user works in now: the one chosen in the session if they are
    still a member of it, else their first."""
    if not request.user.is_authenticated:
        return None
    organisations = access.organisations_for(request.user)
    if not organisations:
        return None
    chosen = request.session.get(SESSION_KEY)
    for organisation in organisations:
        if organisation.pk == chosen:
            return organisation
    return organisations[0]


class CurrentOrganisationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.organisation = current_organisation(request)  # type: ignore[attr-defined]  # HttpRequest declares no organisation
        return self.get_response(request)


class SwedishFirstLocaleMiddleware(LocaleMiddleware):
    """Swedish unless the person chose another language with the language switch.

    Django's own middleware follows the browser's Accept-Language; many municipal
    computers run English browsers, yet the product speaks Swedish by default. A logged-in
    person's choice is remembered on their account (``klassa_app.language``).
    """

    def process_request(self, request: HttpRequest) -> None:
        language = chosen_language(request) or settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
