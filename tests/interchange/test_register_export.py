"""The web export of a whole register goes through the job runner: the page starts a job,
the status page follows it, the file is downloaded when it is ready, and only those who read
the audit trail (admins, security officers, organisation-wide auditors) see any of it."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from interchange import register, register_export, tasks
from interchange.models import RegisterExportJob
from klassa_app.models import AuditEvent, Role
from tests.factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def auditor(norrkoping):
    """A viewer of the whole organisation: reads the audit trail, so may export."""
    user = UserFactory(email="revisor@norrkoping.se")
    MembershipFactory(user=user, organisation=norrkoping, department=None, role=Role.VIEWER)
    return user


def start(client, callbacks) -> RegisterExportJob:
    with callbacks(execute=True):
        response = client.post(reverse("register_export"))
    assert response.status_code == 302
    job = RegisterExportJob.objects.latest("pk")
    assert response.url == reverse("register_export_status", args=[job.pk])
    return job


@pytest.mark.usefixtures("register_made_in_the_ui")
def test_officer_starts_follows_and_downloads_the_register(
    as_user, officer, norrkoping, django_capture_on_commit_callbacks
):
    client = as_user(officer)
    page = client.get(reverse("register_export"))
    assert page.status_code == 200
    assert 'method="post"' in page.content.decode()

    job = start(client, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == RegisterExportJob.Status.DONE and job.requested_by == officer
    assert job.file.name.startswith("registers/")

    status = client.get(reverse("register_export_status", args=[job.pk])).content.decode()
    download_url = reverse("register_export_download", args=[job.pk])
    assert download_url in status and 'aria-valuenow="100"' in status
    assert "hx-trigger" not in status

    response = client.get(download_url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    day = timezone.localdate()
    assert response["Content-Disposition"] == (
        f'attachment; filename="klassa-register-norrkoping-{day:%Y-%m-%d}.json"'
    )
    assert response["Cache-Control"] == "private, no-store"
    document = json.loads(b"".join(response.streaming_content))
    assert document == register.export_document(norrkoping)
    assert {a["code"] for a in document["information_assets"]} == {"ELEV", "NARV"}


def test_the_request_is_audited_and_the_file_is_built_after_commit(
    officer, norrkoping, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = register_export.do_request_register_export(
            actor=officer, organisation=norrkoping, language="en"
        )
    assert job.status == RegisterExportJob.Status.QUEUED and job.language == "en"
    event = AuditEvent.objects.get(action="register.export_requested")
    assert event.actor == officer and event.organisation == norrkoping
    assert len(callbacks) == 1
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == RegisterExportJob.Status.DONE and job.progress == 100
    assert json.loads(job.file.read())["format"] == register.FORMAT


def test_an_organisation_wide_auditor_may_export(
    as_user, auditor, django_capture_on_commit_callbacks
):
    job = start(as_user(auditor), django_capture_on_commit_callbacks)
    response = as_user(auditor).get(reverse("register_export_download", args=[job.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("who", ["owner", "culture_viewer"])
def test_department_members_may_not_export_the_register(request, as_user, norrkoping, who):
    user = request.getfixturevalue(who)
    client = as_user(user)
    assert client.get(reverse("register_export")).status_code == 403
    assert client.post(reverse("register_export")).status_code == 403
    with pytest.raises(PermissionDenied):
        register_export.do_request_register_export(
            actor=user, organisation=norrkoping, language="sv"
        )
    assert not RegisterExportJob.objects.exists()


@pytest.mark.parametrize("who", ["owner", "outsider"])
def test_others_get_404_on_status_and_download(
    request, as_user, officer, django_capture_on_commit_callbacks, who
):
    job = start(as_user(officer), django_capture_on_commit_callbacks)
    other = as_user(request.getfixturevalue(who))
    assert other.get(reverse("register_export_status", args=[job.pk])).status_code == 404
    assert other.get(reverse("register_export_download", args=[job.pk])).status_code == 404


def test_htmx_gets_a_partial_that_polls_until_the_export_is_done(as_user, officer, norrkoping):
    job = RegisterExportJob.objects.create(
        organisation=norrkoping,
        language="sv",
        status=RegisterExportJob.Status.RUNNING,
        progress=60,
        requested_by=officer,
    )
    client = as_user(officer)
    url = reverse("register_export_status", args=[job.pk])
    partial = client.get(url, HTTP_HX_REQUEST="true")
    body = partial.content.decode()
    assert "<html" not in body
    assert 'hx-trigger="every 1s"' in body and f'hx-get="{url}"' in body
    assert 'aria-valuenow="60"' in body and "w-50" in body
    assert "HX-Request" in partial["Vary"]
    # Not built yet: nothing to download.
    download = client.get(reverse("register_export_download", args=[job.pk]))
    assert download.status_code == 404

    RegisterExportJob.objects.filter(pk=job.pk).update(
        status=RegisterExportJob.Status.DONE, progress=100
    )
    assert "hx-trigger" not in client.get(url, HTTP_HX_REQUEST="true").content.decode()


def test_a_failed_build_says_so_on_the_status_page(
    as_user, officer, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(organisation):
        raise RuntimeError("database gone")

    monkeypatch.setattr(register, "export_document", broken)
    job = start(as_user(officer), django_capture_on_commit_callbacks)
    job.refresh_from_db()
    assert job.status == RegisterExportJob.Status.FAILED and not job.file
    page = as_user(officer).get(reverse("register_export_status", args=[job.pk]))
    assert 'class="alert alert-danger"' in page.content.decode()


def test_running_the_task_twice_builds_once(
    officer, norrkoping, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        job = register_export.do_request_register_export(
            actor=officer, organisation=norrkoping, language="sv"
        )
    assert tasks.build_register_export(job.pk) == "skipped"


def test_the_sweeper_sends_stale_exports_again_and_fails_stuck_ones(officer, norrkoping):
    queued = RegisterExportJob.objects.create(
        organisation=norrkoping, language="sv", requested_by=officer
    )
    stuck = RegisterExportJob.objects.create(
        organisation=norrkoping,
        language="sv",
        status=RegisterExportJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=1),
        requested_by=officer,
    )
    RegisterExportJob.objects.filter(pk=queued.pk).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    assert tasks.requeue_stale_register_exports() == 1
    queued.refresh_from_db()
    stuck.refresh_from_db()
    assert queued.status == RegisterExportJob.Status.DONE  # tasks run in-process in tests
    assert stuck.status == RegisterExportJob.Status.FAILED


def test_the_register_sweeper_is_in_the_beat_schedule(settings):
    scheduled = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    # The report sweeper of assessments no longer looks at register exports: this one does.
    assert scheduled["interchange.tasks.requeue_stale_register_exports"] <= 5 * 60


def _jobs(organisation, user, count: int) -> None:
    RegisterExportJob.objects.bulk_create(
        RegisterExportJob(
            organisation=organisation,
            language="sv",
            status=RegisterExportJob.Status.DONE,
            progress=100,
            file=f"registers/2026/12/{user.pk}-{i}.json",
            requested_by=user,
        )
        for i in range(count)
    )


def test_the_export_page_lists_only_the_users_latest_exports_in_the_same_queries(
    as_user, officer, admin, norrkoping, django_assert_max_num_queries
):
    client = as_user(officer)
    _jobs(norrkoping, officer, 1)
    _jobs(norrkoping, admin, 3)
    client.get(reverse("register_export"))  # warm the session and the organisation
    with django_assert_max_num_queries(10) as small:
        one = client.get(reverse("register_export"))
    _jobs(norrkoping, officer, 8)
    with django_assert_max_num_queries(10) as large:
        many = client.get(reverse("register_export"))
    assert len(large.captured_queries) == len(small.captured_queries)
    assert one.content.decode().count("/download/") == 1
    body = many.content.decode()
    assert body.count("/download/") == register_export.RECENT_JOBS
    mine = RegisterExportJob.objects.filter(requested_by=officer).order_by("-pk")
    assert reverse("register_export_download", args=[mine[0].pk]) in body
    theirs = RegisterExportJob.objects.filter(requested_by=admin).first()
    assert reverse("register_export_download", args=[theirs.pk]) not in body
