"""The register document through the API: the export and the import as background jobs, each
with a status URL; the import checked before it is queued, run with the caller as its actor
under the import page's rules, its outcome (counts or errors) kept on the job."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from django.utils import timezone

from api.models import ApiToken
from api.tokens import do_create_token
from interchange import register, tasks
from interchange.importer import DEMO_REGISTER
from interchange.models import RegisterExportJob, RegisterImportJob
from klassa_app import health
from klassa_app.models import AuditEvent, Membership, Role
from tests.api.conftest import bearer
from tests.factories import RegisterImportJobFactory
from tests.helpers import row_counts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_media_in_tmp")]

WRITE = ApiToken.Scope.WRITE
EXPORTS = "/api/v1/register/exports"
IMPORTS = "/api/v1/register/imports"


@pytest.fixture
def document() -> dict:
    """The demo register of Norrköping: 8 departments, 22 assets (some approved), 27
    initiatives."""
    return json.loads(DEMO_REGISTER.read_text(encoding="utf-8"))


@pytest.fixture
def officer_client(make_token):
    return bearer(make_token(WRITE, kind="service", service_role=Role.SECURITY_OFFICER))


def send(client, document, callbacks, *, execute: bool = True):
    with callbacks(execute=execute):
        return client.post(IMPORTS, json.dumps(document), content_type="application/json")


def test_an_officer_imports_a_register_in_the_background_and_reads_the_counts(
    officer_client, document, norrkoping, django_capture_on_commit_callbacks
):
    response = send(officer_client, document, django_capture_on_commit_callbacks)
    assert response.status_code == 202, response.content
    started = response.json()
    job = RegisterImportJob.objects.get()
    assert started["id"] == job.pk
    assert started["status_url"] == f"{IMPORTS}/{job.pk}"

    status = officer_client.get(started["status_url"])
    assert status.status_code == 200
    body = status.json()
    assert body["status"] == "done", body
    assert body["errors"] == []
    result = body["result"]
    assert result["organisation"] == "norrkoping"
    assert result["departments"]["created"] == len(document["departments"])
    assert result["information_assets"]["created"] == len(document["information_assets"])
    assert result["initiatives"]["created"] == len(document["initiatives"])
    assert norrkoping.initiatives.count() == len(document["initiatives"])
    job.refresh_from_db()
    assert job.document == {}  # kept only until the import has run
    assert AuditEvent.objects.filter(action="register.import_requested").count() == 1
    assert AuditEvent.objects.filter(action="register.imported").exists()


def test_importing_the_same_register_again_changes_nothing(
    officer_client, document, norrkoping, django_capture_on_commit_callbacks
):
    send(officer_client, document, django_capture_on_commit_callbacks)
    again = send(officer_client, document, django_capture_on_commit_callbacks)
    body = officer_client.get(again.json()["status_url"]).json()
    assert body["status"] == "done"
    assert body["result"]["initiatives"] == {
        "created": 0,
        "updated": 0,
        "unchanged": len(document["initiatives"]),
    }


def test_a_job_not_yet_run_is_queued(officer_client, document, django_capture_on_commit_callbacks):
    response = send(officer_client, document, django_capture_on_commit_callbacks, execute=False)
    body = officer_client.get(response.json()["status_url"]).json()
    assert body["status"] == "queued"
    assert body["result"] is None


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["initiatives"][3].update(name=""), "body.initiatives[3].name"),
        (lambda d: d["organisation"].update(code="linkoping"), "body.organisation.code"),
        (lambda d: d.update(format="klassa.register/9"), "body.format"),
    ],
)
def test_a_refused_document_names_its_path_and_changes_nothing(
    officer_client, document, norrkoping, django_capture_on_commit_callbacks, change, field
):
    change(document)
    before = row_counts()
    response = send(officer_client, document, django_capture_on_commit_callbacks)
    assert response.status_code == 422
    body = response.json()
    assert field in [error["field"] for error in body["errors"]], body
    assert row_counts() == {**before, "AuditEvent": before["AuditEvent"] + 1}  # the token's use
    assert not RegisterImportJob.objects.exists()


def test_a_body_that_is_not_json_is_400(officer_client, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = officer_client.post(IMPORTS, b"[1,", content_type="application/json")
    assert response.status_code == 400
    assert not RegisterImportJob.objects.exists()


def test_an_admin_importing_approved_classifications_gets_a_failed_job_with_the_reasons(
    make_token, document, norrkoping, django_capture_on_commit_callbacks
):
    """The same rule as the import page: only the security officer imports approvals."""
    client = bearer(make_token(WRITE))
    response = send(client, document, django_capture_on_commit_callbacks)
    assert response.status_code == 202
    body = client.get(response.json()["status_url"]).json()
    assert body["status"] == "failed"
    assert body["result"] is None
    assert body["message"]
    assert body["errors"]
    assert all(error["field"].startswith("body.information_assets[") for error in body["errors"])
    assert not norrkoping.initiatives.exists()


def test_a_lawyer_without_import_rights_gets_403(
    make_token, utbildning, document, django_capture_on_commit_callbacks
):
    client = bearer(
        make_token(
            WRITE, kind="service", service_role=Role.LEGAL_REVIEWER, service_department=utbildning
        )
    )
    response = send(client, document, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not RegisterImportJob.objects.exists()


def test_a_read_token_cannot_import(make_token, document, django_capture_on_commit_callbacks):
    response = send(bearer(make_token()), document, django_capture_on_commit_callbacks)
    assert response.status_code == 403
    assert not RegisterImportJob.objects.exists()


def test_someone_who_lost_the_right_before_the_run_imports_nothing(
    officer_client, document, norrkoping, django_capture_on_commit_callbacks
):
    response = send(officer_client, document, django_capture_on_commit_callbacks, execute=False)
    job = RegisterImportJob.objects.get()
    Membership.objects.filter(user=job.requested_by).update(role=Role.VIEWER)
    assert tasks.run_register_import(job.pk) == "failed"
    job.refresh_from_db()
    assert job.status == RegisterImportJob.Status.FAILED and job.message
    assert not norrkoping.initiatives.exists()
    assert response.status_code == 202


def test_a_job_runs_once_however_often_its_task_is_delivered(
    officer_client, document, django_capture_on_commit_callbacks
):
    send(officer_client, document, django_capture_on_commit_callbacks)
    assert tasks.run_register_import(RegisterImportJob.objects.get().pk) == "skipped"


def test_the_sweeper_sends_lost_imports_again_and_fails_dead_ones(
    officer_client, document, norrkoping, django_capture_on_commit_callbacks
):
    send(officer_client, document, django_capture_on_commit_callbacks, execute=False)
    lost = RegisterImportJob.objects.get()
    RegisterImportJob.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    dead = RegisterImportJob.objects.create(
        organisation=norrkoping,
        language="sv",
        status=RegisterImportJob.Status.RUNNING,
        started_at=timezone.now() - timedelta(hours=2),
    )
    assert tasks.requeue_stale_register_imports() == 1
    lost.refresh_from_db()
    dead.refresh_from_db()
    assert lost.status == RegisterImportJob.Status.DONE  # tasks run in-process in tests
    assert dead.status == RegisterImportJob.Status.FAILED and dead.message


def test_an_outsider_gets_404_on_a_job(
    officer_client, outsider, other_municipality, document, django_capture_on_commit_callbacks
):
    started = send(officer_client, document, django_capture_on_commit_callbacks).json()
    with django_capture_on_commit_callbacks(execute=True):
        export = officer_client.post(EXPORTS).json()
    secret = do_create_token(
        actor=outsider, organisation=other_municipality, name="BI", scope=WRITE, days=1
    ).secret
    for url in (started["status_url"], export["status_url"], f"{export['status_url']}/document"):
        response = bearer(secret).get(url)
        assert response.status_code == 404, url
        assert "norrkoping" not in response.content.decode()


def test_a_lawyer_does_not_see_an_import_job(
    officer_client, make_token, utbildning, document, django_capture_on_commit_callbacks
):
    started = send(officer_client, document, django_capture_on_commit_callbacks).json()
    lawyer = bearer(
        make_token(kind="service", service_role=Role.LEGAL_REVIEWER, service_department=utbildning)
    )
    assert lawyer.get(started["status_url"]).status_code == 404


@pytest.mark.usefixtures("register_made_in_the_ui")
def test_the_register_export_runs_as_a_job_and_gives_the_document(
    make_token, norrkoping, django_capture_on_commit_callbacks
):
    client = bearer(make_token(WRITE))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(EXPORTS)
    assert response.status_code == 202
    started = response.json()
    job = RegisterExportJob.objects.get()
    assert started["status_url"] == f"{EXPORTS}/{job.pk}"

    status = client.get(started["status_url"]).json()
    assert status["status"] == "done" and status["progress"] == 100
    assert status["document_url"] == f"{EXPORTS}/{job.pk}/document"
    download = client.get(status["document_url"])
    assert download.status_code == 200
    assert download["Content-Type"].startswith("application/json")
    document = json.loads(b"".join(download.streaming_content))
    assert document == json.loads(json.dumps(register.export_document(norrkoping)))
    assert {i["code"] for i in document["initiatives"]} == {"EDU-A", "EDU-Z"}
    assert AuditEvent.objects.filter(action="register.export_requested").count() == 1


def test_an_export_not_yet_built_has_no_document(
    make_token, norrkoping, django_capture_on_commit_callbacks
):
    client = bearer(make_token(WRITE))
    with django_capture_on_commit_callbacks(execute=False):
        started = client.post(EXPORTS).json()
    status = client.get(started["status_url"]).json()
    assert status["status"] == "queued" and status["document_url"] is None
    assert client.get(f"{started['status_url']}/document").status_code == 404


def test_a_viewer_of_one_department_may_not_export(make_token, kultur):
    client = bearer(
        make_token(WRITE, kind="service", service_role=Role.VIEWER, service_department=kultur)
    )
    response = client.post(EXPORTS)
    assert response.status_code == 403
    assert not RegisterExportJob.objects.exists()


@pytest.mark.parametrize("job_id", [str(2**63), str(2**64 + 1), "0"])
def test_an_impossible_job_id_is_a_json_422(make_token, job_id):
    client = bearer(make_token())
    for url in (f"{EXPORTS}/{job_id}", f"{IMPORTS}/{job_id}", f"{EXPORTS}/{job_id}/document"):
        response = client.get(url)
        assert response.status_code == 422, url
        assert response.json()["errors"][0]["field"].startswith("path.")


def test_a_register_as_large_as_the_import_page_takes_is_read(
    officer_client, document, django_capture_on_commit_callbacks
):
    """Above the limit of ordinary request bodies, within the page's 5 MB."""
    document["initiatives"][0]["description"] = "x" * (3 * 1024 * 1024)
    response = send(officer_client, document, django_capture_on_commit_callbacks)
    assert response.status_code in (202, 422)
    assert response["Content-Type"].startswith("application/json")


