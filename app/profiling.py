"""SQL timing: slow statements are always logged; with FLASKY_PROFILE_SQL every statement is recorded per request.

With profiling on, each response carries ``X-DB-Queries`` (statements run) and ``X-DB-Time`` (their total time in
milliseconds), and every statement goes, buffered, to a per-process JSON-lines file in FLASKY_SQL_PROFILE_DIR. The
aggregation functions here turn those files into per-statement and per-endpoint figures for the load-test report.
With FLASKY_METRICS on, requests count their statements too, for the histograms of ``/metrics`` (app/metrics.py).
"""

import atexit
import itertools
import json
import math
import os
import re
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask import Flask, current_app, g, has_request_context, request, request_started
from flask.cli import with_appcontext
from flask.wrappers import Response
from sqlalchemy import event
from sqlalchemy.engine import Connection
from werkzeug.middleware.profiler import ProfilerMiddleware
from werkzeug.serving import run_simple

from .extensions import db

QUERIES_HEADER = "X-DB-Queries"
TIME_HEADER = "X-DB-Time"
NO_ENDPOINT = "(none)"
START_TIME_KEY = "flasky_statement_started"
PARAMETERS_LOGGED = 2000


def shorten(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}... ({len(text) - limit} more characters)"


@dataclass
class RequestStatistics:
    """The statements one request ran so far."""

    request_id: str
    queries: int = 0
    seconds: float = 0.0


class SqlProfiler:
    """Times every statement of an application's engines; logs slow ones, records all when profiling is on."""

    flush_every = 1000
    flush_interval = 2.0

    def __init__(self, app: Flask) -> None:
        # The app's config and logger, not the app: the engines' listeners hold this profiler, and Flask-SQLAlchemy
        # keeps each app's engines in a mapping weakly keyed by the app, which a value holding the app never lets go.
        self.config = app.config
        self.logger = app.logger
        self.buffer: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.last_flush = time.monotonic()
        self.request_numbers = itertools.count(1)
        self.flush_at_exit_registered = False

    @property
    def enabled(self) -> bool:
        return bool(self.config["FLASKY_PROFILE_SQL"])

    @property
    def counting(self) -> bool:
        """Whether requests count their statements: for profiling, or for the histograms of ``/metrics``."""
        return self.enabled or bool(self.config["FLASKY_METRICS"])

    def before_cursor_execute(self, conn: Connection, cursor, statement, parameters, context, executemany) -> None:
        conn.info[START_TIME_KEY] = time.perf_counter()

    def after_cursor_execute(self, conn: Connection, cursor, statement, parameters, context, executemany) -> None:
        duration = time.perf_counter() - conn.info[START_TIME_KEY]
        in_request = has_request_context()
        endpoint = (request.endpoint or NO_ENDPOINT) if in_request else NO_ENDPOINT
        if executemany:
            # A bulk insert's thousands of rows would swamp the log: its first row stands for them all.
            parameters = parameters[0] if parameters else parameters
        if duration >= self.config["FLASKY_SLOW_DB_QUERY_TIME"]:
            self.logger.warning(
                "Slow query: %s\nParameters: %s\nDuration: %.6f s\nEndpoint: %s",
                statement,
                shorten(repr(parameters), PARAMETERS_LOGGED),
                duration,
                endpoint,
            )
        statistics = g.get("sql_statistics") if in_request else None
        if statistics is not None:
            statistics.queries += 1
            statistics.seconds += duration
        if not self.enabled:
            return
        self.record(
            {
                "time": time.time(),
                "request": statistics.request_id if statistics is not None else None,
                "endpoint": endpoint,
                "statement": statement,
                "parameters": parameters,
                "duration_ms": duration * 1000,
            }
        )

    def record(self, entry: dict[str, Any]) -> None:
        """Buffer one statement's record, writing the buffer out when it is full or old."""
        with self.lock:
            self.buffer.append(entry)
            if not self.flush_at_exit_registered:
                atexit.register(self.flush)
                self.flush_at_exit_registered = True
            due = len(self.buffer) >= self.flush_every or time.monotonic() - self.last_flush >= self.flush_interval
        if due:
            self.flush()

    def flush(self) -> None:
        """Append the buffered records to this process's JSON-lines file."""
        with self.lock:
            entries, self.buffer = self.buffer, []
            self.last_flush = time.monotonic()
        if not entries:
            return
        directory = Path(self.config["FLASKY_SQL_PROFILE_DIR"])
        directory.mkdir(parents=True, exist_ok=True)
        lines = "".join(json.dumps(entry, default=str) + "\n" for entry in entries)
        with open(directory / f"sql-{os.getpid()}.jsonl", "a", encoding="utf-8") as file:
            file.write(lines)

    def start_request(self, _app: Flask, **_extra: object) -> None:
        """Give the request fresh counters (or none when nothing reads them), before any before_request function."""
        if self.counting:
            g.sql_statistics = RequestStatistics(request_id=f"{os.getpid()}-{next(self.request_numbers)}")
        else:
            g.pop("sql_statistics", None)

    def add_headers(self, response: Response) -> Response:
        """Tell the client how many statements the request ran and how long they took."""
        statistics = g.get("sql_statistics")
        if statistics is not None and self.enabled:
            response.headers[QUERIES_HEADER] = str(statistics.queries)
            response.headers[TIME_HEADER] = f"{statistics.seconds * 1000:.3f}"
        return response


