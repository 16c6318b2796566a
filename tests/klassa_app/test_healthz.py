from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.utils import OperationalError
from django.utils import timezone

from klassa_app import health
from klassa_app.celery import app as celery_app
from portfolio.models import PortfolioResult
from tests.factories import (
    OrganisationFactory,
    PortfolioReportJobFactory,
    RegisterExportJobFactory,
    ReportJobFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("_empty_cache")]


def _use_broker(settings, url: str):
    settings.CELERY_BROKER_URL = url
    saved = celery_app.conf.broker_url
    celery_app.conf.broker_url = url
    celery_app._pool = None
    return saved


@pytest.fixture
def broker_without_workers(settings):
    """A broker that works (kombu's in-memory transport) and no worker listening on it."""
    saved = _use_broker(settings, "memory://")
    yield
    celery_app.conf.broker_url = saved
    celery_app._pool = None


class FakeInspect:
    """Stands in for ``app.control.inspect``: the workers' answers, and how often asked."""

    def __init__(self, replies):
        self.replies = replies
        self.calls: list[float] = []

    def __call__(self, timeout: float):
        self.calls.append(timeout)
        return self

    def active_queues(self):
        return self.replies


def _queued(factory, seconds: int, **fields):
    job = factory(status="queued", progress=0, file=None, **fields)
    type(job).objects.filter(pk=job.pk).update(
        created_at=timezone.now() - timedelta(seconds=seconds)
    )
    return job


