"""What the page views of every app share: the organisation of the request, the one way a view
checks a permission, paging, the query string of page links and a service error on a form.

A view checks access with ``permission_required``: it finds the organisation or the object
the view works on (404 for anything the user cannot see) and tests a named permission on it
(403 when the user sees it but may not do this). Services check the same predicates again,
so a view that forgets cannot write.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from functools import wraps
from typing import Any

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise

from klassa_app import access
from klassa_app.http import AuthenticatedHttpRequest
from klassa_app.models import Department, Organisation
from klassa_app.services import ServiceError


def current_organisation(request: HttpRequest) -> Organisation | None:
    """The organisation the person works in (set by the middleware; None without one)."""
    return getattr(request, "organisation", None)


def member_organisation(request: AuthenticatedHttpRequest) -> Organisation:
    """The current organisation, or 404 when there is none the person is a member of."""
    organisation = current_organisation(request)
    if organisation is None or not access.is_member(request.user, organisation):
        raise Http404("No such organisation.")
    return organisation


def paginate(request: HttpRequest, items: Any, size: int | None = None) -> Page:
    """The page of ``items`` named by ``?page=`` (the last page for a number past the end)."""
    paginator = Paginator(items, size or settings.KLASSA_LIST_PAGE_SIZE)
    return paginator.get_page(request.GET.get("page"))


def querystring_without_page(request: HttpRequest) -> str:
    """The GET parameters other than the page, for the page links of a filtered list."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def apply_service_error(form: Any, error: ServiceError) -> None:
    """Show a service's error on the field it names, or on the form when it names none."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


# The response header that marks a successful autosave; klassa/autosave.js reads it.
AUTOSAVED_HEADER = "X-Klassa-Autosave"


def autosave_status(
    *, saved: bool, message: str = "", lock_version: int | None = None
) -> HttpResponse:
    """The small status beside a field after an autosave (htmx). Always 200, so that htmx
    shows a refusal too; only a save carries the header, so that the page's script then
    counts the values it sent as saved and stops warning before leaving for them. A new
    version number replaces the form's hidden ``lock_version`` (an out-of-band swap)."""
    response = HttpResponse(
        render_to_string(
            "klassa/_autosave_status.html",
            {"saved": saved, "message": message, "lock_version": lock_version},
        )
    )
    if saved:
        response[AUTOSAVED_HEADER] = "saved"
    return response


def on_organisation(request: HttpRequest, found: Any) -> Organisation | None:
    """Test the permission on the current organisation, whatever the lookup found."""
    return current_organisation(request)


def on_department(request: HttpRequest, found: Any) -> Department:
    """Test the permission on the department of what the lookup found (asset, initiative)."""
    return found.department


def permission_required(
    perm: str,
    lookup: Callable[..., Any] | None = None,
    *,
    message: str | Promise,
    on: Callable[[HttpRequest, Any], Any] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Let the view run only for people who hold ``perm`` on what it works on.

    ``lookup(request, **url_arguments)`` finds that object and raises 404 for one the person
    cannot see; without a lookup it is the current organisation. The permission is tested on
    ``on(request, object)`` (``on_department``, ``on_organisation``) or on the object itself;
    without it the answer is 403 with ``message``. The view is then called as
    ``view(request, object, **the URL arguments the lookup did not take)``.

    Tested with ``rules.has_perm`` and not ``user.has_perm``: Django's model backend would let
    a superuser through, and a superuser is no member of an organisation.
    """
    taken = set() if lookup is None else set(list(inspect.signature(lookup).parameters)[1:])

    def decorator(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if lookup is None:
                found: Any = current_organisation(request)
            else:
                found = lookup(request, **{k: v for k, v in kwargs.items() if k in taken})
            target = found if on is None else on(request, found)
            if not rules.has_perm(perm, request.user, target):
                raise PermissionDenied(message)
            rest = {k: v for k, v in kwargs.items() if k not in taken}
            return view(request, found, *args, **rest)

        return checked

    return decorator
