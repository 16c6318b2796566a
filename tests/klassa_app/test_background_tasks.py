"""Without a broker (the quick start) a request answers at once and its task runs afterwards in
a background thread of the same process; a failing task is logged and leaves its work failed
or pending, never an error page."""

from __future__ import annotations

import logging
import threading

import pytest
from django.core import mail
from django.urls import reverse

from assessments import reports, services
from assessments.models import ReportJob
from klassa_app import queue
from klassa_app.models import Membership, Role

# The task's thread has a database connection of its own: the request's data must be committed.
pytestmark = pytest.mark.django_db(transaction=True)

KIND = ReportJob.Kind.ACTION_PLAN_PDF


@pytest.fixture(autouse=True)
def _background(settings, tmp_path):
    settings.KLASSA_TASKS_INLINE = False
    settings.MEDIA_ROOT = tmp_path / "media"
    yield
    # Never leave a thread running into the next test.
    assert queue.wait_for_background_tasks(timeout=30)


@pytest.fixture
def initiative(owner, utbildning):
    return services.do_create_initiative(
        actor=owner, department=utbildning, code="edu-a", name="Personal dashboard"
    )


@pytest.fixture
def held_build(monkeypatch):
    """The report builder tells the test it has started (``started``: the job is claimed),
    waits until the test lets it go (``gate.set()``) and notes the thread it ran in."""
    started = threading.Event()
    gate = threading.Event()
    ran_in: list[threading.Thread] = []

    def build(kind, data):
        ran_in.append(threading.current_thread())
        started.set()
        assert gate.wait(timeout=30), "the test never let the build go"
        return b"%PDF-1.7 held"

    monkeypatch.setattr(reports, "build", build)
    return started, gate, ran_in


def request_report(client, initiative):
    return client.post(reverse("report_start", args=[initiative.pk, KIND]))


def test_the_report_button_answers_before_the_report_is_built_and_the_build_follows(
    as_user, owner, initiative, held_build
):
    started, gate, ran_in = held_build
    client = as_user(owner)

    response = request_report(client, initiative)

    assert response.status_code == 302
    # Read the job only once the task has claimed it: the test database (SQLite in memory,
    # shared cache) refuses a write to a table another connection is reading at that moment,
    # instead of waiting as a database file does.
    assert started.wait(timeout=30)
    job = ReportJob.objects.get()
    assert response["Location"] == reverse("report_status", args=[job.pk])
    # The build is still waiting for the gate: the answer did not wait for it.
    assert job.status == ReportJob.Status.RUNNING
    assert client.get(response["Location"]).status_code == 200

    gate.set()
    assert queue.wait_for_background_tasks(timeout=30)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.DONE
    assert job.progress == 100
    with job.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.7 held"
    assert ran_in and ran_in[0] is not threading.main_thread()
    assert ran_in[0].name.startswith("klassa-task")


def test_a_report_whose_build_fails_is_marked_failed_and_logged(
    as_user, owner, initiative, monkeypatch, caplog
):
    def broken(kind, data):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(reports, "build", broken)
    client = as_user(owner)

    with caplog.at_level(logging.ERROR):
        response = request_report(client, initiative)
        assert queue.wait_for_background_tasks(timeout=30)

    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.FAILED
    assert job.message  # the status page tells the person to try again
    assert any("failed" in r.getMessage() and r.exc_info for r in caplog.records)
    page = client.get(reverse("report_status", args=[job.pk]))
    assert page.status_code == 200


def test_a_task_that_crashes_is_logged_and_the_server_keeps_answering(
    as_user, owner, initiative, monkeypatch, caplog
):
    # The task itself fails (not the build the job runner guards): the job stays claimed
    # until the sweeper gives up on it, and the thread's error goes to the log.
    def crash(job_id):
        raise RuntimeError("database went away")

    monkeypatch.setattr("assessments.tasks._load_report_job", crash)
    client = as_user(owner)

    with caplog.at_level(logging.ERROR, logger="klassa_app.queue"):
        response = request_report(client, initiative)
        assert queue.wait_for_background_tasks(timeout=30)

    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.status == ReportJob.Status.RUNNING
    (record,) = [r for r in caplog.records if r.name == "klassa_app.queue"]
    assert "assessments.tasks.build_report" in record.getMessage()
    assert record.exc_info is not None
    assert client.get(reverse("report_status", args=[job.pk])).status_code == 200
    assert request_report(client, initiative).status_code == 302


def test_an_invitation_is_e_mailed_after_the_answer_and_a_mail_server_failure_leaves_it_pending(
    as_user, admin, utbildning, monkeypatch
):
    client = as_user(admin)
    response = client.post(
        reverse("member_invite"),
        {"email": "ny@norrkoping.se", "role": Role.VIEWER, "department": utbildning.pk},
    )
    assert response.status_code == 302
    assert queue.wait_for_background_tasks(timeout=30)
    assert [m.to for m in mail.outbox] == [["ny@norrkoping.se"]]

    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("mail server down")

    monkeypatch.setattr("klassa_app.tasks.send_mail", refuse)
    response = client.post(
        reverse("member_invite"),
        {"email": "andra@norrkoping.se", "role": Role.VIEWER, "department": utbildning.pk},
    )
    assert response.status_code == 302
    assert queue.wait_for_background_tasks(timeout=30)
    pending = Membership.objects.get(user__email="andra@norrkoping.se")
    assert pending.invitation_sent_at is None  # the sweeper sends it later
    assert client.get(reverse("member_list")).status_code == 200


@pytest.fixture
def broker_down():
    """Broker and result store (one Redis, as in production) at a port where nothing listens."""
    from klassa_app.celery import app

    keys = ("broker_url", "result_backend", "task_always_eager")
    saved = {k: app.conf[k] for k in keys}
    down = "redis://127.0.0.1:9/0"
    app.conf.update(broker_url=down, result_backend=down, task_always_eager=False)

    def forget_connections() -> None:
        # Celery keeps the producer pool and the result backend built from the old settings.
        app.amqp._producer_pool = None
        app._backend_cache = None
        vars(app._local).pop("backend", None)

    forget_connections()
    queue._broker_down.clear()  # an earlier test may have marked this address
    yield
    app.conf.update(saved)
    forget_connections()
    queue._broker_down.clear()


def test_with_the_broker_down_a_report_request_leaves_the_job_queued_without_waiting_on_redis(
    as_user, owner, initiative, broker_down, monkeypatch, caplog
):
    from celery.backends.redis import RedisBackend

    # Asking for the task's result makes the Redis result store subscribe, retrying for about
    # 20 seconds when it is down; nobody reads results, so it must not be asked.
    asked: list[str] = []
    monkeypatch.setattr(
        RedisBackend, "on_task_call", lambda self, p, task_id: asked.append(task_id)
    )
    client = as_user(owner)

    with caplog.at_level(logging.WARNING, logger="klassa_app.queue"):
        first = request_report(client, initiative)
        second = request_report(client, initiative)

    assert first.status_code == second.status_code == 302
    assert asked == []
    assert list(ReportJob.objects.values_list("status", flat=True)) == [
        ReportJob.Status.QUEUED,
        ReportJob.Status.QUEUED,
    ]  # the sweeper sends them once the broker is back
    messages = [r.getMessage() for r in caplog.records if r.name == "klassa_app.queue"]
    assert len(messages) == 2
    assert messages[0].startswith("Broker unreachable")
    # The second request does not try the broker again for a while.
    assert "left to its sweeper" in messages[1]
