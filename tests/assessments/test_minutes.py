"""The minutes of a consensus session as PDF: built in the background like the initiative
reports (a ReportJob with progress), visible to the session's facilitator and participants
only, in the language of the request."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse

from assessments import consensus, reports, services, tasks
from assessments.models import Assessment, ReportJob
from klassa_app.models import AuditEvent, Role
from klassa_app.services import ServiceError
from tests.assessments.helpers import agree_everything, answers, fresh, propose
from tests.factories import InitiativeFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_in_tmp")]

P = consensus.Role
LEVELS = {"K": 2, "R": 1, "T": 2, "S": 1}


@pytest.fixture
def viewer(utbildning):
    """A viewer of the department, invited to the session as 'other'."""
    user = UserFactory(email="lasare-utb@norrkoping.se", full_name="Vera Viewer")
    MembershipFactory(
        user=user, organisation=utbildning.organisation, department=utbildning, role=Role.VIEWER
    )
    return user


@pytest.fixture
def session(officer, owner, lawyer, viewer, utbildning):
    asset = services.do_create_asset(
        actor=owner, department=utbildning, code="NARV", name="Närvaro", personal_data="no"
    )
    assessment = services.do_start_assessment(actor=owner, asset=asset)
    return consensus.do_open_session(
        actor=officer,
        assessment=assessment,
        participants=[(owner, P.BUSINESS_OWNER), (lawyer, P.LEGAL_REVIEWER), (viewer, P.OTHER)],
    )


@pytest.fixture
def signed(session, officer, owner, lawyer):
    """The whole session: different answers, reveal, agreement, dissent, both signatures."""
    consensus.do_save_proposals(
        actor=owner,
        session=session,
        answers=answers(session, 1),
        comments={code: "Ägarens syn" for code in answers(session, 1)},
        submit=True,
    )
    propose(lawyer, session, 3)
    consensus.do_reveal(actor=officer, session=session, lock_version=fresh(session).lock_version)
    agree_everything(officer, session, LEVELS)
    consensus.do_dissent(
        actor=lawyer, session=fresh(session), aspect_code="K", text="K borde vara 3 enligt OSL"
    )
    assessment = consensus.do_conclude(actor=officer, session=fresh(session), lock_version=None)
    consensus.do_sign(actor=owner, assessment=assessment, role=P.BUSINESS_OWNER)
    consensus.do_sign(actor=lawyer, assessment=assessment, role=P.LEGAL_REVIEWER)
    assessment.refresh_from_db()
    assert assessment.status == Assessment.Status.APPROVED
    return fresh(session)


@pytest.fixture
def rendered(monkeypatch):
    """The HTML of every minutes PDF built, with the language active when it was rendered."""
    from django.utils import translation

    seen: list[tuple[str, str]] = []
    original = reports.minutes_html

    def spy(data):
        html = original(data)
        seen.append((translation.get_language(), html))
        return html

    monkeypatch.setattr(reports, "minutes_html", spy)
    return seen


def request_minutes(user, session, language, callbacks):
    with callbacks(execute=True):
        job = reports.do_request_minutes(actor=user, session=session, language=language)
    job.refresh_from_db()
    return job


def start(client, session, callbacks):
    with callbacks(execute=True):
        response = client.post(reverse("minutes_start", args=[session.pk]))
    assert response.status_code == 302
    job = ReportJob.objects.latest("pk")
    assert response.url == reverse("report_status", args=[job.pk])
    return job


# --- The document -----------------------------------------------------------------------------


def test_the_minutes_pdf_has_participants_levels_dissent_and_signatures(
    signed, officer, owner, lawyer, viewer, rendered, django_capture_on_commit_callbacks
):
    job = request_minutes(officer, signed, "sv", django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.DONE and job.progress == 100
    assert job.session == signed and job.initiative is None
    assert job.file.read().startswith(b"%PDF")

    [(language, html)] = rendered
    assert language == "sv"
    assert "Protokoll: klassning av NARV Närvaro, version 1" in html
    for person, role in (
        (owner, "Verksamhetsansvarig"),
        (lawyer, "Jurist"),
        (viewer, "Annat"),
    ):
        assert f"{person.get_full_name()} · {role}" in html
    assert officer.get_full_name() in html  # the facilitator
    for code, level in LEVELS.items():
        assert f"<strong>{code} = {level}</strong>: Agreed after discussion on {code}" in html
    assert "K borde vara 3 enligt OSL" in html and lawyer.get_full_name() in html
    signatures = signed.assessment.signoffs.filter(voided_at__isnull=True)
    assert signatures.count() == 2
    for signature in signatures:
        assert f"<code>{signature.content_hash}</code>" in html
        assert signature.user.get_full_name() in html
    assert "<style" not in html and ' style="' not in html
    # The facts of the initiative reports are hidden from the minutes by their stylesheet.
    assert "body > dl.meta" in reports.MINUTES_CSS


def test_requesting_the_minutes_is_audited_and_runs_after_commit(
    session, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = reports.do_request_minutes(actor=owner, session=session, language="en")
    assert job.status == ReportJob.Status.QUEUED and job.kind == "minutes_pdf"
    event = AuditEvent.objects.get(action="report.requested")
    assert event.actor == owner
    assert event.after == {
        "session": session.pk,
        "asset": "NARV",
        "version": 1,
        "kind": "minutes_pdf",
        "language": "en",
    }
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert tasks.build_report(job.pk) == "skipped"  # safe to run twice


def test_minutes_of_an_open_session_do_not_reveal_the_proposals(
    session, owner, lawyer, rendered, django_capture_on_commit_callbacks
):
    consensus.do_save_proposals(
        actor=owner,
        session=session,
        answers=answers(session, 1),
        comments={code: "Hemlig kommentar" for code in answers(session, 1)},
        submit=True,
    )
    job = request_minutes(lawyer, session, "sv", django_capture_on_commit_callbacks)
    assert job.status == ReportJob.Status.DONE
    [(_language, html)] = rendered
    assert "Hemlig kommentar" not in html
    assert owner.get_full_name() in html  # who takes part is no secret


def test_the_minutes_are_in_the_language_of_the_request(
    as_user, signed, owner, rendered, django_capture_on_commit_callbacks
):
    client = as_user(owner)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    job = start(client, signed, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.language == "en" and job.status == ReportJob.Status.DONE
    assert job.download_name == "minutes-NARV-v1.pdf"
    [(language, html)] = rendered
    assert language == "en"
    assert "Minutes: classification of NARV Närvaro, version 1" in html
    assert "Agreed levels and rationale" in html and "Business owner" in html
    assert "Överenskomna" not in html and "Verksamhetsansvarig" not in html
    response = client.get(reverse("report_download", args=[job.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="minutes-NARV-v1.pdf"'


# --- Views ------------------------------------------------------------------------------------


def test_the_facilitator_starts_follows_and_downloads_the_minutes(
    as_user, signed, officer, django_capture_on_commit_callbacks
):
    client = as_user(officer)
    for page in ("session_detail", "session_minutes"):
        html = client.get(reverse(page, args=[signed.pk])).content.decode()
        assert f'action="{reverse("minutes_start", args=[signed.pk])}"' in html, page
        assert "Protokoll (PDF)" in html, page
    job = start(client, signed, django_capture_on_commit_callbacks)
    assert job.requested_by == officer and job.language == "sv"

    url = reverse("report_status", args=[job.pk])
    page = client.get(url).content.decode()
    download_url = reverse("report_download", args=[job.pk])
    assert download_url in page and "protokoll-NARV-v1.pdf" in page
    assert '<h1 class="h3">Protokoll (PDF) · NARV Närvaro, v1</h1>' in page
    assert reverse("session_detail", args=[signed.pk]) in page  # the way back
    assert 'aria-valuenow="100"' in page and ' style="' not in page
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and download_url in partial

    response = client.get(download_url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="protokoll-NARV-v1.pdf"'
    assert response["Cache-Control"] == "private, no-store"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_a_running_job_polls_until_it_is_done(as_user, session, owner):
    job = ReportJob.objects.create(
        organisation=session.assessment.asset.organisation,
        session=session,
        kind=ReportJob.SessionKind.MINUTES_PDF,
        language="sv",
        status=ReportJob.Status.RUNNING,
        progress=50,
        requested_by=owner,
    )
    client = as_user(owner)
    url = reverse("report_status", args=[job.pk])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 1s"' in page and f'hx-get="{url}"' in page
    assert client.get(reverse("report_download", args=[job.pk])).status_code == 404


def test_a_viewer_who_is_a_participant_may_request_and_download(
    as_user, signed, officer, viewer, django_capture_on_commit_callbacks
):
    job = request_minutes(officer, signed, "sv", django_capture_on_commit_callbacks)
    client = as_user(viewer)
    assert client.get(reverse("report_status", args=[job.pk])).status_code == 200
    response = client.get(reverse("report_download", args=[job.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    own = start(client, signed, django_capture_on_commit_callbacks)
    assert own.requested_by == viewer


@pytest.mark.parametrize("who", ["colleague", "culture_viewer", "outsider"])
def test_nobody_else_sees_requests_or_downloads_the_minutes(
    request, as_user, signed, officer, django_capture_on_commit_callbacks, who
):
    """Not a member of the same department who was not invited, not another department,
    not another municipality. (The organisation admin, who acts for the whole organisation,
    reads them: test_meeting_flow.)"""
    job = request_minutes(officer, signed, "sv", django_capture_on_commit_callbacks)
    person = request.getfixturevalue(who)
    client = as_user(person)
    assert client.get(reverse("report_status", args=[job.pk])).status_code == 404
    assert (
        client.get(reverse("report_status", args=[job.pk]), HTTP_HX_REQUEST="true").status_code
        == 404
    )
    assert client.get(reverse("report_download", args=[job.pk])).status_code == 404
    assert client.post(reverse("minutes_start", args=[signed.pk])).status_code == 404
    with pytest.raises(PermissionDenied):
        reports.do_request_minutes(actor=person, session=signed, language="sv")
    assert ReportJob.objects.count() == 1


def test_minutes_are_started_by_post_only(as_user, session, owner):
    client = as_user(owner)
    assert client.get(reverse("minutes_start", args=[session.pk])).status_code == 405
    assert not ReportJob.objects.exists()


def test_the_minutes_kind_is_not_an_initiative_report(as_user, owner, utbildning):
    initiative = InitiativeFactory(department=utbildning)
    url = reverse("report_start", args=[initiative.pk, "minutes_pdf"])
    assert as_user(owner).post(url).status_code == 404
    with pytest.raises(ServiceError):
        reports.do_request_report(
            actor=owner, initiative=initiative, kind="minutes_pdf", language="sv"
        )
    assert not ReportJob.objects.exists()


def test_a_job_belongs_to_exactly_one_initiative_or_session(session, owner, utbildning):
    initiative = InitiativeFactory(department=utbildning)
    common = {
        "organisation": utbildning.organisation,
        "language": "sv",
        "requested_by": owner,
        "kind": "minutes_pdf",
    }
    for owners in ({}, {"initiative": initiative, "session": session}):
        with pytest.raises(IntegrityError), transaction.atomic():
            ReportJob.objects.create(**common, **owners)
    ReportJob.objects.create(**common, session=session)
    ReportJob.objects.create(**{**common, "kind": "action_plan_pdf"}, initiative=initiative)


# --- The session page -------------------------------------------------------------------------


def test_the_reveal_form_carries_the_version_the_live_part_shows(
    as_user, session, officer, owner, lawyer
):
    """The facilitator waits for the answers, which change the session's version; the reveal
    form takes its version from the polled live part, so that revealing what the page shows
    works the first time (a version from when the page was loaded would be stale)."""

    def shown_version(html):
        [value] = re.findall(r'name="lock_version" value="(\d+)" form="reveal-form"', html)
        return int(value)

    client = as_user(officer)
    page = client.get(reverse("session_detail", args=[session.pk]))
    html = page.content.decode()
    assert 'id="reveal-form"' in html and shown_version(html) == fresh(session).lock_version
    propose(owner, session, 1)
    propose(lawyer, session, 2)
    live = client.get(
        reverse("session_live", args=[session.pk]),
        {"state": page.context["state"]},
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert shown_version(live) == fresh(session).lock_version
    response = client.post(
        reverse("session_reveal", args=[session.pk]),
        {"lock_version": shown_version(live), "confirm": "yes"},
    )
    assert response.status_code == 302
    assert fresh(session).status == "revealed"
    # Participants' pages carry no version for a form they do not have.
    assert (
        'form="reveal-form"'
        not in as_user(owner).get(reverse("session_live", args=[session.pk])).content.decode()
    )
