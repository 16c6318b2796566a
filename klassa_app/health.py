"""Whether background work gets done: do Celery workers answer, and how long has the oldest
queued piece of work waited. Read by /healthz (for monitoring) and by the organisation
admin's status panel.

Asking the workers is a broadcast over the broker that waits up to ``PING_TIMEOUT`` for
answers, so its result is kept in the shared cache for ``WORKERS_CACHE_SECONDS`` and only one
process asks at a time: a burst of health checks does not fan out to the workers.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.module_loading import import_string

from klassa_app.jobs import stale_after
from klassa_app.models import FileJob, Organisation

logger = logging.getLogger(__name__)

WORKERS_OK = "ok"
WORKERS_NONE = "none"
# Without a broker tasks run inside the web process (klassa_app.queue): no worker to ask.
WORKERS_EMBEDDED = "embedded"

PING_TIMEOUT = 0.5  # seconds the broadcast waits for answers
WORKERS_CACHE_SECONDS = 10
WORKERS_CACHE_KEY = "klassa:health:workers"
# Held by the one process that is asking; the others answer with the last known state.
WORKERS_LOCK_KEY = "klassa:health:workers:asking"


def _cache_call(method: str, *args: Any) -> Any:
    # The cache is Redis in production: if it is down, health checks still answer.
    try:
        return getattr(cache, method)(*args)
    except Exception as error:
        logger.warning("Cache unavailable for the worker status (%s).", error)
        return None


def _ask_workers() -> str:
    """One broadcast: is any worker consuming this installation's queue? (Several
    installations may share one Redis with their own queue names, so a plain ping of
    whoever answers would count their workers too.)"""
    from klassa_app.celery import app

    try:
        # Fail at once when the broker is down instead of retrying for seconds.
        with app.connection_for_read() as conn:
            conn.ensure_connection(max_retries=0, timeout=PING_TIMEOUT)
        replies = app.control.inspect(timeout=PING_TIMEOUT).active_queues() or {}
    except Exception as error:  # kombu raises several kinds; all mean "nobody answered"
        logger.warning("Could not ask the workers (%s).", error.__class__.__name__)
        return WORKERS_NONE
    queue = app.conf.task_default_queue
    for queues in replies.values():
        if any(q.get("name") == queue for q in queues or []):
            return WORKERS_OK
    return WORKERS_NONE


def workers_status() -> str:
    """ "ok" when a worker answers, "none" when none does (or the broker is down),
    "embedded" when there is no broker."""
    if not settings.CELERY_BROKER_URL:
        return WORKERS_EMBEDDED
    known = _cache_call("get", WORKERS_CACHE_KEY)
    if known and time.time() - known["at"] < WORKERS_CACHE_SECONDS:
        return known["state"]
    # Stale or missing: one process asks; the others keep answering with what is known.
    if known and not _cache_call("add", WORKERS_LOCK_KEY, 1, int(PING_TIMEOUT * 4) + 1):
        return known["state"]
    state = _ask_workers()
    _cache_call("set", WORKERS_CACHE_KEY, {"state": state, "at": time.time()}, 60)
    _cache_call("delete", WORKERS_LOCK_KEY)
    return state


# --- Queued work -----------------------------------------------------------------------------


def file_job_models() -> list[type[FileJob]]:
    """Every kind of background file (reports, exports), whichever app defines it."""
    return [
        model
        for model in apps.get_models()
        if issubclass(model, FileJob) and not model._meta.abstract
    ]


def oldest_queued_file_job(organisation: Organisation | None) -> datetime | None:
    """A queue probe: the oldest file job not yet started (one indexed query per kind)."""
    oldest: list[datetime] = []
    for model in file_job_models():
        # An abstract model declares no manager; each concrete kind has its default one.
        jobs = model._default_manager.filter(status=FileJob.Status.QUEUED)
        if organisation is not None:
            # Every concrete kind has an organisation; the abstract FileJob declares none.
            jobs = jobs.filter(organisation=organisation)  # type: ignore[misc]
        found = jobs.aggregate(oldest=Min("created_at"))["oldest"]
        if found is not None:
            oldest.append(found)
    return min(oldest, default=None)


@dataclass(frozen=True)
class QueueStatus:
    oldest_queued_at: datetime | None
    now: datetime

    @property
    def oldest_queued_seconds(self) -> int | None:
        if self.oldest_queued_at is None:
            return None
        return max(0, int((self.now - self.oldest_queued_at).total_seconds()))

    @property
    def stale(self) -> bool:
        """Something has waited longer than people are told to wait."""
        return self.oldest_queued_at is not None and (
            self.now - self.oldest_queued_at > stale_after()
        )


def service_status(organisation: Organisation | None) -> dict[str, Any]:
    """The organisation admin's panel on the home page: are reports being built, or do they
    wait?"""
    return {"workers": workers_status(), "queue": queue_status(organisation)}


def queue_status(organisation: Organisation | None = None) -> QueueStatus:
    """The oldest queued work of every registered probe (``KLASSA_QUEUE_PROBES``), of one
    organisation or of all."""
    found = [import_string(path)(organisation) for path in settings.KLASSA_QUEUE_PROBES]
    return QueueStatus(
        oldest_queued_at=min((f for f in found if f is not None), default=None),
        now=timezone.now(),
    )


def readable_queue_status() -> QueueStatus | None:
    """``queue_status()`` for /healthz, which must answer whatever the database holds: None
    when the queued work cannot be read (e.g. a table not migrated yet)."""
    try:
        with transaction.atomic():  # a savepoint: a failed query leaves no broken transaction
            return queue_status()
    except DatabaseError as error:
        logger.warning("Could not read the queued work (%s).", error.__class__.__name__)
        return None
