"""What every endpoint shares: the organisation of the call and paging."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from klassa_app import access
from klassa_app.models import Organisation, User


def caller(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # every endpoint requires authentication


def organisation_of(request: HttpRequest) -> Organisation:
    """The token's organisation, or the one the signed-in person works in; 404 when the
    caller is no member of it (as the pages answer)."""
    organisation = getattr(request, "organisation", None)
    if organisation is None or not access.is_member(caller(request), organisation):
        raise Http404("No organisation.")
    return organisation


class Pages(PageNumberPagination):
    """``?page=`` and ``?page_size=`` (at most 200); the answer holds ``items`` and ``count``."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=1_000_000)
        page_size: int | None = Field(None, ge=1, le=200)

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(page_size=50, max_page_size=200, **kwargs)


class ErrorItem(Schema):
    field: str
    message: str


class ErrorOut(Schema):
    detail: str
    errors: list[ErrorItem]


# The error answers every endpoint may give, for the OpenAPI document.
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 429: ErrorOut}
WRITE_ERRORS: dict[int, type[Schema]] = {**READ_ERRORS, 400: ErrorOut, 422: ErrorOut}


# The largest id a database row can have (a signed 64-bit key): object ids in paths are
# bounded by it, so that a larger number is a 422 and never reaches the database.
MAX_ID = 2**63 - 1
