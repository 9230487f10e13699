"""The Redis the task-queue tests use: TEST_REDIS_URL, by default database 5 of the server on 127.0.0.1."""

import os

from redis import Redis
from redis.exceptions import RedisError

from tests.services import unavailable

TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/5")
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
