"""Work off the request: the RQ task queue on Redis (``REDIS_URL``) and the ``flask worker`` command.

A job that raises is retried with backoff (``RETRY``) and, when every attempt has failed, stays in RQ's failed
registry (``rq info``, ``FailedJobRegistry``) for a person to requeue. Mail and exports go through the outbox
(``app/outbox.py``), whose jobs keep their own retries on the outbox row; the queue only retries them when the
database itself did not answer the worker.
"""

import threading

import click
from flask import current_app
from flask.cli import with_appcontext
from redis import Redis
from rq import Queue, Retry, Worker
from rq.job import Job

QUEUE_NAME = "flasky"
# Three more attempts, 10 s, 30 s and 60 s after each failure: long enough for a database or mail server to come back.
RETRY = Retry(max=3, interval=[10, 30, 60])
# Seconds to wait for Redis to accept a connection or answer, so a page or a probe never hangs on it.
REDIS_TIMEOUT = 5
# Held by ``flask worker``'s outbox thread while it drains, and by the worker while it forks a job's work horse. A
# fork copies the locks other threads hold at that moment: one a drain held (SQLAlchemy configuring its mappers, say)
# would stay held for good in the work horse, which hung until RQ killed it.
FORK_LOCK = threading.Lock()


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


class OutboxSafeWorker(Worker):
    """RQ's forking worker, which forks a work horse only between two drains of the outbox thread."""

    def fork_work_horse(self, job: Job, queue: Queue) -> None:
        with FORK_LOCK:
            super().fork_work_horse(job, queue)


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
    worker = OutboxSafeWorker([task_queue()], connection=redis_connection())
    worker.work(burst=burst, with_scheduler=True)
