"""Fixtures shared by the tests of the project's core."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection

from klassa_app.celery import app as celery_app
from tests.helpers import database_url

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def _empty_cache():
    """The worker status is cached; a module whose tests read it starts each test without it
    (``pytestmark = pytest.mark.usefixtures("_empty_cache")``)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def worker(tmp_path, settings):
    broker = os.environ.get("CELERY_BROKER_URL", "")
    if connection.vendor != "postgresql" or not broker:
        pytest.fail(
            "The worker test needs DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); "
            "the worker process must share the test database."
        )
    queue = f"klassa-test-{uuid.uuid4().hex[:8]}"
    mail_dir = tmp_path / "mail"
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "CELERY_BROKER_URL": broker,
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_FILE_PATH": str(mail_dir),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "klassa_app",
            "worker",
            "--pool=solo",
            "-Q",
            queue,
            "--loglevel=INFO",
            "--hostname",
            f"{queue}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    saved = {
        k: celery_app.conf[k]
        for k in ("broker_url", "task_always_eager", "task_default_queue", "result_backend")
    }
    celery_app.conf.update(
        broker_url=broker, result_backend=broker, task_always_eager=False, task_default_queue=queue
    )
    celery_app.amqp._producer_pool = None
    try:
        deadline = time.monotonic() + 60
        while not celery_app.control.ping(
            destination=[f"{queue}@{os.uname().nodename}"], timeout=1
        ):
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(
                    "worker did not start:\n" + (process.stdout.read() if process.stdout else "")
                )
        yield mail_dir
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        celery_app.conf.update(saved)
        celery_app.amqp._producer_pool = None
