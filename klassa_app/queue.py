"""Enqueue Celery tasks after the transaction commits, passing ids only.

Nothing slow happens inside the request that asked for the work:

- With a broker, the task is published on commit. If the broker cannot be reached the page
  still works: the failure is logged, the work stays recorded in the database, where a
  periodic task picks it up again (each task enqueued here has such a sweeper; see
  klassa_app.tasks), and for a short while this process stops trying, so that the next pages
  do not wait for the broker's time-outs either.
- Without a broker (the quick start), the task runs in this process, in a small pool of
  background threads, after the response has been sent. ``KLASSA_TASKS_INLINE`` runs it
  inside the request instead, as the test suite does.

A service names its task by its dotted path (``"assessments.tasks.build_report"``) rather than
importing it: task modules import services, never the reverse, so there is no import loop.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor, wait
from typing import Any

from celery import Task
from django.conf import settings
from django.db import connections, transaction
from django.utils.module_loading import import_string
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)

# After a failed publish, leave new tasks to the sweepers for this long.
BROKER_PAUSE_SECONDS = 60.0

_broker_down: dict[str, float] = {}  # broker URL → monotonic time until which to skip it
_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_executor_pid: int | None = None
_running: set[Future[None]] = set()


def _publish(task: Task, args: tuple[Any, ...]) -> None:
    broker = str(task.app.conf.broker_url or "")
    if _broker_down.get(broker, 0.0) > time.monotonic():
        logger.warning("Broker marked unreachable; %s%r is left to its sweeper.", task.name, args)
        return
    try:
        # Nobody reads a task's result (the outcome is in the database), and asking for it
        # makes a Redis result backend subscribe, which retries for many seconds when it is down.
        task.apply_async(args=args, ignore_result=True)
    except OperationalError as error:
        _broker_down[broker] = time.monotonic() + BROKER_PAUSE_SECONDS
        logger.warning(
            "Broker unreachable (%s); %s%r stays pending and will be sent by the sweeper.",
            error,
            task.name,
            args,
        )
    else:
        _broker_down.pop(broker, None)


def _run_in_background(task: Task, args: tuple[Any, ...]) -> None:
    try:
        task.apply(args=args, throw=True)
    except Exception:
        # The work stays recorded as pending (or its job as failed): log, never crash.
        logger.exception("Background task %s%r failed.", task.name, args)
    finally:
        # This thread's own database connection; the pool's threads live on.
        connections.close_all()


def _pool() -> ThreadPoolExecutor:
    global _executor, _executor_pid
    with _lock:
        # A forked child (e.g. a pre-loading server) inherits the object but not its threads.
        if _executor is None or _executor_pid != os.getpid():
            _executor = ThreadPoolExecutor(
                max_workers=max(1, settings.KLASSA_TASK_THREADS), thread_name_prefix="klassa-task"
            )
            _executor_pid = os.getpid()
            _running.clear()
        return _executor


def _submit(task: Task, args: tuple[Any, ...]) -> None:
    future = _pool().submit(_run_in_background, task, args)
    with _lock:
        _running.add(future)
    future.add_done_callback(_forget)


def _forget(future: Future[None]) -> None:
    with _lock:
        _running.discard(future)


def wait_for_background_tasks(timeout: float | None = None) -> bool:
    """Wait until the background tasks submitted so far have finished; True if they did."""
    with _lock:
        pending = list(_running)
    _done, not_done = wait(pending, timeout=timeout)
    return not not_done


def _dispatch(task: Task, args: tuple[Any, ...]) -> None:
    if not task.app.conf.task_always_eager:
        _publish(task, args)
    elif settings.KLASSA_TASKS_INLINE:
        task.apply(args=args, throw=True)
    else:
        _submit(task, args)


def _resolve(task: Task | str) -> Task:
    return import_string(task) if isinstance(task, str) else task


def enqueue(task: Task | str, *ids: int | str) -> None:
    """Send ``task`` (a task, or its dotted path) with ``ids`` once the transaction commits."""
    # robust: a failing in-process task must not turn the page into an error; the work is
    # still pending in the database and its sweeper retries it.
    transaction.on_commit(lambda: _dispatch(_resolve(task), ids), robust=True)
