"""Building a downloadable file in the background (reports, exports), one way for every kind.

A job row moves queued → running → done | failed. Only the run that claims a queued job
builds it, so a task delivered twice does no harm; a sweeper on beat sends again what the
broker lost and gives up on jobs whose worker died.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from klassa_app import audit
from klassa_app.models import FileJob, User
from klassa_app.queue import enqueue
from klassa_app.services import ServiceError

logger = logging.getLogger(__name__)

# Queued longer than this: probably never sent (broker down), so send it again.
STALE_QUEUED = timedelta(minutes=10)
# Running longer than this: the worker died (the hard time limit is far shorter).
STUCK_RUNNING = timedelta(minutes=30)
SWEEP_BATCH = 200


def stale_after() -> timedelta:
    """How long work may wait in the queue before the person waiting is told that the report
    service is not answering (``KLASSA_QUEUE_STALE_SECONDS``)."""
    return timedelta(seconds=settings.KLASSA_QUEUE_STALE_SECONDS)


def waiting_too_long(job: Any, now: datetime | None = None) -> bool:
    """A job still queued (no worker has claimed it) for longer than ``stale_after()``."""
    if job.status != job.Status.QUEUED or job.created_at is None:
        return False
    return (now or timezone.now()) - job.created_at > stale_after()


def run_file_job(
    model: type[models.Model],
    job_id: int,
    *,
    load: Callable[[int], Any],
    build: Callable[[Any, Callable[[int], None]], tuple[bytes, str]],
) -> str:
    """Claim the job, build its file with ``build(job, progress)`` → (content, extension) in
    the job's language, and keep the file under a random name (people download it under the
    job's own name). Returns "done", "failed" or "skipped"."""
    status = model.Status  # type: ignore[attr-defined]
    claimed = model.objects.filter(pk=job_id, status=status.QUEUED).update(
        status=status.RUNNING, progress=10, started_at=timezone.now(), message=""
    )
    if not claimed:
        return "skipped"

    def progress(value: int) -> None:
        model.objects.filter(pk=job_id).update(progress=value)

    job = load(job_id)
    with translation.override(job.language):
        try:
            content, extension = build(job, progress)
            progress(90)
            job.file.save(f"{uuid.uuid4().hex}.{extension}", ContentFile(content), save=False)
            job.status = status.DONE
            job.progress = 100
            job.finished_at = timezone.now()
            job.save(update_fields=["file", "status", "progress", "finished_at"])
        except Exception:
            # The soft time limit lands here too (SoftTimeLimitExceeded is an Exception).
            logger.exception("%s %s (%s) failed.", model.__name__, job_id, job.kind)
            model.objects.filter(pk=job_id).update(
                status=status.FAILED,
                message=gettext(
                    "The report could not be built. Try again; if it fails again, "
                    "tell your support."
                ),
                finished_at=timezone.now(),
            )
            return "failed"
    return "done"


def sweep_file_jobs(model: type[models.Model], task: Any) -> int:
    """Send again jobs queued long ago but never started; fail jobs whose worker died.
    Returns how many were sent again."""
    status = model.Status  # type: ignore[attr-defined]
    now = timezone.now()
    ids = list(
        model.objects.filter(status=status.QUEUED, created_at__lt=now - STALE_QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for job_id in ids:
        task.delay(job_id)
    if ids:
        logger.info("Re-enqueued %d queued %s rows.", len(ids), model.__name__)
    stuck = model.objects.filter(status=status.RUNNING, started_at__lt=now - STUCK_RUNNING).only(
        "pk", "language"
    )
    for job in stuck:
        with translation.override(job.language):
            message = gettext("Building the report took too long. Request it again.")
        model.objects.filter(pk=job.pk, status=status.RUNNING).update(
            status=status.FAILED, message=message, finished_at=now
        )
    return len(ids)


def do_requeue_job(*, actor: User, job: FileJob, task: str, visible: models.QuerySet[Any]) -> None:
    """Send a failed job (or one the queue lost) to the workers again, for support staff:
    ``visible`` is the jobs of this kind the actor may see (the admin's scoped list), ``task``
    the dotted path of the task that builds it. Reset and audit in one transaction; the task
    is sent once it commits. A job being built or already built is left alone."""
    model = type(job)
    status = model.Status
    with transaction.atomic():
        if not actor.is_staff or not visible.filter(pk=job.pk).exists():
            raise PermissionDenied(gettext("You may not send this job again."))
        locked = model.objects.select_for_update().get(pk=job.pk)
        if locked.status not in (status.QUEUED, status.FAILED):
            raise ServiceError(gettext("Only a failed or waiting job can be sent again."))
        before = audit.snapshot(locked, ["status", "progress", "message"])
        model.objects.filter(pk=locked.pk).update(
            status=status.QUEUED, progress=0, message="", started_at=None, finished_at=None
        )
        audit.record(
            actor=actor,
            organisation=locked.organisation,  # type: ignore[attr-defined]
            action="job.requeued",
            obj=locked,
            before=before,
            after={"status": status.QUEUED.value, "task": task},
        )
        enqueue(task, locked.pk)
