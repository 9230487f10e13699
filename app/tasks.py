"""Work off the request: the RQ task queue on Redis (``REDIS_URL``), its jobs and the ``flask worker`` command.

A job is retried with backoff (``RETRY``) and, when every attempt has failed, stays in RQ's failed registry
(``rq info``, ``FailedJobRegistry``) for a person to requeue: a job is never silently dropped.
"""

import logging

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_mail import Message
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, Worker
from rq.job import Job

from .extensions import mail

logger = logging.getLogger(__name__)

QUEUE_NAME = "flasky"
# Three more attempts, 10 s, 30 s and 60 s after each failure: long enough for a mail server to come back.
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


class QueuedTask:
    """A hand-over to the task queue; after it, retries and the failed registry are the queue's business."""

    def __init__(self, job: Job | None) -> None:
        self.job = job

    def failed(self, timeout: float | None = None) -> bool:
        """True when the task never reached the queue (Redis refused it); the request cannot learn more."""
        return self.job is None


def queue_task(function, *args, **kwargs) -> QueuedTask:
    """Queue ``function(*args, **kwargs)``, logging rather than raising when Redis cannot take it."""
    try:
        return QueuedTask(enqueue(function, *args, **kwargs))
    except RedisError:
        logger.exception("Could not queue %s", function.__qualname__)
        return QueuedTask(None)


def send_message(message: Message) -> None:
    """Job: send a message built and rendered in the request, inside the worker's application context."""
    mail.send(message)


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop once the queue is empty instead of waiting for more jobs.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run an RQ worker on the task queue, with the scheduler that brings retried jobs back."""
    if not current_app.config["REDIS_URL"]:
        raise click.UsageError("REDIS_URL is not set: without Redis the app runs its tasks on threads.")
    worker = Worker([task_queue()], connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True)
