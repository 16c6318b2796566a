"""Background work of the core: invitation e-mails."""

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

from klassa_app import links
from klassa_app.models import Membership

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
