"""Background work of the classification app: building reports, sending invitations and
digests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from celery import shared_task
from django.utils import timezone, translation

from assessments import reports
from assessments.models import ReportJob
from klassa_app import jobs, links, notifications
from klassa_app.models import EmailChoice, NotificationKind


def _load_report_job(job_id: int) -> ReportJob:
    return ReportJob.objects.select_related(
        "initiative", "initiative__organisation", "initiative__department", "initiative__area"
    ).get(pk=job_id)


def _build_report_file(job: ReportJob, progress: Callable[[int], None]) -> tuple[bytes, str]:
    data: reports.ReportData | reports.MinutesData
    # Exactly one of the two is set; a job without a session reads no session row.
    if job.session is not None:  # the minutes of a consensus session
        data = reports.collect_minutes(job.session)
    elif job.initiative is not None:
        data = reports.collect(job.initiative)
    else:
        raise ValueError(f"report job {job.pk} has neither an initiative nor a session")
    progress(50)
    return reports.build(job.kind, data), job.extension


@shared_task
def build_report(job_id: int) -> str:
    """Build a requested report and keep it with the job (safe to run twice)."""
    return jobs.run_file_job(ReportJob, job_id, load=_load_report_job, build=_build_report_file)


@shared_task
def requeue_stale_report_jobs() -> int:
    """Send report jobs again that were queued long ago but never started (the broker was
    down when they were requested), and give up on jobs whose worker died."""
    return jobs.sweep_file_jobs(ReportJob, build_report)


@shared_task
def send_overdue_review_digest() -> int:
    """Weekly: tell officers and owners which classifications are past their review date."""
    from assessments.review_digest import send_overdue_review_digest as send

    return send()


def _answer_path(participant) -> str:
    """Where a participant answers: a member's page behind the login, a guest's own link."""
    from django.urls import reverse

    from assessments import consensus

    if participant.user is None:
        return reverse("session_guest", args=[consensus.guest_link_token(participant)])
    return reverse("session_answer", args=[participant.session_id])


@shared_task(autoretry_for=(OSError,), retry_backoff=30, retry_backoff_max=600, max_retries=5)
def send_session_invitation(participant_id: int) -> str:
    """E-mail a participant the link to a consensus session; safe to run twice."""
    from django.conf import settings
    from django.core.mail import EmailMessage
    from django.db import transaction
    from django.template.loader import render_to_string
    from django.urls import reverse

    from assessments import consensus
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
        # A guest's link opens one session only, so a guest gets one e-mail per session.
        if session.meeting is not None and participant.user is not None:
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
        # This e-mail is the invitation notification's e-mail "at once"; a person who chose
        # the digest or no e-mail for invitations gets it that way instead. A guest has no
        # account and no choices: the e-mail is their only way in.
        if participant.user is not None:
            kinds = notifications.email_choices(participant.user)
            if kinds[NotificationKind.SESSION_INVITED] != EmailChoice.NOW:
                participant.invitation_sent_at = timezone.now()
                participant.save(update_fields=["invitation_sent_at"])
                return "not wanted by e-mail"
        link = links.absolute(_answer_path(participant))
        context = {
            "participant": participant,
            "asset": session.assessment.asset,
            "facilitator": session.facilitator,
            "link": link,
            "others": [
                (
                    p.session.assessment.asset,
                    links.absolute(reverse("session_answer", args=[p.session_id])),
                )
                for p in meeting[1:]
            ],
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("assessments/email/session_subject.txt", context).strip()
            body = render_to_string("assessments/email/session.txt", context)
        to = participant.user.email if participant.user is not None else participant.guest_email
        message = EmailMessage(subject, body, None, [to])
        calendar = consensus.session_invitation(session, link=link)
        if calendar is not None:
            message.attach("invitation.ics", calendar, "text/calendar; method=REQUEST")
        message.send()
        participant.invitation_sent_at = timezone.now()
        participant.save(update_fields=["invitation_sent_at"])
        if participant.user is not None:
            notifications.mark_emailed(
                user=participant.user,
                kind=NotificationKind.SESSION_INVITED,
                objects=[session, *(p.session for p in meeting[1:])],
            )
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
