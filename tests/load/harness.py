"""What the load run, the benchmark and the smoke test share: data sets, a gunicorn server, Locust, its CSV stats."""

import csv
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, func, insert, literal, select, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[2]
LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
# Load runs come from one address; the login and token limits are for attackers, not for this.
UNLIMITED = "1000000 per minute"
SECRET_KEY = "flasky-load-test-secret-key-not-for-production"


def default_workers() -> int:
    """Gunicorn's advice: two workers per core, plus one."""
    return 2 * (os.cpu_count() or 1) + 1


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def driver_url(url: str) -> str:
    """``url`` with PostgreSQL steered to psycopg 3, as config.py does."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def describe(url: str) -> str:
    """The engine and database of ``url``, without credentials."""
    parsed = make_url(driver_url(url))
    return f"{parsed.get_backend_name()}:{Path(parsed.database or '').name}"


def app_environment(database_url: str, **settings: str) -> dict[str, str]:
    """The environment for ``flask`` and gunicorn: production settings on ``database_url``."""
    environment = {
        **os.environ,
        "FLASK_APP": "flasky",
        "FLASK_CONFIG": "production",
        "DATABASE_URL": driver_url(database_url),
        "SECRET_KEY": SECRET_KEY,
        "FLASKY_BASE_URL": "http://127.0.0.1",
        "FLASKY_AUTH_RATE_LIMIT": UNLIMITED,
        "PYTHONPATH": str(ROOT),
    }
    environment.pop("FLASK_DEBUG", None)
    environment.update(settings)
    return environment


def flask_command(*arguments: str, environment: dict[str, str]) -> None:
    """Run ``flask <arguments>`` in the repository, failing loudly."""
    subprocess.run([sys.executable, "-m", "flask", *arguments], cwd=ROOT, env=environment, check=True)


@dataclass
class DataSet:
    users: int
    posts: int
    follows: int = 20
    comments: int | None = None
    seed: int = 1
    reader_follows: int = 0
    """How many users demo@example.com follows, so its Followed feed has deep pages."""


def create_database_if_missing(url: str) -> None:
    """Create the PostgreSQL database of ``url`` (SQLite files create themselves)."""
    parsed = make_url(driver_url(url))
    if parsed.get_backend_name() != "postgresql":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        return
    maintenance = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        exists = connection.scalar(text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": parsed.database})
        if not exists:
            connection.execute(text(f'CREATE DATABASE "{parsed.database}"'))
    maintenance.dispose()


def drop_database(url: str) -> None:
    """Remove the database of ``url`` entirely."""
    parsed = make_url(driver_url(url))
    if parsed.get_backend_name() != "postgresql":
        Path(parsed.database).unlink(missing_ok=True)
        return
    maintenance = create_engine(parsed.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with maintenance.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{parsed.database}" WITH (FORCE)'))
    maintenance.dispose()


def row_counts(url: str) -> dict[str, int]:
    """Rows in users, posts and comments."""
    engine = create_engine(driver_url(url))
    with engine.connect() as connection:
        counts = {
            table: connection.scalar(text(f"SELECT count(*) FROM {table}"))  # noqa: S608 - fixed names
            for table in ("users", "posts", "comments")
        }
    engine.dispose()
    return counts


def ensure_dataset(url: str, data: DataSet, rebuild: bool = False, **settings: str) -> str:
    """Build ``data`` in the database at ``url`` with ``flask fake``, or reuse it when it is there already."""
    if rebuild:
        drop_database(url)
    create_database_if_missing(url)
    environment = app_environment(url, **settings)
    flask_command("deploy", environment=environment)
    counts = row_counts(url)
    if counts["users"] >= data.users and counts["posts"] >= data.posts:
        outcome = "reused"
    elif counts["posts"] == 0:
        arguments = ["--users", data.users, "--posts", data.posts, "--follows", data.follows, "--seed", data.seed]
        if data.comments is not None:
            arguments += ["--comments", data.comments]
        flask_command("fake", *map(str, arguments), environment=environment)
        outcome = "built"
    else:
        raise SystemExit(
            f"{describe(url)} holds {counts} rather than {data.users} users and {data.posts} posts: "
            "pass --rebuild (or pick another database) to start afresh."
        )
    if data.reader_follows:
        follow_many(url, "demo@example.com", data.reader_follows)
    return outcome


def follow_many(url: str, email: str, count: int) -> None:
    """Make the user ``email`` follow the first ``count`` other users (once)."""
    from app.models import Follow, User

    engine = create_engine(driver_url(url))
    with engine.begin() as connection:
        reader = connection.scalar(select(User.id).where(User.email == email))
        following = connection.scalar(select(func.count()).select_from(Follow).where(Follow.follower_id == reader))
        if following <= count:
            already = select(Follow.followed_id).where(Follow.follower_id == reader)
            targets = (
                select(literal(reader), User.id, func.current_timestamp())
                .where(User.id.not_in(already))
                .order_by(User.id)
                .limit(count + 1 - following)
            )
            connection.execute(insert(Follow).from_select(["follower_id", "followed_id", "timestamp"], targets))
    engine.dispose()


def wait_until_answering(base_url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Block until ``base_url`` answers HTTP, or fail when the server dies or takes too long."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with status {process.returncode} before answering")
        try:
            with urllib.request.urlopen(base_url + "/auth/login", timeout=2):  # noqa: S310 - our own server
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer at {base_url} within {timeout:.0f} s")


@contextmanager
def gunicorn(url: str, workers: int, log_path: Path, **settings: str) -> Iterator[str]:
    """Serve the app with gunicorn on a free port of 127.0.0.1; yields its base URL and stops it afterwards."""
    port = free_port()
    environment = app_environment(url, **settings)
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{port}",
        "--graceful-timeout",
        "10",
        "--error-logfile",
        "-",
        "flasky:app",
    ]
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        base_url = f"http://127.0.0.1:{port}"
        try:
            wait_until_answering(base_url, process)
            yield base_url
        finally:
            stop(process)


def stop(process: subprocess.Popen, timeout: float = 20) -> None:
    """SIGTERM (gunicorn's graceful stop, which lets workers flush their logs), then SIGKILL if it lingers."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def run_locust(
    base_url: str,
    csv_prefix: Path,
    users: int,
    spawn_rate: float,
    run_time: str,
    html: Path | None = None,
    timeout: float | None = None,
    locustfile: Path = LOCUSTFILE,
    settings: dict[str, str] | None = None,
) -> int:
    """Run the load profiles headless against ``base_url`` for ``run_time``; returns Locust's exit status.

    ``locustfile`` and the environment ``settings`` of its process choose other profiles (``tests/load/chaos.py``).
    """
    csv_prefix.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "locust",
        "--locustfile",
        str(locustfile),
        "--headless",
        "--host",
        base_url,
        "--users",
        str(users),
        "--spawn-rate",
        str(spawn_rate),
        "--run-time",
        run_time,
        "--stop-timeout",
        "5",
        "--csv",
        str(csv_prefix),
        "--only-summary",
        "--loglevel",
        "WARNING",
    ]
    if html is not None:
        command += ["--html", str(html)]
    with open(csv_prefix.parent / "locust.log", "ab") as log:
        completed = subprocess.run(  # noqa: S603
            command,
            cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT), **(settings or {})},
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=timeout,
        )
    return completed.returncode


@dataclass
class LocustTotals:
    requests: int
    failures: int
    rows: list[dict[str, str]]


def read_locust_stats(csv_prefix: Path) -> LocustTotals:
    """The per-request rows of Locust's ``<prefix>_stats.csv`` and its aggregated totals."""
    with open(f"{csv_prefix}_stats.csv", newline="", encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    total = next(row for row in rows if row["Name"] == "Aggregated")
    return LocustTotals(
        requests=int(total["Request Count"]),
        failures=int(total["Failure Count"]),
        rows=[row for row in rows if row["Name"] != "Aggregated"],
    )


def read_failures(csv_prefix: Path) -> list[dict[str, str]]:
    """Locust's ``<prefix>_failures.csv`` rows: method, name, error, occurrences."""
    path = Path(f"{csv_prefix}_failures.csv")
    if not path.exists():
        return []
    with open(path, newline="", encoding="utf-8") as file:
        return list(csv.DictReader(file))
