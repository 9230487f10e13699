"""Prometheus metrics at ``/metrics``: requests, SQL per request, the task queue, rate limits, logins, active users.

Off unless ``FLASKY_METRICS`` is on, and then served only to a scraper that sends ``FLASKY_METRICS_TOKEN`` as a
bearer token or connects from one of ``FLASKY_METRICS_NETWORKS``. Under gunicorn every worker writes its figures to
files in ``PROMETHEUS_MULTIPROC_DIR`` (``gunicorn.conf.py`` makes one) and a scrape of any worker adds them all up.

Every figure is labelled with the Flask endpoint (``main.user``), never the path (``/user/ada``), so the number of
series stays bounded whatever the clients ask for.
"""

import fcntl
import hmac
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from ipaddress import IPv4Network, IPv6Network, ip_address, ip_network

from flask import Flask, Response, abort, current_app, g, request, request_finished, request_started
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.mmap_dict import MmapedDict
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from redis.exceptions import RedisError
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from .extensions import db, limiter
from .models import User
from .profiling import NO_ENDPOINT
from .tasks import task_queue
from .timestamps import utcnow

logger = logging.getLogger(__name__)

# A user counts as active while their last request is this recent (``User.last_seen``, written at most once a minute).
ACTIVE_WINDOW = timedelta(minutes=15)
LATENCY_BUCKETS = (0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75)
LATENCY_BUCKETS += (1.0, 1.5, 2.5, 5.0, 10.0)
STATEMENT_BUCKETS = (0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100)
DATABASE_TIME_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
# In the multiprocess folder: taken by scrapes (shared) and by the folding of a dead worker's files (exclusive).
LOCK_FILE = "folder.lock"
# The kinds of file whose values add up across processes; gauges are only read at scrape time here.
SUMMED_KINDS = ("counter", "histogram", "summary")

REQUEST_DURATION = Histogram(
    "flasky_http_request_duration_seconds",
    "Time from the start of a request to its response, by Flask endpoint and status; _count counts requests.",
    ["endpoint", "status"],
    buckets=LATENCY_BUCKETS,
)
REQUEST_STATEMENTS = Histogram(
    "flasky_http_request_db_statements",
    "SQL statements one request ran, by Flask endpoint.",
    ["endpoint"],
    buckets=STATEMENT_BUCKETS,
)
REQUEST_DATABASE_TIME = Histogram(
    "flasky_http_request_db_duration_seconds",
    "Time one request spent in SQL statements, by Flask endpoint.",
    ["endpoint"],
    buckets=DATABASE_TIME_BUCKETS,
)
RATE_LIMIT_REFUSALS = Counter(
    "flasky_rate_limit_refusals_total",
    "Requests refused with 429 because a rate limit was reached, by Flask endpoint.",
    ["endpoint"],
)
LOGIN_FAILURES = Counter(
    "flasky_login_failures_total",
    "Sign-ins and password checks refused for a wrong address or password, on any interface.",
)


Network = IPv4Network | IPv6Network


def scraper_networks(networks: list[str]) -> list[Network]:
    """The networks whose clients may scrape without a token; ``ValueError`` names the first one that is no network."""
    return [ip_network(network, strict=False) for network in networks]


def scraper_allowed() -> bool:
    """Whether this request carries the metrics token or comes from an allowed network."""
    token = current_app.config["FLASKY_METRICS_TOKEN"]
    if token and hmac.compare_digest(request.headers.get("Authorization", "").encode(), f"Bearer {token}".encode()):
        return True
    try:
        client = ip_address(request.remote_addr or "")
    except ValueError:
        return False
    return any(client in network for network in scraper_networks(current_app.config["FLASKY_METRICS_NETWORKS"]))


class ScrapeTimeCollector(Collector):
    """Figures read when Prometheus asks rather than counted as they happen: active users, the task queue."""

    def __init__(self, app: Flask) -> None:
        self.app = app

    def collect(self) -> Iterator[Metric]:
        yield from self.active_users()
        if self.app.config["REDIS_URL"]:
            yield from self.task_queue()

    def active_users(self) -> Iterator[Metric]:
        """Users signed in on the web site whose last request is within ``ACTIVE_WINDOW``.

        Flasky keeps no server-side session table, so this reads ``User.last_seen`` instead of counting sessions.
        """
        since = utcnow() - ACTIVE_WINDOW
        try:
            active = db.session.scalar(select(func.count()).select_from(User).where(User.last_seen >= since))
        except SQLAlchemyError:
            logger.exception("Metrics: the database did not answer the count of active users")
            db.session.rollback()
            return
        yield GaugeMetricFamily(
            "flasky_active_users",
            f"Users seen on the web site in the last {ACTIVE_WINDOW.seconds // 60} minutes (User.last_seen).",
            value=active,
        )

    def task_queue(self) -> Iterator[Metric]:
        """The RQ queue's jobs by state, read without the clean-up RQ's own counts do; and whether Redis answered."""
        queue = task_queue()
        jobs = GaugeMetricFamily(
            "flasky_task_queue_jobs",
            "Jobs of the task queue (mail and other slow work) waiting, running, waiting to be retried, failed.",
            labels=["queue", "state"],
        )
        try:
            jobs.add_metric([queue.name, "queued"], queue.count)
            jobs.add_metric([queue.name, "started"], queue.started_job_registry.get_job_count(cleanup=False))
            jobs.add_metric([queue.name, "scheduled"], queue.scheduled_job_registry.get_job_count(cleanup=False))
            jobs.add_metric([queue.name, "failed"], queue.failed_job_registry.get_job_count(cleanup=False))
        except RedisError:
            logger.exception("Metrics: Redis did not answer the task queue's counts")
            up = 0
        else:
            up = 1
            yield jobs
        yield GaugeMetricFamily("flasky_task_queue_up", "1 when Redis answered the task queue's counts.", value=up)


