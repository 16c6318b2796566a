"""Invitation e-mails: sent on commit, idempotent, and never lost when the broker is down."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from klassa_app import services
from klassa_app.celery import app as celery_app
from klassa_app.models import Membership, Role
from klassa_app.tasks import send_invitation, send_pending_invitations

pytestmark = pytest.mark.django_db


def invite(admin, department, email="ny@norrkoping.se"):
    return services.do_invite_member(
        actor=admin,
        organisation=department.organisation,
        email=email,
        role=Role.VIEWER,
        department=department,
    )


def test_invitation_is_sent_only_after_the_transaction_commits(
    admin, utbildning, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        membership = invite(admin, utbildning)
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()
    membership.refresh_from_db()
    assert membership.invitation_sent_at is not None
    assert len(mail.outbox) == 1


def test_invitation_is_in_swedish_and_names_role_department_and_inviter(
    admin, utbildning, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invite(admin, utbildning)
    message = mail.outbox[0]
    assert "Norrköpings kommun" in message.subject
    assert "Utbildningskontoret" in message.body
    assert "Anna Admin" in message.body
    assert "Läsare" in message.body or "Viewer" in message.body


def test_running_the_invitation_task_twice_sends_one_email(
    admin, utbildning, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        membership = invite(admin, utbildning)
    assert send_invitation(membership.pk) == "already sent"
    assert len(mail.outbox) == 1


def test_invitation_for_a_removed_membership_is_dropped(db):
    assert send_invitation(987654) == "gone"


def test_mail_server_failure_leaves_the_invitation_pending(
    admin, utbildning, settings, monkeypatch
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("klassa_app.tasks.send_mail", refuse)
    membership = invite(admin, utbildning)
    with pytest.raises(ConnectionRefusedError):
        send_invitation.run(membership.pk)
    membership.refresh_from_db()
    assert membership.invitation_sent_at is None


def test_sweeper_sends_invitations_that_were_left_pending(admin, utbildning):
    membership = invite(admin, utbildning)  # no on-commit capture: the task never ran
    Membership.objects.filter(pk=membership.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    assert send_pending_invitations() == 1
    membership.refresh_from_db()
    assert membership.invitation_sent_at is not None
    assert len(mail.outbox) == 1
    assert send_pending_invitations() == 0


def test_sweeper_leaves_fresh_invitations_to_their_own_task(admin, utbildning):
    invite(admin, utbildning)
    assert send_pending_invitations() == 0


@pytest.fixture
def broker_down():
    """The Celery app pointed at a port where nothing listens."""
    saved = {k: celery_app.conf[k] for k in ("broker_url", "task_always_eager")}
    celery_app.conf.update(broker_url="redis://127.0.0.1:9/0", task_always_eager=False)
    # kombu keeps producer pools per broker URL; drop the app's handle so it picks the new one.
    celery_app.amqp._producer_pool = None
    yield
    celery_app.conf.update(saved)
    celery_app.amqp._producer_pool = None


def test_with_the_broker_down_adding_a_member_still_works_and_nothing_is_lost(
    as_user, admin, utbildning, broker_down, django_capture_on_commit_callbacks
):
    client = as_user(admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("member_invite"),
            {"email": "ny@norrkoping.se", "role": "viewer", "department": utbildning.pk},
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ny@norrkoping.se")
    assert membership.invitation_sent_at is None  # pending, shown as such on the members page
    page = client.get(reverse("member_list"))
    assert page.status_code == 200
    # The sweeper, once the broker is back, sends it.
    celery_app.conf.task_always_eager = True
    Membership.objects.filter(pk=membership.pk).update(
        created_at=timezone.now() - timedelta(minutes=10)
    )
    send_pending_invitations()
    membership.refresh_from_db()
    assert membership.invitation_sent_at is not None
