"""The app's cache store (the page cache's and the post cards') on the test Redis, or on a Redis nobody answers."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tests.outages import forget_outages
from tests.taskqueue import UNREACHABLE_REDIS_URL, empty_test_redis


@contextmanager
def on_test_redis(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``settings`` with the cache in the test Redis database, emptied before and after."""
    url = empty_test_redis()
    try:
        yield {**settings, "CACHE_REDIS_URL": url}
    finally:
        empty_test_redis()


@contextmanager
def on_unreachable_redis(settings: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """``settings`` with the cache on a Redis that refuses every connection, the outages it logs forgotten before
    and after."""
    forget_outages()
    try:
        yield {**settings, "CACHE_REDIS_URL": UNREACHABLE_REDIS_URL}
    finally:
        forget_outages()
