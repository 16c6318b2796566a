"""Notifications: who is told of each event, e-mail by choice after commit, the daily
digest, access re-checked at reading, and the pages."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from assessments import consensus, services
from assessments.review_digest import send_overdue_review_digest
from klassa_app import access, notifications
from klassa_app.models import (
    EmailChoice,
    Membership,
    Notification,
    NotificationKind,
    NotificationPreference,
    Role,
)
from klassa_app.tasks import (
    send_notification_digest,
    send_notification_email,
    send_pending_notification_emails,
)
from tests.assessments.helpers import agree_everything, fresh, propose, the_others_submit
from tests.factories import ClassifiedAssetFactory, MembershipFactory, member

pytestmark = pytest.mark.django_db

P = consensus.Role
K = NotificationKind


@pytest.fixture
def dpo(norrkoping):
    return MembershipFactory(organisation=norrkoping, role=Role.DPO).user


@pytest.fixture
def asset(owner, utbildning):
    return services.do_create_asset(
        actor=owner, department=utbildning, code="NARV", name="Närvaro", personal_data="yes"
    )


@pytest.fixture
def colleague(utbildning):
    """An editor of the same department (a DPO of UTB) who is not in the session."""
    return member(Role.DPO, department=utbildning, email="dso@norrkoping.se")


@pytest.fixture
def bystanders(culture_viewer, outsider, kultur):
    """Nobody of these should ever hear of UTB's classification."""
    culture_editor = member(Role.BUSINESS_OWNER, department=kultur)
    return [culture_viewer, outsider, culture_editor]


@pytest.fixture
def session(officer, owner, lawyer, dpo, asset, django_capture_on_commit_callbacks):
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with django_capture_on_commit_callbacks(execute=True):
        return consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        )


def told(kind) -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def conclude(session, officer, owner, lawyer, dpo, capture):
    for person, level in ((owner, 1), (lawyer, 2), (dpo, 2)):
        propose(person, session, level)
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    agree_everything(officer, session, {"K": 2, "R": 2, "T": 1, "S": 1})
    with capture(execute=True):
        return consensus.do_conclude(actor=officer, session=fresh(session), lock_version=None)


# --- Who is told -----------------------------------------------------------------------------


def test_an_invitation_tells_each_participant_once_with_one_email(
    session, owner, lawyer, dpo, officer, bystanders, colleague
):
    assert told(K.SESSION_INVITED) == {owner.email, lawyer.email, dpo.email}
    # The session invitation is the one e-mail: nobody gets a second one for it.
    assert sorted(m.to[0] for m in mail.outbox) == sorted([owner.email, lawyer.email, dpo.email])
    assert not Notification.objects.filter(kind=K.SESSION_INVITED, emailed_at__isnull=True).exists()
    invitation = Notification.objects.get(recipient=owner)
    assert invitation.link == reverse("session_answer", args=[session.pk])


def test_reveal_tells_the_participants_but_not_the_facilitator_or_outsiders(
    session, officer, owner, lawyer, dpo, bystanders, colleague
):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    assert told(K.ANSWERS_REVEALED) == {owner.email, lawyer.email, dpo.email}


def test_conclusion_tells_the_signers_and_emails_them_after_commit(
    session, officer, owner, lawyer, dpo, bystanders, django_capture_on_commit_callbacks, as_user
):
    mail.outbox.clear()
    assessment = conclude(session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks)
    assert told(K.SIGNATURES_DUE) == {owner.email, lawyer.email, dpo.email}
    due = Notification.objects.get(kind=K.SIGNATURES_DUE, recipient=owner)
    # The session page, where signing is a form (the sign URL takes only a POST).
    assert due.link == reverse("session_detail", args=[session.pk])
    page = as_user(owner).get(due.link)  # it opens, with the owner's sign button
    assert page.status_code == 200
    assert f'action="{reverse("assessment_sign", args=[assessment.pk])}"' in page.content.decode()
    assert due.emailed_at is not None
    assert {m.to[0] for m in mail.outbox} == {owner.email, lawyer.email, dpo.email}
    assert reverse("session_detail", args=[session.pk]) in mail.outbox[0].body


def test_no_email_leaves_before_the_transaction_commits(
    session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks
):
    for person, level in ((owner, 1), (lawyer, 2), (dpo, 2)):
        propose(person, session, level)
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    agree_everything(officer, session, {"K": 2, "R": 2, "T": 1, "S": 1})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        consensus.do_conclude(actor=officer, session=fresh(session), lock_version=None)
        assert mail.outbox == []
    assert callbacks  # the e-mails wait for the commit
    for callback in callbacks:
        callback()
    assert len(mail.outbox) == 3