def test_a_register_above_5_mb_is_refused_with_413_in_json(
    officer_client, document, django_capture_on_commit_callbacks
):
    document["initiatives"][0]["name"] = "x" * (5 * 1024 * 1024)
    response = send(officer_client, document, django_capture_on_commit_callbacks)
    assert response.status_code == 413
    assert response.json()["errors"][0]["field"] == "body"
    assert not RegisterImportJob.objects.exists()


@pytest.mark.parametrize("body", ["[]", '"klassa.register/1"', "null"])
def test_a_body_that_is_no_object_is_422(officer_client, body):
    response = officer_client.post(IMPORTS, body, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "body"


def test_a_queued_import_counts_as_waiting_work(
    officer_client, document, norrkoping, other_municipality, django_capture_on_commit_callbacks
):
    send(officer_client, document, django_capture_on_commit_callbacks, execute=False)
    job = RegisterImportJob.objects.get()
    assert health.queue_status(norrkoping).oldest_queued_at == job.created_at
    assert health.queue_status(other_municipality).oldest_queued_at is None
    tasks.run_register_import(job.pk)
    assert health.queue_status(norrkoping).oldest_queued_at is None


def test_the_import_sweeper_is_in_the_beat_schedule(settings):
    scheduled = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }
    assert scheduled["interchange.tasks.requeue_stale_register_imports"] <= 5 * 60


def test_support_sees_the_imports_of_their_own_organisation_only(
    client, officer, norrkoping, other_municipality
):
    ours = RegisterImportJobFactory(organisation=norrkoping)
    RegisterImportJobFactory(organisation=other_municipality)
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    officer.user_permissions.add(Permission.objects.get(codename="view_registerimportjob"))
    client.force_login(officer, backend="klassa_app.auth_backends.KlassaModelBackend")
    response = client.get(reverse("admin:interchange_registerimportjob_changelist"))
    assert response.status_code == 200
    assert {job.pk for job in response.context["cl"].result_list} == {ours.pk}
