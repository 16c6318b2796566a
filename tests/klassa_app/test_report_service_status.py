"""When no worker builds the requested files: the person waiting is told so on the job's
status page, and the organisation admin sees the report service's state on the home page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from klassa_app import jobs
from klassa_app.celery import app as celery_app
from tests.factories import (
    InitiativeFactory,
    PortfolioReportJobFactory,
    RegisterExportJobFactory,
    ReportJobFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_empty_cache")]


def panel_queries() -> int:
    """The home page's own four, the work list's counts (the admin has nothing waiting, so
    no section reads its rows), the menu's count of unread notifications and the panel's: one
    MIN per kind of file job and one for each other queue probe."""
    from django.conf import settings

    from klassa_app.health import file_job_models

    other_probes = len(settings.KLASSA_QUEUE_PROBES) - 1
    return 6 + len(file_job_models()) + other_probes


NOT_ANSWERING_SV = "Rapporttjänsten svarar inte just nu — försök igen senare eller kontakta"
NOT_ANSWERING_EN = "The report service is not answering — try again later or contact the admin"


def _age(job, seconds: int):
    type(job).objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    job.refresh_from_db()
    return job


def _queued(factory, seconds: int, **fields):
    return _age(factory(status="queued", progress=0, file=None, **fields), seconds)


# --- The job's own page ------------------------------------------------------------------------


@pytest.fixture
def report_of_owner(utbildning, owner):
    def make(seconds: int, status: str = "queued"):
        initiative = InitiativeFactory(department=utbildning)
        job = ReportJobFactory(
            initiative=initiative, requested_by=owner, status=status, progress=0, file=None
        )
        return _age(job, seconds)

    return make


def test_owner_waiting_for_a_report_queued_three_minutes_is_told_the_service_is_not_answering(
    as_user, owner, report_of_owner
):
    job = report_of_owner(180)
    url = reverse("report_status", args=[job.pk])
    client = as_user(owner)
    page = client.get(url).content.decode()
    assert NOT_ANSWERING_SV in page
    # The panel keeps asking (a worker may come back), less often.
    partial = client.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert NOT_ANSWERING_SV in partial and 'hx-trigger="every 10s"' in partial


def test_a_report_queued_thirty_seconds_just_shows_its_progress(as_user, owner, report_of_owner):
    job = report_of_owner(30)
    partial = (
        as_user(owner)
        .get(reverse("report_status", args=[job.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert NOT_ANSWERING_SV not in partial and 'hx-trigger="every 1s"' in partial


def test_a_report_a_worker_is_building_is_not_called_stuck_however_long_ago_requested(
    as_user, owner, report_of_owner
):
    job = report_of_owner(3600, status="running")
    page = as_user(owner).get(reverse("report_status", args=[job.pk])).content.decode()
    assert NOT_ANSWERING_SV not in page


def test_the_threshold_is_a_setting(as_user, owner, report_of_owner, settings):
    job = report_of_owner(180)
    settings.KLASSA_QUEUE_STALE_SECONDS = 600
    page = as_user(owner).get(reverse("report_status", args=[job.pk])).content.decode()
    assert NOT_ANSWERING_SV not in page


def test_the_message_is_english_in_the_english_ui(as_user, owner, report_of_owner):
    job = report_of_owner(180)
    client = as_user(owner)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("report_status", args=[job.pk])).content.decode()
    assert NOT_ANSWERING_EN in page


def test_officer_waiting_for_a_register_export_is_told_the_service_is_not_answering(
    as_user, officer, norrkoping
):
    job = _queued(RegisterExportJobFactory, 300, organisation=norrkoping, requested_by=officer)
    page = (
        as_user(officer)
        .get(reverse("register_export_status", args=[job.pk]), HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert NOT_ANSWERING_SV in page


def test_admin_waiting_for_a_portfolio_export_is_told_the_service_is_not_answering(
    as_user, admin, norrkoping
):
    job = _queued(PortfolioReportJobFactory, 300, organisation=norrkoping, created_by=admin)
    page = as_user(admin).get(reverse("portfolio_export", args=[job.pk])).content.decode()
    assert NOT_ANSWERING_SV in page


def test_waiting_too_long_is_strictly_longer_than_the_threshold(settings, norrkoping):
    settings.KLASSA_QUEUE_STALE_SECONDS = 120
    job = _queued(RegisterExportJobFactory, 0, organisation=norrkoping)
    assert jobs.stale_after() == timedelta(seconds=120)
    assert not jobs.waiting_too_long(job, now=job.created_at + timedelta(seconds=120))
    assert jobs.waiting_too_long(job, now=job.created_at + timedelta(seconds=121))
    job.status = job.Status.DONE
    assert not jobs.waiting_too_long(job, now=job.created_at + timedelta(hours=1))


# --- The admin's status panel on the home page -------------------------------------------------


def _panel(client) -> str:
    page = client.get(reverse("home")).content.decode()
    if 'id="service-status"' not in page:
        return ""
    return page[page.index('id="service-status"') :].split("</section>", 1)[0]


def test_admin_sees_the_report_service_on_the_home_page_and_others_do_not(
    as_user, admin, officer, owner
):
    panel = _panel(as_user(admin))
    assert "Rapporttjänsten" in panel
    assert "Byggs i webbservern" in panel  # no broker in the quick start
    assert "Inget väntar" in panel
    assert _panel(as_user(officer)) == "" and _panel(as_user(owner)) == ""


def test_admin_sees_how_long_the_oldest_job_of_the_organisation_has_waited(
    as_user, admin, norrkoping, other_municipality
):
    _queued(RegisterExportJobFactory, 5 * 60, organisation=norrkoping)
    # Another organisation's older job is not this admin's concern.
    _queued(RegisterExportJobFactory, 3 * 3600, organisation=other_municipality)
    panel = _panel(as_user(admin))
    assert "har väntat i 5\xa0minuter" in panel
    assert "timmar" not in panel
    assert "Beställda rapporter och exporter byggs inte" in panel


def test_admin_sees_that_no_worker_answers(as_user, admin, settings, monkeypatch):
    settings.CELERY_BROKER_URL = "memory://"
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = "memory://"
    celery_app._pool = None
    try:
        panel = _panel(as_user(admin))
    finally:
        celery_app.conf.broker_url = saved
        celery_app._pool = None
    assert "Svarar inte" in panel
    assert "Beställda rapporter och exporter byggs inte" in panel


@pytest.mark.parametrize("jobs_per_kind", [1, 20])
def test_the_panel_reads_the_same_queries_for_a_short_and_a_long_queue(
    as_user, admin, norrkoping, jobs_per_kind, django_assert_num_queries
):
    client = as_user(admin)
    client.get(reverse("home"))  # the session and the organisation are cached after this
    for n in range(jobs_per_kind):
        _queued(RegisterExportJobFactory, 60 + n, organisation=norrkoping)
        _queued(PortfolioReportJobFactory, 60 + n, organisation=norrkoping)
    with django_assert_num_queries(panel_queries()):
        assert client.get(reverse("home")).status_code == 200
