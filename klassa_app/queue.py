"""Enqueue Celery tasks after the transaction commits, passing ids only.

If the broker cannot be reached the page still works: the failure is logged and the work
stays recorded in the database, where a periodic task picks it up again (each task that is
enqueued here has such a sweeper; see klassa_app.tasks).
"""

from __future__ import annotations

import logging
from typing import Any

from celery import Task
from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def _publish(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply_async(args=args)
    except OperationalError:
        logger.warning(
            "Broker unreachable; %s%r stays pending and will be sent by the sweeper.",
            task.name,
            args,
        )


def enqueue(task: Task, *ids: int | str) -> None:
    # robust: a failing in-process task (no broker) must not turn the page into an error;
    # the work is still pending in the database and its sweeper retries it.
    transaction.on_commit(lambda: _publish(task, ids), robust=True)
