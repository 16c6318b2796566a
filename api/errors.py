"""Every API error is JSON: ``{"detail": "...", "errors": [{"field": "...", "message": "..."}]}``.

``field`` is a path into the request: ``body.name``, ``query.page``, or a path inside a
document the request carried (``body.document.levers[2].value``).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from klassa_app.services import ServiceError


def field_path(location: list[Any] | tuple[Any, ...]) -> str:
    """``["body", "payload", "levers", 2, "value"]`` → ``body.levers[2].value`` (ninja's
    wrapper name for the body schema is dropped: callers never see it)."""
    parts = [str(p) for p in location]
    if len(parts) >= 2 and parts[0] == "body" and parts[1] == "payload":
        parts = ["body", *parts[2:]]
    path = ""
    for part in parts:
        if part.isdigit():
            path += f"[{part}]"
        else:
            path += f".{part}" if path else part
    return path


def error_response(
    api: NinjaAPI,
    request: HttpRequest,
    status: int,
    detail: str,
    errors: list[dict[str, str]] | None = None,
) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


def install(api: NinjaAPI) -> None:
    @api.exception_handler(ValidationError)
    def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {"field": field_path(error.get("loc", ())), "message": str(error.get("msg", ""))}
            for error in exc.errors
        ]
        return error_response(api, request, 422, _("The request is not valid."), errors)

    @api.exception_handler(ServiceError)
    def refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
        errors = [{"field": f"body.{exc.field}" if exc.field else "body", "message": exc.message}]
        return error_response(api, request, 400, exc.message, errors)

    @api.exception_handler(RequestDataTooBig)
    def too_large(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        message = _("The request body is too large.")
        return error_response(api, request, 413, message, [{"field": "body", "message": message}])

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(api, request, 404, _("Not found."))

    @api.exception_handler(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(api, request, 403, str(exc) or _("You may not do this."))

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = error_response(
            api, request, 401, _("Send a valid token (Authorization: Bearer …) or sign in.")
        )
        response["WWW-Authenticate"] = "Bearer"
        return response

    @api.exception_handler(Throttled)
    def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        return error_response(api, request, 429, _("Too many requests; try again shortly."))

    @api.exception_handler(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        return error_response(api, request, exc.status_code, str(exc))
