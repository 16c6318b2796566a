from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from klassa_app import access

SESSION_KEY = "klassa_organisation_id"


def current_organisation(request: HttpRequest):  # -> Organisation | None
    """The organisation the user works in now: the one chosen in the session if they are
    still a member of it, else their first."""
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
        request.organisation = current_organisation(request)  # type: ignore[attr-defined]
        return self.get_response(request)
