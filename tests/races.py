"""Making simultaneous requests really meet: a barrier inside the flush, and a pool that sends them at once."""

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress

import requests
from sqlalchemy import event


@contextmanager
def inserts_held_together(model: type, parties: int = 2, when: str = "before_insert") -> Iterator[None]:
    """Make each INSERT of ``model`` (or each UPDATE, with ``when="before_update"``) wait until ``parties``
    requests are about to write one.

    A request that never reaches the barrier must not hold the others past the timeout; once broken, the barrier
    lets every later insert (a retry, say) through at once.
    """
    barrier = threading.Barrier(parties)

    def wait_for_the_others(mapper, connection, target) -> None:
        with suppress(threading.BrokenBarrierError):
            barrier.wait(timeout=5)

    event.listen(model, when, wait_for_the_others)
    try:
        yield
    finally:
        event.remove(model, when, wait_for_the_others)


def at_once(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Send every call at the same moment, each on its own thread; the responses in the calls' order."""
    with ThreadPoolExecutor(max_workers=len(calls)) as pool:
        return list(pool.map(lambda call: call(), calls))
