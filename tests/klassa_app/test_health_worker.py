"""/healthz asks a real Celery worker over Redis (``pytest -m worker``, PostgreSQL and
CELERY_BROKER_URL set, as for test_worker)."""

from __future__ import annotations

import pytest

from klassa_app import health
from klassa_app.celery import app as celery_app

pytestmark = [
    pytest.mark.worker,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_empty_cache"),
]


def test_healthz_sees_the_running_worker(client, worker):
    body = client.get("/healthz").json()
    assert body["broker"]["ok"] is True
    assert body["workers"] == "ok"
    assert body["status"] == "ok"


def test_a_worker_serving_another_queue_is_not_ours(worker, monkeypatch):
    monkeypatch.setitem(celery_app.conf, "task_default_queue", "another-installation")
    assert health.workers_status() == "none"