def test_only_those_who_chose_email_at_once_get_one(
    session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=lawyer, kind=K.SIGNATURES_DUE, email=EmailChoice.DIGEST
    )
    NotificationPreference.objects.create(user=dpo, kind=K.SIGNATURES_DUE, email=EmailChoice.NEVER)
    mail.outbox.clear()
    conclude(session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks)
    assert [m.to[0] for m in mail.outbox] == [owner.email]
    # Still in the app for all three.
    assert told(K.SIGNATURES_DUE) == {owner.email, lawyer.email, dpo.email}


def test_a_person_who_wants_no_invitation_email_gets_none(
    officer, owner, lawyer, dpo, asset, django_capture_on_commit_callbacks
):
    NotificationPreference.objects.create(
        user=lawyer, kind=K.SESSION_INVITED, email=EmailChoice.NEVER
    )
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    with django_capture_on_commit_callbacks(execute=True):
        consensus.do_open_session(
            actor=officer,
            assessment=assessment,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        )
    assert {m.to[0] for m in mail.outbox} == {owner.email, dpo.email}
    assert lawyer.email in told(K.SESSION_INVITED)


def test_voided_signatures_tell_the_signers_but_not_who_caused_it(
    session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks
):
    assessment = conclude(session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks)
    consensus.do_sign(actor=owner, assessment=assessment, role=P.BUSINESS_OWNER)
    consensus.do_sign(actor=dpo, assessment=assessment, role=P.DPO)
    consensus.do_reject(actor=lawyer, assessment=assessment, reason="OSL applies here")
    assert told(K.SIGNATURES_VOIDED) == {owner.email, dpo.email}
    text = notifications.text(Notification.objects.get(kind=K.SIGNATURES_VOIDED, recipient=dpo))
    assert "OSL applies here" in text


def test_rejection_tells_the_department_editors_and_the_facilitator(
    session, officer, owner, lawyer, dpo, colleague, bystanders, django_capture_on_commit_callbacks
):
    assessment = conclude(session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks)
    consensus.do_reject(actor=lawyer, assessment=assessment, reason="OSL applies here")
    # The lawyer rejected it: they are not told of their own act.
    assert told(K.ASSESSMENT_RETURNED) == {owner.email, colleague.email, officer.email}


def test_approval_tells_the_department_editors_and_the_facilitator(
    session, officer, owner, lawyer, dpo, colleague, bystanders, django_capture_on_commit_callbacks
):
    assessment = conclude(session, officer, owner, lawyer, dpo, django_capture_on_commit_callbacks)
    for person, role in ((owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)):
        consensus.do_sign(actor=person, assessment=assessment, role=role)
    # The DPO signed last and approved it; the organisation-wide DPO is no department editor.
    assert told(K.ASSESSMENT_APPROVED) == {
        owner.email,
        lawyer.email,
        colleague.email,
        officer.email,
    }


def test_reviews_due_tell_the_department_editors_once(owner, lawyer, utbildning, bystanders):
    asset = ClassifiedAssetFactory(department=utbildning, actor=owner)
    asset.review_due = timezone.localdate() - timedelta(days=3)
    asset.save(update_fields=["review_due"])
    send_overdue_review_digest()
    send_overdue_review_digest()
    reviews = Notification.objects.filter(kind=K.REVIEW_DUE)
    assert {n.recipient.email for n in reviews} >= {owner.email, lawyer.email}
    assert reviews.filter(recipient=owner).count() == 1
    assert not reviews.filter(recipient__in=bystanders).exists()


# --- E-mail: digest and sweeper ----------------------------------------------------------------


def test_the_daily_digest_collects_a_persons_notifications_in_one_email(
    session, officer, owner, lawyer, dpo
):
    NotificationPreference.objects.create(
        user=owner, kind=K.SIGNATURES_VOIDED, email=EmailChoice.DIGEST
    )
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    mail.outbox.clear()
    # Answers revealed goes to the digest by default.
    assert send_notification_digest() == 3
    to_owner = [m for m in mail.outbox if m.to == [owner.email]]
    assert len(to_owner) == 1
    assert "NARV Närvaro" in to_owner[0].body
    assert not Notification.objects.filter(email=EmailChoice.DIGEST, emailed_at=None).exists()
    mail.outbox.clear()
    assert send_notification_digest() == 0
    assert mail.outbox == []


def test_the_sweeper_sends_what_was_never_sent(owner, session):
    stuck = Notification.objects.get(recipient=owner)
    Notification.objects.filter(pk=stuck.pk).update(
        kind=K.SIGNATURES_DUE,
        email=EmailChoice.NOW,
        emailed_at=None,
        created_at=timezone.now() - timedelta(hours=1),
    )
    mail.outbox.clear()
    assert send_pending_notification_emails() == 1
    assert [m.to for m in mail.outbox] == [[owner.email]]
    assert send_pending_notification_emails() == 0


# --- Access -------------------------------------------------------------------------------------


