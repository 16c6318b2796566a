"""Background work of the classification app: building reports."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import shared_task
from django.core.files.base import ContentFile
from django.utils import timezone, translation
from django.utils.translation import gettext

from assessments import reports
from assessments.models import ReportJob

logger = logging.getLogger(__name__)

# Jobs queued longer than this were probably never sent (broker down): send them again.
STALE_QUEUED = timedelta(minutes=10)
# Jobs running longer than this lost their worker (the hard time limit is 5 minutes).
STUCK_RUNNING = timedelta(minutes=30)


def _progress(job_id: int, progress: int) -> None:
    ReportJob.objects.filter(pk=job_id).update(progress=progress)


@shared_task
def build_report(job_id: int) -> str:
    """Build a requested report and keep it with the job. Safe to run twice: only the run
    that moves the job from queued to running builds it."""
    claimed = ReportJob.objects.filter(pk=job_id, status=ReportJob.Status.QUEUED).update(
        status=ReportJob.Status.RUNNING, progress=10, started_at=timezone.now(), message=""
    )
    if not claimed:
        return "skipped"
    job = ReportJob.objects.select_related(
        "initiative", "initiative__organisation", "initiative__department", "initiative__area"
    ).get(pk=job_id)
    with translation.override(job.language):
        try:
            if job.session_id is not None:  # the minutes of a consensus session
                data = reports.collect_minutes(job.session)
            else:
                data = reports.collect(job.initiative)
            _progress(job_id, 50)
            content = reports.build(job.kind, data)
            _progress(job_id, 90)
            # A random name on disk; people download it under job.download_name.
            job.file.save(f"{uuid.uuid4().hex}.{job.extension}", ContentFile(content), save=False)
            job.status = ReportJob.Status.DONE
            job.progress = 100
            job.finished_at = timezone.now()
            job.save(update_fields=["file", "status", "progress", "finished_at"])
        except Exception:
            # The soft time limit lands here too (SoftTimeLimitExceeded is an Exception).
            logger.exception("Report job %s (%s) failed.", job_id, job.kind)
            ReportJob.objects.filter(pk=job_id).update(
                status=ReportJob.Status.FAILED,
                message=gettext(
                    "The report could not be built. Try again; if it fails again, "
                    "tell your support."
                ),
                finished_at=timezone.now(),
            )
            return "failed"
    return "done"


@shared_task
def requeue_stale_report_jobs() -> int:
    """Send report jobs again that were queued long ago but never started (the broker was
    down when they were requested), and give up on jobs whose worker died."""
    now = timezone.now()
    ids = list(
        ReportJob.objects.filter(status=ReportJob.Status.QUEUED, created_at__lt=now - STALE_QUEUED)
        .order_by("pk")
        .values_list("pk", flat=True)[:200]
    )
    for job_id in ids:
        build_report.delay(job_id)
    if ids:
        logger.info("Re-enqueued %d queued report jobs.", len(ids))
    stuck = ReportJob.objects.filter(
        status=ReportJob.Status.RUNNING, started_at__lt=now - STUCK_RUNNING
    ).only("pk", "language")
    for job in stuck:
        with translation.override(job.language):
            message = gettext("Building the report took too long. Request it again.")
        ReportJob.objects.filter(pk=job.pk, status=ReportJob.Status.RUNNING).update(
            status=ReportJob.Status.FAILED, message=message, finished_at=now
        )
    return len(ids)


@shared_task
def send_overdue_review_digest() -> int:
    """Weekly: tell officers and owners which classifications are past their review date."""
    from assessments.review_digest import send_overdue_review_digest as send

    return send()


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_session_invitation(participant_id: int) -> str:
    """E-mail a participant the link to a consensus session; safe to run twice."""
    from django.conf import settings
    from django.core.mail import send_mail
    from django.db import transaction
    from django.template.loader import render_to_string
    from django.urls import reverse

    from assessments.models import Participant

    with transaction.atomic():
        participant = (
            Participant.objects.select_for_update(of=("self",))
            .select_related(
                "user", "session__facilitator", "session__assessment__asset__organisation"
            )
            .filter(pk=participant_id)
            .first()
        )
        if participant is None:
            return "gone"
        if participant.invitation_sent_at is not None:
            return "already sent"
        session = participant.session
        meeting = []
        if session.meeting is not None:
            meeting = list(
                Participant.objects.filter(session__meeting=session.meeting, user=participant.user)
                .select_related("session__assessment__asset")
                .order_by("session_id")
            )
        if meeting and meeting[0].pk != participant.pk:
            # One e-mail per person for the whole meeting: the first session's lists them all.
            participant.invitation_sent_at = timezone.now()
            participant.save(update_fields=["invitation_sent_at"])
            return "covered by the meeting's invitation"
        context = {
            "participant": participant,
            "asset": session.assessment.asset,
            "facilitator": session.facilitator,
            "link": f"{settings.KLASSA_BASE_URL}{reverse('session_answer', args=[session.pk])}",
            "others": [
                (
                    p.session.assessment.asset,
                    f"{settings.KLASSA_BASE_URL}{reverse('session_answer', args=[p.session_id])}",
                )
                for p in meeting[1:]
            ],
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("assessments/email/session_subject.txt", context).strip()
            body = render_to_string("assessments/email/session.txt", context)
        send_mail(subject, body, None, [participant.user.email])
        participant.invitation_sent_at = timezone.now()
        participant.save(update_fields=["invitation_sent_at"])
    return "sent"


@shared_task
def send_pending_session_invitations() -> int:
    """Re-enqueue session invitations that were never sent (broker or mail server down)."""
    from assessments.models import ConsensusSession, Participant

    cutoff = timezone.now() - timedelta(minutes=5)
    ids = list(
        Participant.objects.filter(
            invitation_sent_at__isnull=True,
            session__created_at__lt=cutoff,
            session__status__in=[ConsensusSession.Status.OPEN, ConsensusSession.Status.REVEALED],
        ).values_list("pk", flat=True)[:500]
    )
    for participant_id in ids:
        send_session_invitation.delay(participant_id)
    return len(ids)