def init_profiling(app: Flask) -> SqlProfiler:
    """Time every statement of ``app``'s engines and add the ``flask profile`` command."""
    profiler = SqlProfiler(app)
    app.extensions["sql_profiler"] = profiler
    with app.app_context():
        for engine in db.engines.values():
            event.listen(engine, "before_cursor_execute", profiler.before_cursor_execute)
            event.listen(engine, "after_cursor_execute", profiler.after_cursor_execute)
    request_started.connect(profiler.start_request, app)
    app.after_request(profiler.add_headers)
    app.cli.add_command(profile)
    return profiler


@click.command()
@click.option("--length", default=25, show_default=True, help="Functions shown per request in the console.")
@click.option("--profile-dir", default="profiles", show_default=True, help="Folder for the .prof files.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@with_appcontext
def profile(length: int, profile_dir: str, host: str, port: int) -> None:
    """Serve the app under Werkzeug's profiler, writing one profile per request to a folder."""
    app = current_app._get_current_object()
    Path(profile_dir).mkdir(parents=True, exist_ok=True)
    app.wsgi_app = ProfilerMiddleware(app.wsgi_app, restrictions=[length], profile_dir=profile_dir)
    click.echo(f"Profiling requests into {profile_dir}/ (Ctrl+C to stop).")
    run_simple(host, port, app, use_reloader=False, use_debugger=False)


# Reading and aggregating the recorded statements.

_STRING = re.compile(r"'(?:[^']|'')*'")
_PLACEHOLDER = re.compile(r"%\(\w+\)s|%s|\?|(?<![:\w]):(?!:)\w+")
_NUMBER = re.compile(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])")
_IN_LIST = re.compile(r"\bIN\s*\(\s*\?(?:::\w+)?(?:\s*,\s*\?(?:::\w+)?)*\s*\)", re.IGNORECASE)
_VALUES_ROWS = re.compile(r"(\(\?(?:, \?)*\))(?:\s*,\s*\1)+")
_SPACE = re.compile(r"\s+")


def normalise_statement(statement: str) -> str:
    """The statement's shape: literals and placeholders become ``?``, IN-lists and VALUES rows collapse, one line."""
    shape = _STRING.sub("?", statement)
    shape = _PLACEHOLDER.sub("?", shape)
    shape = _NUMBER.sub("?", shape)
    shape = _SPACE.sub(" ", shape).strip()
    shape = _IN_LIST.sub("IN (?)", shape)
    return _VALUES_ROWS.sub(r"\1", shape)


def read_records(directory: str | Path) -> Iterator[dict[str, Any]]:
    """Every statement recorded in the JSON-lines files of ``directory``."""
    for path in sorted(Path(directory).glob("*.jsonl")):
        with open(path, encoding="utf-8") as file:
            for line in file:
                if line.strip():
                    yield json.loads(line)


def percentile(ordered: list[float], share: float) -> float:
    """The nearest-rank percentile ``share`` (0..100) of an ascending, non-empty list."""
    rank = max(math.ceil(share / 100 * len(ordered)), 1)
    return ordered[rank - 1]


@dataclass
class Aggregate:
    """Figures for the statements that share a key (a normalised statement or an endpoint)."""

    key: str
    count: int
    total_ms: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    requests: int
    slowest: dict[str, Any] = field(repr=False)

    @property
    def queries_per_request(self) -> float | None:
        """Statements per request that ran any of them, or None for statements outside requests."""
        return self.count / self.requests if self.requests else None


def aggregate(records: Iterable[dict[str, Any]], key: Callable[[dict[str, Any]], str]) -> list[Aggregate]:
    """Group ``records`` by ``key`` and sum them up, the largest total time first."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for entry in records:
        groups[key(entry)].append(entry)
    results = []
    for name, entries in groups.items():
        durations = sorted(entry["duration_ms"] for entry in entries)
        results.append(
            Aggregate(
                key=name,
                count=len(entries),
                total_ms=sum(durations),
                p50_ms=percentile(durations, 50),
                p95_ms=percentile(durations, 95),
                max_ms=durations[-1],
                requests=len({entry["request"] for entry in entries if entry["request"] is not None}),
                slowest=max(entries, key=lambda entry: entry["duration_ms"]),
            )
        )
    return sorted(results, key=lambda result: (-result.total_ms, result.key))


def by_statement(records: Iterable[dict[str, Any]]) -> list[Aggregate]:
    """Aggregates per normalised statement."""
    return aggregate(records, lambda entry: normalise_statement(entry["statement"]))


def by_endpoint(records: Iterable[dict[str, Any]]) -> list[Aggregate]:
    """Aggregates per endpoint."""
    return aggregate(records, lambda entry: entry["endpoint"])