def test_a_notification_about_what_one_can_no_longer_see_is_hidden_and_not_sent(
    as_user, session, owner, kultur
):
    invitation = Notification.objects.get(recipient=owner)
    assert "NARV" in as_user(owner).get(reverse("notification_list")).content.decode()
    # The owner moves to another department: the session is out of their sight.
    Membership.objects.filter(user=owner).update(department=kultur)
    client = as_user(owner)
    assert "NARV" not in client.get(reverse("notification_list")).content.decode()
    assert client.post(reverse("notification_read", args=[invitation.pk])).status_code == 404
    # Nor is it e-mailed.
    Notification.objects.filter(pk=invitation.pk).update(
        kind=K.ANSWERS_REVEALED, email=EmailChoice.NOW, emailed_at=None
    )
    mail.outbox.clear()
    assert send_notification_email(invitation.pk) == "withheld"
    assert mail.outbox == []


def test_a_department_one_left_drops_out_of_the_unread_count(session, owner, norrkoping, kultur):
    assert notifications.unread_count(owner, norrkoping) == 1
    Membership.objects.filter(user=owner).update(department=kultur)
    access.forget_memberships(owner)
    assert notifications.unread_count(owner, norrkoping) == 0


# --- Pages --------------------------------------------------------------------------------------


def test_the_list_shows_mine_unread_first_and_the_menu_counts_them(
    as_user, session, officer, owner
):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    invitation = Notification.objects.get(recipient=owner, kind=K.SESSION_INVITED)
    notifications.do_mark_read(actor=owner, notification=invitation)
    body = as_user(owner).get(reverse("notification_list")).content.decode()
    revealed = f'href="{reverse("session_detail", args=[session.pk])}"'
    invited = f'href="{reverse("session_answer", args=[session.pk])}"'
    assert body.index(revealed) < body.index(invited)
    assert 'class="badge rounded-pill text-bg-light">1<' in body


def test_marking_read_one_with_htmx_and_then_all(as_user, session, officer, owner):
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    client = as_user(owner)
    first = Notification.objects.filter(recipient=owner).first()
    response = client.post(reverse("notification_read", args=[first.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{first.pk}"' in response.content.decode()
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=owner, read_at=None).count() == 1
    assert client.post(reverse("notification_read_all")).status_code == 302
    assert not Notification.objects.filter(recipient=owner, read_at=None).exists()


def test_nobody_marks_someone_elses_notification_read(as_user, session, owner, lawyer):
    theirs = Notification.objects.get(recipient=owner)
    assert as_user(lawyer).post(reverse("notification_read", args=[theirs.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        notifications.do_mark_read(actor=lawyer, notification=theirs)
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_list_costs_the_same_few_queries_with_many_notifications(
    as_user, session, officer, owner, django_assert_max_num_queries
):
    client = as_user(owner)
    for _ in range(30):
        notifications.notify(
            recipients=[owner],
            kind=K.ANSWERS_REVEALED,
            organisation=session.assessment.asset.organisation,
            department=session.assessment.asset.department,
            params={"asset": "NARV Närvaro"},
            link=reverse("session_detail", args=[session.pk]),
            obj=session,
        )
    client.get(reverse("notification_list"))
    with django_assert_max_num_queries(10):
        response = client.get(reverse("notification_list"))
    assert response.content.decode().count("list-group-item") == 31


def test_the_settings_page_saves_choices(as_user, owner):
    client = as_user(owner)
    data = {kind: EmailChoice.NOW for kind in K.values} | {K.ANSWERS_REVEALED: EmailChoice.NEVER}
    response = client.post(reverse("notification_settings"), data)
    assert response.status_code == 302
    assert notifications.email_choices(owner)[K.ANSWERS_REVEALED] == EmailChoice.NEVER
    assert notifications.email_choices(owner)[K.REVIEW_DUE] == EmailChoice.NOW


def test_the_settings_page_refuses_a_bad_value_with_a_message(as_user, owner):
    data = {kind: EmailChoice.NOW for kind in K.values} | {K.REVIEW_DUE: "hourly"}
    response = as_user(owner).post(reverse("notification_settings"), data)
    assert response.status_code == 400
    assert [str(m) for m in response.context["messages"]]
    assert response.context["form"].errors[K.REVIEW_DUE]
    assert not NotificationPreference.objects.filter(user=owner).exists()


def test_the_digest_and_the_sweeper_are_in_the_beat_schedule(settings):
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "klassa_app.tasks.send_notification_digest",
        "klassa_app.tasks.send_pending_notification_emails",
    } <= scheduled


def test_an_id_past_a_thousand_is_written_without_a_thousands_separator(
    as_user, session, officer, owner
):
    """Swedish number formatting puts a space in 1 245; an element id or an htmx target built
    from an object's id must not get one, or the swap misses its element."""
    the_others_submit(session)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    first = Notification.objects.filter(recipient=owner).first()
    Notification.objects.filter(pk=first.pk).update(id=12345)
    body = as_user(owner).get(reverse("notification_list")).content.decode()
    assert 'id="notification-12345"' in body
    assert 'hx-target="#notification-12345"' in body
