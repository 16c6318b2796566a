"""Background work of the portfolio: building its exports (XLSX and the PDF board report)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from portfolio import exports
from portfolio.models import PortfolioReportJob

logger = logging.getLogger(__name__)

# Queued longer than this: probably never sent (broker down), so send it again.
STALE_QUEUED = timedelta(minutes=10)
# Running longer than this: the worker died.
STUCK_RUNNING = timedelta(minutes=30)


def _progress(job_id: int, progress: int) -> None:
    PortfolioReportJob.objects.filter(pk=job_id).update(progress=progress)


@shared_task
def build_portfolio_export(job_id: int) -> str:
    """Build a requested portfolio export. Safe to run twice: only the run that moves the
    job from queued to running builds it."""
    claimed = PortfolioReportJob.objects.filter(
        pk=job_id, status=PortfolioReportJob.Status.QUEUED
    ).update(
        status=PortfolioReportJob.Status.RUNNING,
        progress=10,
        started_at=timezone.now(),
        message="",
    )
    if not claimed:
        return "skipped"
    job = PortfolioReportJob.objects.select_related("organisation").get(pk=job_id)
    with translation.override(job.language):
        try:
            portfolio = exports.compute_for_job(job)
            _progress(job_id, 50)
            content = exports.build(job.kind, portfolio)
            _progress(job_id, 90)
            # A random name on disk; people download it under job.download_name.
            job.file.save(f"{uuid.uuid4().hex}.{job.kind}", ContentFile(content), save=False)
            job.status = PortfolioReportJob.Status.DONE
            job.progress = 100
            job.finished_at = timezone.now()
            job.save(update_fields=["file", "status", "progress", "finished_at"])
        except Exception:
            # The soft time limit lands here too (SoftTimeLimitExceeded is an Exception).
            logger.exception("Portfolio export %s (%s) failed.", job_id, job.kind)
            PortfolioReportJob.objects.filter(pk=job_id).update(
                status=PortfolioReportJob.Status.FAILED,
                message=gettext(
                    "The report could not be built. Try again; if it fails again, "
                    "tell your support."
                ),
                finished_at=timezone.now(),
            )
            return "failed"
    return "done"


@shared_task
def requeue_stale_portfolio_jobs() -> int:
    """Send exports again that were queued long ago but never started, and give up on
    exports whose worker died."""
    now = timezone.now()
    ids = list(
        PortfolioReportJob.objects.filter(
            status=PortfolioReportJob.Status.QUEUED, created_at__lt=now - STALE_QUEUED
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for job_id in ids:
        build_portfolio_export.delay(job_id)
    if ids:
        logger.info("Re-enqueued %d queued portfolio exports.", len(ids))
    stuck = PortfolioReportJob.objects.filter(
        status=PortfolioReportJob.Status.RUNNING, started_at__lt=now - STUCK_RUNNING
    ).only("pk", "language")
    for job in stuck:
        with translation.override(job.language):
            message = gettext("Building the report took too long. Request it again.")
        PortfolioReportJob.objects.filter(
            pk=job.pk, status=PortfolioReportJob.Status.RUNNING
        ).update(status=PortfolioReportJob.Status.FAILED, message=message, finished_at=now)
    return len(ids)
