"""The weekly e-mail about classifications whose review date has passed.

Security officers get their organisation's whole list; business owners get the part of
their own departments. One e-mail per person and organisation. The department's editors
are also told in the app, once per review date (``notify_overdue_reviews``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from assessments.models import InformationAsset
from assessments.notifications import notify_review_due
from klassa_app import links
from klassa_app.models import Membership, Role


def overdue_by_recipient(today: date) -> dict[tuple[int, str], list[InformationAsset]]:
    """(organisation id, e-mail) → overdue assets that person should hear about."""
    overdue = list(
        InformationAsset.objects.filter(
            status=InformationAsset.Status.APPROVED, review_due__lt=today
        )
        .select_related("department", "organisation")
        .order_by("review_due", "code")
    )
    if not overdue:
        return {}
    organisations = {a.organisation_id for a in overdue}
    memberships = Membership.objects.filter(
        organisation_id__in=organisations,
        role__in=[Role.SECURITY_OFFICER, Role.BUSINESS_OWNER],
        user__is_active=True,
    ).select_related("user")
    result: dict[tuple[int, str], list[InformationAsset]] = defaultdict(list)
    for m in memberships:
        for asset in overdue:
            if asset.organisation_id != m.organisation_id:
                continue
            in_scope = m.department_id is None or m.department_id == asset.department_id
            if in_scope and asset not in result[(m.organisation_id, m.user.email)]:
                result[(m.organisation_id, m.user.email)].append(asset)
    return dict(result)


def notify_overdue_reviews(today: date) -> int:
    """Notify each overdue asset's department editors in the app; returns how many."""
    told = 0
    for asset in InformationAsset.objects.filter(
        status=InformationAsset.Status.APPROVED, review_due__lt=today
    ).select_related("department", "organisation"):
        with transaction.atomic():
            told += notify_review_due(asset)
    return told


def send_overdue_review_digest(today: date | None = None) -> int:
    """Send the e-mails; returns how many were sent."""
    today = today or timezone.localdate()
    notify_overdue_reviews(today)
    sent = 0
    for (_organisation_id, email), assets in sorted(overdue_by_recipient(today).items()):
        context = {
            "assets": assets,
            "organisation": assets[0].organisation,
            "link": links.absolute(reverse("overdue_reviews")),
            "today": today,
        }
        with translation.override(settings.LANGUAGE_CODE):
            subject = render_to_string("assessments/email/overdue_subject.txt", context).strip()
            body = render_to_string("assessments/email/overdue.txt", context)
        send_mail(subject, body, None, [email])
        sent += 1
    return sent