def test_healthz_reports_database_and_in_process_tasks_without_login(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"]["ok"] is True
    assert body["broker"] == {"ok": True, "mode": "in-process"}
    assert body["workers"] == "embedded"
    assert body["oldest_queued_seconds"] is None
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_degraded_but_up_when_the_broker_is_unreachable(client, settings, monkeypatch):
    asked = FakeInspect({})
    monkeypatch.setattr(celery_app.control, "inspect", asked)
    saved = _use_broker(settings, "redis://127.0.0.1:9/0")
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = saved
        celery_app._pool = None
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["broker"]["ok"] is False
    # No broker, no worker: and nobody waits for a broadcast that cannot be sent.
    assert body["workers"] == "none" and asked.calls == []


def test_healthz_is_503_when_the_database_is_down(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == {"ok": False, "error": "OperationalError"}
    assert body["status"] == "down" and body["oldest_queued_seconds"] is None


def test_with_a_broker_and_no_worker_healthz_says_none_and_degraded_but_stays_200(
    client, broker_without_workers
):
    # The real broadcast over the in-memory broker: nobody answers within the timeout.
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["broker"] == {"ok": True, "mode": "broker"}
    assert body["workers"] == "none"
    assert body["status"] == "degraded"


def test_a_worker_consuming_our_queue_makes_healthz_ok(client, broker_without_workers, monkeypatch):
    queue = celery_app.conf.task_default_queue
    monkeypatch.setattr(celery_app.control, "inspect", FakeInspect({"w1@host": [{"name": queue}]}))
    body = client.get("/healthz").json()
    assert body["workers"] == "ok" and body["status"] == "ok"


def test_a_worker_of_another_installation_on_the_same_redis_does_not_count(
    client, broker_without_workers, monkeypatch
):
    monkeypatch.setattr(
        celery_app.control,
        "inspect",
        FakeInspect({"other@host": [{"name": "another-installation"}]}),
    )
    assert client.get("/healthz").json()["workers"] == "none"


def test_a_burst_of_health_checks_asks_the_workers_once_with_a_short_timeout(
    client, broker_without_workers, monkeypatch
):
    asked = FakeInspect({"w1@host": [{"name": celery_app.conf.task_default_queue}]})
    monkeypatch.setattr(celery_app.control, "inspect", asked)
    bodies = [client.get("/healthz").json() for _ in range(25)]
    assert {b["workers"] for b in bodies} == {"ok"}
    assert len(asked.calls) == 1
    assert asked.calls[0] <= 1


def test_the_answer_is_kept_in_the_shared_cache_and_asked_again_when_old(
    broker_without_workers, monkeypatch
):
    asked = FakeInspect(None)
    monkeypatch.setattr(celery_app.control, "inspect", asked)
    assert health.workers_status() == "none"
    # Another process reads the same cache entry rather than asking.
    stored = cache.get(health.WORKERS_CACHE_KEY)
    assert stored["state"] == "none"
    assert health.workers_status() == "none" and len(asked.calls) == 1
    # A worker starts; once the answer is older than the cache period, it is asked again.
    asked.replies = {"w1@host": [{"name": celery_app.conf.task_default_queue}]}
    cache.set(health.WORKERS_CACHE_KEY, {**stored, "at": stored["at"] - 60}, 60)
    assert health.workers_status() == "ok" and len(asked.calls) == 2


def test_while_one_process_asks_the_others_answer_with_the_last_known_state(
    broker_without_workers, monkeypatch
):
    asked = FakeInspect({"w1@host": [{"name": celery_app.conf.task_default_queue}]})
    monkeypatch.setattr(celery_app.control, "inspect", asked)
    cache.set(health.WORKERS_CACHE_KEY, {"state": "none", "at": 0.0}, 60)
    cache.add(health.WORKERS_LOCK_KEY, 1, 5)  # another process is asking right now
    assert health.workers_status() == "none" and asked.calls == []


def test_a_broken_cache_does_not_break_the_health_check(
    client, broker_without_workers, monkeypatch
):
    def down(*args, **kwargs):
        raise ConnectionError("cache down")

    for method in ("get", "set", "add", "delete"):
        monkeypatch.setattr(cache, method, down)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["workers"] == "none"


def test_healthz_gives_the_age_of_the_oldest_queued_job_of_any_kind(client, settings):
    settings.CELERY_BROKER_URL = ""
    _queued(ReportJobFactory, 30)
    _queued(RegisterExportJobFactory, 95)
    _queued(PortfolioReportJobFactory, 60)
    # Started, finished or failed jobs are not waiting, however old.
    old = ReportJobFactory(status="running", progress=40)
    type(old).objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(hours=2))
    body = client.get("/healthz").json()
    assert 95 <= body["oldest_queued_seconds"] < 105
    assert body["status"] == "ok"  # below the threshold of 120 s


def test_a_job_queued_longer_than_the_threshold_makes_healthz_degraded(client, settings):
    settings.CELERY_BROKER_URL = ""
    _queued(PortfolioReportJobFactory, 300)
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert 300 <= body["oldest_queued_seconds"] < 310
    assert body["status"] == "degraded"
    settings.KLASSA_QUEUE_STALE_SECONDS = 600
    assert client.get("/healthz").json()["status"] == "ok"


def test_an_unsolved_portfolio_result_counts_as_queued_work(client, settings):
    settings.CELERY_BROKER_URL = ""
    organisation = OrganisationFactory()
    common = {"organisation": organisation, "scenario": "medium", "budget": 1, "method": "score"}
    pending = PortfolioResult.objects.create(digest="a" * 64, **common)
    solved = PortfolioResult.objects.create(digest="b" * 64, optimal={}, state="done", **common)
    failed = PortfolioResult.objects.create(digest="c" * 64, state="failed", **common)
    PortfolioResult.objects.filter(pk=pending.pk).update(
        created_at=timezone.now() - timedelta(seconds=200)
    )
    PortfolioResult.objects.filter(pk__in=[solved.pk, failed.pk]).update(
        created_at=timezone.now() - timedelta(hours=1)
    )
    body = client.get("/healthz").json()
    assert 200 <= body["oldest_queued_seconds"] < 210
    assert body["status"] == "degraded"


@pytest.mark.parametrize("jobs_per_kind", [1, 20])
def test_healthz_queries_do_not_grow_with_the_queue(
    client, settings, jobs_per_kind, django_assert_num_queries
):
    settings.CELERY_BROKER_URL = ""
    for n in range(jobs_per_kind):
        _queued(ReportJobFactory, 10 + n)
        _queued(RegisterExportJobFactory, 10 + n)
        _queued(PortfolioReportJobFactory, 10 + n)
    # SELECT 1, one MIN per kind of file job, one for each other probe (the portfolio's
    # results, the register imports), and the savepoint around them.
    other_probes = len(settings.KLASSA_QUEUE_PROBES) - 1
    with django_assert_num_queries(1 + len(health.file_job_models()) + other_probes + 2):
        assert client.get("/healthz").status_code == 200


def unreadable_probe(organisation):
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(created_at) FROM klassa_not_migrated_yet")


def test_queued_work_that_cannot_be_read_is_reported_never_a_500(client, settings):
    # E.g. during an upgrade, before a new job table is migrated.
    settings.CELERY_BROKER_URL = ""
    settings.KLASSA_QUEUE_PROBES = [
        "klassa_app.health.oldest_queued_file_job",
        "tests.klassa_app.test_healthz.unreadable_probe",
    ]
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["oldest_queued_seconds"] is None and body["status"] == "degraded"
    # The request's transaction is still usable.
    assert client.get("/healthz").status_code == 200


def test_every_kind_of_background_file_is_probed():
    names = {model._meta.label for model in health.file_job_models()}
    assert names == {
        "assessments.ReportJob",
        "interchange.RegisterExportJob",
        "interchange.SpreadsheetExportJob",
        "portfolio.PortfolioReportJob",
    }
