"""Background work of the core: invitation and notification e-mails."""

from __future__ import annotations

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from klassa_app import links, notifications
from klassa_app.models import EmailChoice, Membership, Notification, User

logger = logging.getLogger(__name__)

# Invitations younger than this are left to their own on-commit task.
PENDING_GRACE = timedelta(minutes=5)


def invitation_link(membership: Membership) -> str:
    user = membership.user
    if user.has_usable_password():
        path = reverse("login")
    else:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = default_token_generator.make_token(user)
        path = reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return links.absolute(path)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_invitation(membership_id: int) -> str:
    """E-mail a person that they were given a role; safe to run twice."""
    with transaction.atomic():
        membership = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "organisation", "department", "invited_by")
            .filter(pk=membership_id)
            .first()
        )
        if membership is None:
            return "gone"
        if membership.invitation_sent_at is not None:
            return "already sent"
        context = {
            "membership": membership,
            "link": invitation_link(membership),
            "organisation": membership.organisation,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("klassa/email/invitation_subject.txt", context).strip()
            body = render_to_string("klassa/email/invitation.txt", context)
        # An SMTP failure raises OSError: the row stays pending and the task retries.
        send_mail(subject, body, None, [membership.user.email])
        membership.invitation_sent_at = timezone.now()
        membership.save(update_fields=["invitation_sent_at"])
    return "sent"


@shared_task
def send_pending_invitations() -> int:
    """Re-enqueue invitations that were never sent (broker or mail server was down)."""
    cutoff = timezone.now() - PENDING_GRACE
    ids = list(
        Membership.objects.filter(invitation_sent_at__isnull=True, created_at__lt=cutoff)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for membership_id in ids:
        send_invitation.delay(membership_id)
    if ids:
        logger.info("Re-enqueued %d pending invitations.", len(ids))
    return len(ids)


def _absolute(path: str) -> str:
    return links.absolute(path)


@shared_task(
    autoretry_for=(OSError,),
    retry_backoff=30,
    retry_backoff_max=600,
    max_retries=5,
)
def send_notification_email(notification_id: int) -> str:
    """E-mail one notification to a person who wants it at once; safe to run twice. Someone
    who can no longer see what it is about is not told."""
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update(of=("self",))
            .select_related("recipient")
            .filter(pk=notification_id)
            .first()
        )
        if notification is None:
            return "gone"
        if notification.emailed_at is not None:
            return "already sent"
        if notification.email != EmailChoice.NOW:
            return "not wanted"
        recipient = notification.recipient
        if not recipient.is_active or not notifications.visible(recipient, [notification]):
            notification.emailed_at = timezone.now()
            notification.save(update_fields=["emailed_at"])
            return "withheld"
        with translation.override(settings.LANGUAGE_CODE):
            context = {
                "notification": notification,
                "text": notifications.text(notification),
                "link": _absolute(notification.link),
                "settings_link": _absolute(reverse("notification_settings")),
            }
            subject = render_to_string("klassa/email/notification_subject.txt", context).strip()
            body = render_to_string("klassa/email/notification.txt", context)
        # An SMTP failure raises OSError: the row stays pending and the task retries.
        send_mail(subject, body, None, [recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"


@shared_task
def send_pending_notification_emails() -> int:
    """Re-enqueue notification e-mails that were never sent (broker or mail server down)."""
    cutoff = timezone.now() - PENDING_GRACE
    ids = list(
        Notification.objects.filter(
            email=EmailChoice.NOW, emailed_at__isnull=True, created_at__lt=cutoff
        )
        .exclude(kind__in=notifications.OWN_EMAIL_KINDS)
        .order_by("pk")
        .values_list("pk", flat=True)[:500]
    )
    for notification_id in ids:
        send_notification_email.delay(notification_id)
    if ids:
        logger.info("Re-enqueued %d pending notification e-mails.", len(ids))
    return len(ids)


def _send_digest_to(user: User) -> bool:
    with transaction.atomic():
        pending = list(
            Notification.objects.select_for_update()
            .filter(recipient=user, email=EmailChoice.DIGEST, emailed_at__isnull=True)
            .order_by("created_at", "pk")
        )
        if not pending:
            return False
        shown = notifications.visible(user, pending) if user.is_active else []
        if shown:
            with translation.override(settings.LANGUAGE_CODE):
                context = {
                    "items": [(notifications.text(n), _absolute(n.link)) for n in shown],
                    "list_link": _absolute(reverse("notification_list")),
                    "settings_link": _absolute(reverse("notification_settings")),
                }
                subject = render_to_string("klassa/email/digest_subject.txt", context).strip()
                body = render_to_string("klassa/email/digest.txt", context)
            send_mail(subject, body, None, [user.email])
        # What the person can no longer see is settled too: it is never to be sent.
        Notification.objects.filter(pk__in=[n.pk for n in pending]).update(
            emailed_at=timezone.now()
        )
    return bool(shown)


@shared_task
def send_notification_digest() -> int:
    """Daily: one e-mail per person with their notifications of the kinds they chose to
    hear of in the digest; returns how many e-mails were sent."""
    user_ids = (
        Notification.objects.filter(email=EmailChoice.DIGEST, emailed_at__isnull=True)
        .values_list("recipient_id", flat=True)
        .distinct()
        .order_by("recipient_id")
    )
    sent = 0
    for user in User.objects.filter(pk__in=list(user_ids)).order_by("pk"):
        try:
            sent += _send_digest_to(user)
        except OSError:
            # The mail server failed for this person: their rows stay pending for tomorrow.
            logger.exception("The notification digest to user %s was not sent.", user.pk)
    return sent
