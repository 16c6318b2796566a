"""The weekly e-mail about overdue reviews reaches the right people."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from assessments.models import InformationAsset
from assessments.review_digest import send_overdue_review_digest
from tests.factories import InformationAssetFactory

pytestmark = pytest.mark.django_db

TODAY = date(2027, 3, 1)


def overdue(department, code, days=1):
    return InformationAssetFactory(
        department=department,
        code=code,
        status=InformationAsset.Status.APPROVED,
        review_due=TODAY - timedelta(days=days),
    )


def test_officer_gets_every_overdue_review_and_owners_only_their_departments(
    officer, owner, culture_viewer, utbildning, kultur
):
    overdue(utbildning, "ELEV")
    overdue(kultur, "MUSEUM")
    assert send_overdue_review_digest(TODAY) == 2
    by_person = {m.to[0]: m for m in mail.outbox}
    assert set(by_person) == {officer.email, owner.email}
    assert "ELEV" in by_person[officer.email].body and "MUSEUM" in by_person[officer.email].body
    assert "ELEV" in by_person[owner.email].body and "MUSEUM" not in by_person[owner.email].body
    assert "/reviews/overdue/" in by_person[owner.email].body


def test_nothing_is_sent_when_no_review_is_overdue(officer, utbildning):
    InformationAssetFactory(
        department=utbildning, status=InformationAsset.Status.APPROVED, review_due=TODAY
    )
    assert send_overdue_review_digest(TODAY) == 0
    assert mail.outbox == []


def test_another_organisations_officer_hears_nothing_of_ours(outsider, utbildning):
    overdue(utbildning, "ELEV")
    send_overdue_review_digest(TODAY)
    assert all(outsider.email not in m.to for m in mail.outbox)


def test_drafts_are_not_reviews(officer, utbildning):
    InformationAssetFactory(
        department=utbildning,
        status=InformationAsset.Status.DRAFT,
        review_due=TODAY - timedelta(days=9),
    )
    assert send_overdue_review_digest(TODAY) == 0