@contextmanager
def folder_lock(directory: str, operation: int) -> Iterator[None]:
    """Hold ``fcntl.LOCK_SH`` or ``LOCK_EX`` on the multiprocess folder until the block ends."""
    with open(os.path.join(directory, LOCK_FILE), "a") as lock:
        fcntl.flock(lock, operation)
        yield


def worker_figures() -> bytes:
    """The figures counted as requests ran: every gunicorn worker's in multiprocess mode, else this process's."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return generate_latest(REGISTRY)
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=directory)
    with folder_lock(directory, fcntl.LOCK_SH):
        return generate_latest(registry)


def fold_dead_worker(directory: str, pid: int) -> None:
    """Add a dead worker's counts to one archive file per kind and remove its files.

    Gunicorn replaces a worker every GUNICORN_MAX_REQUESTS requests; unfolded, each one would leave its files for
    every later scrape to read, a folder growing by about 128 KiB a worker. Under the exclusive lock, no scrape
    sees the counts twice or not at all.
    """
    with folder_lock(directory, fcntl.LOCK_EX):
        for kind in SUMMED_KINDS:
            dead = os.path.join(directory, f"{kind}_{pid}.db")
            if not os.path.exists(dead):
                continue
            archive = MmapedDict(os.path.join(directory, f"{kind}_archive.db"))
            try:
                for key, value, timestamp, _position in MmapedDict.read_all_values_from_file(dead):
                    total, latest = archive.read_value(key)
                    archive.write_value(key, total + value, max(timestamp, latest))
            finally:
                archive.close()
            os.remove(dead)


def metrics() -> Response:
    """The figures in Prometheus's text format, for a scraper that may read them."""
    if not scraper_allowed():
        abort(403)
    body = worker_figures() + generate_latest(current_app.extensions["metrics"])
    return Response(body, content_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})


def start_timing(app: Flask, **_extra: object) -> None:
    """Note when the request started, before any before_request function runs."""
    g.metrics_request_started = time.perf_counter()


def record_request(app: Flask, response: Response, **_extra: object) -> None:
    """Count the request under its endpoint and status, with the SQL it ran and any rate limit it hit."""
    endpoint = request.endpoint or NO_ENDPOINT
    elapsed = time.perf_counter() - g.pop("metrics_request_started")
    REQUEST_DURATION.labels(endpoint, str(response.status_code)).observe(elapsed)
    # Counted by app/profiling.py, which counts every request's statements whenever metrics are on.
    statistics = g.sql_statistics
    REQUEST_STATEMENTS.labels(endpoint).observe(statistics.queries)
    REQUEST_DATABASE_TIME.labels(endpoint).observe(statistics.seconds)
    limit = limiter.current_limit
    if limit is not None and limit.breached:
        RATE_LIMIT_REFUSALS.labels(endpoint).inc()


def init_metrics(app: Flask) -> None:
    """With ``FLASKY_METRICS`` on, time every request and serve ``/metrics`` to the scrapers the settings allow."""
    if not app.config["FLASKY_METRICS"]:
        return
    try:
        networks = scraper_networks(app.config["FLASKY_METRICS_NETWORKS"])
    except ValueError as error:
        raise SystemExit(f"Flasky: FLASKY_METRICS_NETWORKS: {error}.") from None
    if not app.config["FLASKY_METRICS_TOKEN"] and not networks:
        raise SystemExit(
            "Flasky: FLASKY_METRICS is on but nobody may read /metrics: set FLASKY_METRICS_TOKEN (scrapers send it "
            "as a bearer token) or FLASKY_METRICS_NETWORKS (client networks allowed without one, e.g. 10.0.0.0/8)."
        )
    scrape_time = CollectorRegistry()
    scrape_time.register(ScrapeTimeCollector(app))
    app.extensions["metrics"] = scrape_time
    app.add_url_rule("/metrics", endpoint="metrics", view_func=metrics)
    request_started.connect(start_timing, app)
    request_finished.connect(record_request, app)
