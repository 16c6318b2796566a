"""Logs that operations can follow and errors that reach someone.

- Every request gets an id (the proxy's ``X-Request-ID`` when it is a sane token, else a new
  one); it is returned in the response header and added to every log record written while
  the request runs, so one request's lines can be found among many processes'.
- In production the log lines are JSON objects (one per line) for a log collector.
- Errors go to Sentry (or a self-hosted GlitchTip, which speaks the same protocol) when
  ``SENTRY_DSN`` is set, otherwise by e-mail to ``ADMINS``.
"""

from __future__ import annotations

import json
import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # settings import this module: no Django import at run time
    from django.http import HttpRequest, HttpResponse

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_request_id: ContextVar[str] = ContextVar("klassa_request_id", default="-")


def current_request_id() -> str:
    return _request_id.get()


class RequestIdMiddleware:
    """Sets the request's id for the logs and answers with it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        offered = request.headers.get(REQUEST_ID_HEADER, "")
        request_id = offered if _SANE_ID.match(offered) else uuid.uuid4().hex
        # For the error pages and logs of this request; HttpRequest declares no request_id.
        request.request_id = request_id  # type: ignore[attr-defined]
        token = _request_id.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, and the
    exception's text when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "-"),
            "process": record.process,
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def parse_admins(value: str) -> list[tuple[str, str]]:
    """``ADMINS="Anna Drift <drift@kommun.se>, it@kommun.se"`` → Django's ADMINS."""
    admins = []
    for part in (p.strip() for p in value.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(.*?)\s*<([^<>\s]+@[^<>\s]+)>", part)
        if match:
            admins.append((match.group(1) or match.group(2), match.group(2)))
        elif re.fullmatch(r"[^<>\s]+@[^<>\s]+", part):
            admins.append((part, part))
        else:
            raise ValueError(f"ADMINS: not an e-mail address: {part!r}")
    return admins


def init_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    """Errors of the web processes and the Celery workers go to Sentry/GlitchTip. No
    personal data is sent (no user e-mail, no cookies or request bodies)."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
    )
