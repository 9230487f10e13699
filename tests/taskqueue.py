"""The Redis the task-queue tests use: TEST_REDIS_URL, by default database 5 of the server on 127.0.0.1 (each worker
of a parallel run its own, ``tests.workers``)."""

import os
import threading

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, SimpleWorker
from rq.job import Job

from app.outbox import OutboxThread
from tests.services import unavailable
from tests.workers import own_redis_url

TEST_REDIS_URL = own_redis_url(os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5"))
# Nothing listens on port 1, so connecting is refused at once.
UNREACHABLE_REDIS_URL = "redis://127.0.0.1:1/0"


def empty_test_redis() -> str:
    """Empty the test Redis database (that one only) and return its URL; skip, or fail in CI, when it is down."""
    connection = Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=2, socket_timeout=2)
    try:
        connection.flushdb()
    except RedisError as error:
        unavailable("Redis", f"{TEST_REDIS_URL} did not answer ({error.__class__.__name__})")
    finally:
        connection.close()
    return TEST_REDIS_URL


def work_off(queue: Queue) -> None:
    """Run a real RQ worker, in this process, until the queue is empty."""
    SimpleWorker([queue], connection=queue.connection).work(burst=True)


def bring_back_retries(queue: Queue) -> int:
    """What RQ's scheduler does once each retry's interval has passed: put the job back on the queue. Returns how
    many it brought back."""
    registry = queue.scheduled_job_registry
    job_ids = registry.get_job_ids()
    for job_id in job_ids:
        registry.remove(job_id)
        queue.enqueue_job(Job.fetch(job_id, connection=queue.connection))
    return len(job_ids)


def finish_background_tasks(timeout: float = 10.0) -> None:
    """Wait for every outbox task (a mail, an export) started on a thread of this process."""
    for thread in threading.enumerate():
        if isinstance(thread, OutboxThread):
            thread.join(timeout)
