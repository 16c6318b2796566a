"""Setting up a consensus session like a meeting: the participants prefilled from the
department's memberships, any number of them, external guests with a time-limited link, a
date with a calendar invitation."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from assessments import consensus, services
from assessments.models import ConsensusSession, Participant
from klassa_app import ics
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from tests.assessments.helpers import answers, fresh, the_others_submit
from tests.factories import ConsensusSessionFactory, MembershipFactory, member

pytestmark = pytest.mark.django_db

P = consensus.Role


@pytest.fixture
def dpo(norrkoping):
    return MembershipFactory(organisation=norrkoping, role=Role.DPO).user


@pytest.fixture
def draft(owner, asset):
    return services.do_start_assessment(actor=owner, asset=asset)


def _rows(form) -> list[tuple[int | None, str]]:
    return [(user.value(), role.value()) for user, role in form.rows()]


def _post(client, assessment, rows, **extra):
    data = {"rows": len(rows), **extra}
    for i, (user, role) in enumerate(rows):
        data[f"user_{i}"] = user.pk if user else ""
        data[f"role_{i}"] = role
    return client.post(reverse("session_create", args=[assessment.pk]), data)


# --- Participants ------------------------------------------------------------------------------


def test_the_form_starts_with_the_members_who_must_sign_in_their_roles(
    as_user, officer, owner, lawyer, dpo, draft
):
    page = as_user(officer).get(reverse("session_create", args=[draft.pk]))
    rows = _rows(page.context["form"])
    filled = [row for row in rows if row[0]]
    assert filled == [
        (owner.pk, P.BUSINESS_OWNER),
        (lawyer.pk, P.LEGAL_REVIEWER),
        (dpo.pk, P.DPO),
    ]
    # Room for more under the prefilled rows, and no hint: every role is there.
    assert len(rows) > len(filled)
    assert page.context["missing_roles"] == []


def test_the_facilitator_is_never_prefilled_even_when_they_hold_a_signing_role(
    as_user, officer, owner, lawyer, dpo, draft, norrkoping
):
    MembershipFactory(user=officer, organisation=norrkoping, role=Role.DPO)
    page = as_user(officer).get(reverse("session_create", args=[draft.pk]))
    assert officer.pk not in [user for user, _role in _rows(page.context["form"])]


def test_a_department_without_a_lawyer_gets_a_hint_naming_the_role(
    as_user, officer, owner, dpo, draft
):
    page = as_user(officer).get(reverse("session_create", args=[draft.pk]))
    assert [str(r) for r in page.context["missing_roles"]] == [str(P.LEGAL_REVIEWER.label)]
    assert str(P.LEGAL_REVIEWER.label) in page.content.decode()


def test_any_number_of_participants_can_be_invited(
    as_user, officer, owner, lawyer, dpo, draft, utbildning
):
    others = [member(Role.VIEWER, department=utbildning) for _ in range(8)]
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)]
    rows += [(person, P.OTHER) for person in others]
    response = _post(as_user(officer), draft, rows)
    assert response.status_code == 302
    session = ConsensusSession.objects.get(assessment=draft)
    assert session.participants.count() == 11


def test_add_a_participant_shows_what_was_typed_with_one_row_more(
    as_user, officer, owner, lawyer, dpo, draft
):
    client = as_user(officer)
    rows = [(owner, P.BUSINESS_OWNER), (None, "")]
    response = _post(client, draft, rows, more="1")
    assert response.status_code == 200
    form = response.context["form"]
    assert not form.is_bound  # nothing is checked yet, so no errors are shown
    assert _rows(form) == [(str(owner.pk), P.BUSINESS_OWNER), ("", ""), (None, "")]
    assert not ConsensusSession.objects.exists()


def test_the_facilitator_cannot_take_part_in_their_own_session(
    as_user, officer, owner, lawyer, dpo, draft
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO), (officer, P.IT)]
    response = _post(as_user(officer), draft, rows)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.has_error("user_3", "facilitator_participant")
    assert "Du leder sessionen" in response.content.decode()  # named beside the field
    assert not ConsensusSession.objects.exists()


def test_the_service_also_refuses_the_facilitator_as_a_participant(
    officer, owner, lawyer, dpo, draft
):
    with pytest.raises(ServiceError) as error:
        consensus.do_open_session(
            actor=officer,
            assessment=draft,
            participants=[
                (owner, P.BUSINESS_OWNER),
                (lawyer, P.LEGAL_REVIEWER),
                (dpo, P.DPO),
                (officer, P.IT),
            ],
        )
    assert error.value.field == "participants"


def test_a_person_invited_twice_is_named_on_the_second_row(
    as_user, officer, owner, lawyer, dpo, draft
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO), (owner, P.IT)]
    response = _post(as_user(officer), draft, rows)
    assert response.context["form"].has_error("user_3", "invited_twice")
    assert not ConsensusSession.objects.exists()


def test_outsiders_do_not_find_the_new_session_form(as_user, outsider, culture_viewer, draft):
    for person in (outsider, culture_viewer):
        response = as_user(person).get(reverse("session_create", args=[draft.pk]))
        assert response.status_code == 404


# --- External guests ---------------------------------------------------------------------------

SUPPLIER = "drift@leverantoren.se"


@pytest.fixture
def guest_session(officer, owner, lawyer, dpo, draft, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return consensus.do_open_session(
            actor=officer,
            assessment=draft,
            participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
            guests=[SUPPLIER],
        )


def _guest(session):
    return session.participants.get(guest_email=SUPPLIER)


def _guest_link(session) -> str:
    (invitation,) = [m for m in mail.outbox if m.to == [SUPPLIER]]
    found = re.search(r"https?://\S+(/guest/\S+/)", invitation.body)
    assert found, invitation.body
    return found.group(1)


def test_a_guest_is_invited_by_email_from_the_form(
    as_user, officer, owner, lawyer, dpo, draft, django_capture_on_commit_callbacks
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)]
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(as_user(officer), draft, rows, guests=f"{SUPPLIER}\n\n")
    assert response.status_code == 302
    session = ConsensusSession.objects.get(assessment=draft)
    guest = _guest(session)
    assert guest.user is None and guest.session_role == P.IT
    assert guest.guest_link_expires_at > timezone.now() + timedelta(days=13)
    assert "/guest/" in _guest_link(session)
    assert AuditEvent.objects.filter(action="consensus.guest_invited", object_id=session.pk)


def test_a_guest_address_that_is_not_an_email_is_named_on_the_field(
    as_user, officer, owner, lawyer, dpo, draft
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)]
    response = _post(as_user(officer), draft, rows, guests="drift at leverantoren")
    assert response.context["form"].has_error("guests", "invalid_guest")
    assert not ConsensusSession.objects.exists()


def test_a_guest_answers_through_the_link_and_counts_like_a_participant(
    client, guest_session, officer
):
    link = _guest_link(guest_session)
    page = client.get(link)
    assert page.status_code == 200
    assert guest_session.assessment.asset.name in page.content.decode()
    data = {f"answer_{code}": pk for code, pk in answers(guest_session, 3).items()}
    data.update(lock_version=fresh(guest_session).lock_version, submit="1")
    assert client.post(link, data).status_code == 302
    guest = _guest(guest_session)
    assert guest.submitted_at is not None
    assert guest.proposals.count() == len(data) - 2
    the_others_submit(guest_session)
    consensus.do_reveal(
        actor=officer, session=guest_session, lock_version=fresh(guest_session).lock_version
    )
    spreads = consensus.disagreement(fresh(guest_session))
    assert all(any(p == guest and lv == 3 for p, lv in a.levels) for a in spreads if a.questions)
    assert AuditEvent.objects.filter(
        action="consensus.guest_submitted", object_id=guest_session.pk
    ).exists()


def test_the_facilitator_sees_the_guest_among_the_participants(as_user, guest_session, officer):
    page = as_user(officer).get(reverse("session_live", args=[guest_session.pk]))
    assert SUPPLIER in page.content.decode()


def test_a_guest_link_opens_nothing_but_its_session(client, guest_session, asset, owner):
    link = _guest_link(guest_session)
    assert client.get(link).status_code == 200
    # Another session's pages, the home page, the assets: the login page, as for anyone.
    for url in (
        reverse("session_detail", args=[guest_session.pk]),
        reverse("session_answer", args=[guest_session.pk]),
        reverse("home"),
        reverse("asset_detail", args=[asset.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response.url, url
    # A link is for one participant of one session: changing the token finds nothing.
    token = link.strip("/").split("/")[-1]
    assert client.get(reverse("session_guest", args=[token + "x"])).status_code == 404
    other = ConsensusSessionFactory()
    forged = consensus.guest_link_token(
        Participant(pk=other.participants.first().pk, guest_nonce=_guest(guest_session).guest_nonce)
    )
    assert client.get(reverse("session_guest", args=[forged])).status_code == 404


def test_a_guest_link_expires(client, guest_session):
    link = _guest_link(guest_session)
    Participant.objects.filter(guest_email=SUPPLIER).update(
        guest_link_expires_at=timezone.now() - timedelta(minutes=1)
    )
    assert client.get(link).status_code == 404


def test_a_guest_link_older_than_the_validity_is_refused_whatever_the_stored_date(
    client, guest_session, settings
):
    link = _guest_link(guest_session)
    settings.KLASSA_GUEST_LINK_DAYS = 0
    assert client.get(link).status_code == 404


def test_a_revoked_link_or_a_finished_session_opens_nothing(client, guest_session, officer):
    link = _guest_link(guest_session)
    consensus.do_cancel(actor=officer, session=guest_session)
    assert client.get(link).status_code == 404
    assert client.post(link, {"submit": "1"}).status_code == 404
    Participant.objects.filter(guest_email=SUPPLIER).update(guest_nonce="")
    assert client.get(link).status_code == 404


def test_a_logged_in_outsider_with_a_bad_token_gets_404(as_user, outsider, guest_session):
    response = as_user(outsider).get(reverse("session_guest", args=["not-a-token"]))
    assert response.status_code == 404


# --- The meeting's date and calendar invitation --------------------------------------------------


def _calendar(text: str) -> dict[str, str]:
    return {name.split(";")[0]: value for name, value in ics.unfold(text)}


def test_a_session_with_a_time_sends_an_ics_invitation_to_everyone(
    as_user, officer, owner, lawyer, dpo, draft, django_capture_on_commit_callbacks
):
    rows = [(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)]
    with django_capture_on_commit_callbacks(execute=True):
        response = _post(
            as_user(officer),
            draft,
            rows,
            guests=SUPPLIER,
            meeting_at="2027-01-14T09:30",
            meeting_minutes="90",
            meeting_place="Rum 3, Rådhuset",
        )
    assert response.status_code == 302
    session = ConsensusSession.objects.get(assessment=draft)
    assert session.meeting_minutes == 90
    assert len(mail.outbox) == 4
    for message in mail.outbox:
        ((name, content, mimetype),) = message.attachments
        assert name == "invitation.ics" and mimetype.startswith("text/calendar")
        found = _calendar(content)
        assert found["UID"] == f"consensus-session-{session.pk}@127.0.0.1"
        assert found["DTSTART"] == "20270114T083000Z"  # 09:30 in Stockholm, in UTC
        assert found["DTEND"] == "20270114T100000Z"
        assert found["ORGANIZER"] == f"mailto:{officer.email}"
        assert found["LOCATION"] == "Rum 3\\, Rådhuset"
        assert "\n" not in content.replace("\r\n", "")
    # The guest's calendar entry leads to the guest's own link, a member's to the answer page.
    (guest_mail,) = [m for m in mail.outbox if m.to == [SUPPLIER]]
    assert "/guest/" in _calendar(guest_mail.attachments[0][1])["DESCRIPTION"]


def test_participants_download_the_meeting_as_ics_and_outsiders_get_404(
    as_user, officer, owner, lawyer, dpo, colleague, outsider, draft
):
    session = consensus.do_open_session(
        actor=officer,
        assessment=draft,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (dpo, P.DPO)],
        meeting_at=timezone.now() + timedelta(days=3),
    )
    url = reverse("session_calendar", args=[session.pk])
    page = as_user(owner).get(reverse("session_detail", args=[session.pk]))
    assert url in page.content.decode()
    response = as_user(owner).get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    found = _calendar(response.content.decode())
    assert f"/sessions/{session.pk}/answer/" in found["DESCRIPTION"]
    for person in (colleague, outsider):
        assert as_user(person).get(url).status_code == 404


def test_a_session_without_a_time_has_no_calendar_entry(as_user, guest_session, owner):
    assert (
        as_user(owner).get(reverse("session_calendar", args=[guest_session.pk])).status_code == 404
    )
    assert all(not m.attachments for m in mail.outbox)
