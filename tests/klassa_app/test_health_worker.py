"""/healthz asks a real Celery worker over Redis (``pytest -m worker``, PostgreSQL and
CELERY_BROKER_URL set, as for test_worker)."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from klassa_app import health
from klassa_app.celery import app as celery_app
from tests.klassa_app.test_worker import worker  # noqa: F401 (the fixture)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_healthz_sees_the_running_worker(client, worker):  # noqa: F811
    body = client.get("/healthz").json()
    assert body["broker"]["ok"] is True
    assert body["workers"] == "ok"
    assert body["status"] == "ok"


def test_a_worker_serving_another_queue_is_not_ours(worker, monkeypatch):  # noqa: F811
    monkeypatch.setitem(celery_app.conf, "task_default_queue", "another-installation")
    assert health.workers_status() == "none"
