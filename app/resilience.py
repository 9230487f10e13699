"""The services Flasky leans on going away: each outage logged once, and whether this instance should get traffic.

``REDIS`` and ``DATABASE`` remember, per process, whether their service answered when last asked, so an outage is
logged when it starts and when it ends rather than on every request that meets it. ``draining()`` is true once
this instance has been told to stop: on SIGTERM gunicorn.conf.py creates ``FLASKY_DRAIN_FILE``, and ``/readyz``
answers 503 from then on, so a load balancer sends it no new requests while it finishes the ones it has.
"""

import logging
import os
import threading
import time

from flask import current_app

logger = logging.getLogger(__name__)


class Dependency:
    """One service this process uses, and since when it has not answered (``None`` while it answers)."""

    def __init__(self, name: str, meanwhile: str) -> None:
        self.name = name
        self.meanwhile = meanwhile
        self.down_since: float | None = None
        self._lock = threading.Lock()

    def failed(self, error: BaseException) -> None:
        """``error`` came from the service; the first failure of an outage is logged, the others are not."""
        with self._lock:
            starts = self.down_since is None
            if starts:
                self.down_since = time.monotonic()
        if starts:
            logger.warning("%s does not answer (%s); %s until it is back", self.name, describe(error), self.meanwhile)

    def answered(self) -> None:
        """The service answered; logged once, when it ends an outage."""
        with self._lock:
            down_since, self.down_since = self.down_since, None
        if down_since is not None:
            logger.info("%s answers again after %.1f s", self.name, time.monotonic() - down_since)


def describe(error: BaseException) -> str:
    """The kind of ``error`` and the first line of its message, for a log line without a traceback."""
    lines = str(error).strip().splitlines()
    return f"{error.__class__.__name__}: {lines[0]}" if lines else error.__class__.__name__


REDIS = Dependency(
    "Redis", "rate limits count per process, mail and exports wait in the outbox and pages are not cached"
)
DATABASE = Dependency("The database", "pages and APIs answer 503")


def draining() -> bool:
    """Whether this instance is stopping and should get no new requests (``FLASKY_DRAIN_FILE`` exists)."""
    path = current_app.config["FLASKY_DRAIN_FILE"]
    return bool(path) and os.path.exists(path)
