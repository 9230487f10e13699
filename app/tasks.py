"""Work off the request: the RQ task queue on Redis (``REDIS_URL``) and the ``flask worker`` command.

A job that raises is retried with backoff (``RETRY``) and, when every attempt has failed, stays in RQ's failed
registry (``rq info``, ``FailedJobRegistry``) for a person to requeue. Mail goes through the outbox
(``app/outbox.py``), whose jobs keep their own retries on the outbox row; the queue only retries them when the
database itself did not answer the worker.
"""

import logging
import threading
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker, get_current_job
from rq.job import Job

from .resilience import REDIS

logger = logging.getLogger(__name__)

QUEUE_NAME = "flasky"
# Three more attempts, 10 s, 30 s and 60 s after each failure: long enough for a database or mail server to come back.
RETRY = Retry(max=3, interval=[10, 30, 60])
# Seconds to wait for Redis to accept a connection or answer, so a page or a probe never hangs on it.
REDIS_TIMEOUT = 5


def redis_connection() -> Redis:
    """The application's Redis client for ``REDIS_URL``, made on first use."""
    connection = current_app.extensions.get("redis")
    if connection is None:
        connection = Redis.from_url(
            current_app.config["REDIS_URL"], socket_connect_timeout=REDIS_TIMEOUT, socket_timeout=REDIS_TIMEOUT
        )
        current_app.extensions["redis"] = connection
    return connection


def task_queue() -> Queue:
    """The queue that ``flask worker`` works off."""
    return Queue(QUEUE_NAME, connection=redis_connection())


def enqueue(function, *args, retry: Retry = RETRY, **kwargs) -> Job:
    """Queue ``function(*args, **kwargs)`` for a worker, retried as ``retry`` says when it raises."""
    return task_queue().enqueue(function, *args, retry=retry, **kwargs)


def run_in_background(function: Callable[..., Any], *args: Any, job_timeout: int | None = None) -> None:
    """Run ``function(*args)`` off the request, as mail goes: a job on the task queue when ``REDIS_URL`` is set
    (retried, ``job_timeout`` seconds at most per attempt), otherwise a ``BackgroundThread`` of this process.

    When Redis does not take the job, it runs on a thread here all the same, once, and the outage is noted.
    """
    if current_app.config["REDIS_URL"]:
        try:
            enqueue(function, *args, job_timeout=job_timeout)
        except RedisError as error:
            REDIS.failed(error)
        else:
            REDIS.answered()
            return
    BackgroundThread(current_app._get_current_object(), function, *args).start()


class BackgroundThread(threading.Thread):
    """``function(*args)`` on a thread, inside the application's context; a thread has no caller to tell, so it logs."""

    def __init__(self, app: Flask, function: Callable[..., Any], *args: Any) -> None:
        super().__init__(name=f"background-{function.__name__}", daemon=True)
        self.app = app
        self.function = function
        self.args = args

    def run(self) -> None:
        with self.app.app_context():
            try:
                self.function(*self.args)
            except Exception:
                logger.exception("Background task %s failed", self.function.__qualname__)


def will_retry() -> bool:
    """Whether the queue will run the job running now again if it fails (never so for a thread)."""
    job = get_current_job()
    return job is not None and bool(job.retries_left)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty instead of waiting for more jobs.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the task queue, with the scheduler that brings retried jobs back, and drain the outbox."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: without Redis the app runs its tasks on threads.")
    # Imported here: the outbox queues its jobs through this module.
    from .outbox import drain_forever, drain_quietly

    app = current_app._get_current_object()
    interval = app.config["FLASKY_OUTBOX_DRAIN_INTERVAL"]
    if burst:
        drain_quietly()
    elif interval > 0:
        threading.Thread(target=drain_forever, args=(app, interval), name="outbox-drain", daemon=True).start()
    worker = Worker([task_queue()], connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True)
