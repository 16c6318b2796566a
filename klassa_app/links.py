"""Absolute links for e-mails, which are sent without a request.

``KLASSA_BASE_URL`` is the address when it is set. In debug mode without it, the development
server may run on any port, so links follow the address that the last request reached
(recorded by ``RequestOriginMiddleware``); background work then runs in the same process.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import HttpRequest, HttpResponse

_last_origin: str | None = None


def _follows_requests() -> bool:
    return bool(settings.DEBUG) and not getattr(settings, "KLASSA_BASE_URL_EXPLICIT", True)


def remember_origin(request: HttpRequest) -> None:
    global _last_origin
    if not _follows_requests():
        return
    try:
        _last_origin = f"{request.scheme}://{request.get_host()}"
    except DisallowedHost:
        return


def base_url() -> str:
    if _follows_requests() and _last_origin:
        return _last_origin
    return settings.KLASSA_BASE_URL


def absolute(path: str) -> str:
    """``path`` (from ``reverse``) as an absolute link for an e-mail."""
    return f"{base_url()}{path}"


class RequestOriginMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        remember_origin(request)
        return self.get_response(request)
