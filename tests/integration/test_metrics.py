"""Prometheus metrics at /metrics: off by default, for allowed scrapers only, and the figures each request moves."""

import os
import runpy
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.parser import text_string_to_metric_families
from rq import SimpleWorker
from sqlalchemy import select

from app.extensions import db
from app.metrics import fold_dead_worker
from app.models import User
from app.timestamps import utcnow
from tests.apps import make_app, rate_limited, running_app
from tests.appserver import ROOT, Gunicorn, production_environment, run_flask
from tests.factories import UserFactory
from tests.taskqueue import UNREACHABLE_REDIS_URL

TOKEN = "a-metrics-token-for-the-tests"
METRICS_ON = {"FLASKY_METRICS": True, "FLASKY_METRICS_TOKEN": TOKEN}
BEARER = {"Authorization": f"Bearer {TOKEN}"}

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of a scrape, keyed by its name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def scrape(client) -> Samples:
    response = client.get("/metrics", headers=BEARER)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return parse(response.text)


def value(samples: Samples, name: str, **labels: str) -> float:
    """One sample's value; a series not yet seen counts as 0."""
    return samples.get((name, frozenset(labels.items())), 0.0)


def change(before: Samples, after: Samples, name: str, **labels: str) -> float:
    return value(after, name, **labels) - value(before, name, **labels)


@pytest.fixture
def lookup_page(app):
    """A page that runs exactly one SQL statement, whatever the real pages do."""

    def lookup(username: str) -> str:
        return db.session.scalar(select(User.username).filter_by(username=username)) or "nobody"

    app.add_url_rule("/lookup/<username>", endpoint="lookup", view_func=lookup)


def test_metrics_are_off_by_default(client):
    assert client.get("/metrics").status_code == 404


def test_metrics_on_with_nobody_allowed_to_read_them_stops_the_start():
    with pytest.raises(SystemExit, match="FLASKY_METRICS_TOKEN.*FLASKY_METRICS_NETWORKS"):
        make_app(overrides={"FLASKY_METRICS": True})


def test_a_network_that_is_no_network_stops_the_start():
    with pytest.raises(SystemExit, match="FLASKY_METRICS_NETWORKS.*not-a-network"):
        make_app(overrides={"FLASKY_METRICS": True, "FLASKY_METRICS_NETWORKS": ["not-a-network"]})


@pytest.mark.app_config(METRICS_ON)
def test_a_scraper_without_the_token_is_refused(client):
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer a-guess"}).status_code == 403
    assert client.get("/metrics", headers={"Authorization": TOKEN}).status_code == 403
    assert client.get("/metrics", headers=BEARER).status_code == 200


@pytest.mark.app_config(FLASKY_METRICS=True, FLASKY_METRICS_NETWORKS=["10.0.0.0/8", "fd00::/8"])
def test_a_scraper_in_an_allowed_network_needs_no_token(client):
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "fd00::7"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "192.0.2.10"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 403
    # Behind a Unix socket there is no address to judge.
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": ""}).status_code == 403


@pytest.mark.app_config(METRICS_ON)
def test_each_request_is_counted_under_its_endpoint_and_status(client):
    UserFactory(username="ada")
    before = scrape(client)

    client.get("/")
    client.get("/")
    client.get("/user/ada")
    client.get("/user/nobody-by-that-name")

    after = scrape(client)
    duration = "flasky_http_request_duration_seconds_count"
    assert change(before, after, duration, endpoint="main.index", status="200") == 2
    assert change(before, after, duration, endpoint="main.user", status="200") == 1
    assert change(before, after, duration, endpoint="main.user", status="404") == 1
    bucket = "flasky_http_request_duration_seconds_bucket"
    assert change(before, after, bucket, endpoint="main.index", status="200", le="+Inf") == 2
    assert change(before, after, "flasky_http_request_duration_seconds_sum", endpoint="main.index", status="200") > 0


@pytest.mark.app_config(METRICS_ON)
def test_a_path_no_route_matches_is_counted_without_its_path(client):
    before = scrape(client)

    client.get("/no/such/page/4711")

    after = scrape(client)
    assert change(before, after, "flasky_http_request_duration_seconds_count", endpoint="(none)", status="404") == 1
    assert not any("4711" in label for _name, labels in after for _key, label in labels)


@pytest.mark.app_config(METRICS_ON)
def test_the_statements_a_request_ran_and_their_time_are_observed(client, lookup_page):
    UserFactory(username="ada")
    before = scrape(client)

    response = client.get("/lookup/ada")

    after = scrape(client)
    assert response.status_code == 200
    assert "X-DB-Queries" not in response.headers, "the profiling headers stay off"
    statements = "flasky_http_request_db_statements"
    assert change(before, after, f"{statements}_count", endpoint="lookup") == 1
    assert change(before, after, f"{statements}_sum", endpoint="lookup") == 1
    assert change(before, after, f"{statements}_bucket", endpoint="lookup", le="0.0") == 0
    assert change(before, after, f"{statements}_bucket", endpoint="lookup", le="1.0") == 1
    database_time = "flasky_http_request_db_duration_seconds"
    assert change(before, after, f"{database_time}_count", endpoint="lookup") == 1
    assert change(before, after, f"{database_time}_sum", endpoint="lookup") > 0


@pytest.mark.app_config(rate_limited("1 per minute"), **METRICS_ON)
def test_a_request_refused_by_a_rate_limit_is_counted(client):
    before = scrape(client)

    first = client.post("/auth/login", data={"email": "john@example.com", "password": "wrong"})
    second = client.post("/auth/login", data={"email": "john@example.com", "password": "wrong"})

    after = scrape(client)
    assert (first.status_code, second.status_code) == (200, 429)
    assert change(before, after, "flasky_rate_limit_refusals_total", endpoint="auth.login") == 1
    assert change(before, after, "flasky_http_request_duration_seconds_count", endpoint="auth.login", status="429") == 1
    # Refused before its view, it ran no statement; the first one looked the address up.
    assert change(before, after, "flasky_http_request_db_statements_bucket", endpoint="auth.login", le="0.0") == 1
    assert change(before, after, "flasky_http_request_db_statements_count", endpoint="auth.login") == 2


@pytest.mark.app_config(METRICS_ON)
def test_a_wrong_password_counts_as_a_login_failure_and_a_right_one_does_not(client, auth):
    UserFactory(email="john@example.com")
    before = scrape(client)

    auth.login(password="not-cat")
    auth.login(email="nobody@example.com")
    auth.login()

    after = scrape(client)
    assert change(before, after, "flasky_login_failures_total") == 2


@pytest.mark.app_config(METRICS_ON)
def test_active_users_are_those_seen_in_the_last_15_minutes(client):
    UserFactory(last_seen=utcnow() - timedelta(minutes=2))
    UserFactory(last_seen=utcnow() - timedelta(minutes=14))
    UserFactory(last_seen=utcnow() - timedelta(minutes=16))

    assert value(scrape(client), "flasky_active_users") == 2


def test_when_the_database_does_not_answer_the_scrape_still_answers_without_active_users(caplog):
    unreachable = {**METRICS_ON, "SQLALCHEMY_DATABASE_URI": "sqlite:////no-such-folder/flasky.sqlite"}
    with running_app(overrides=unreachable) as app:
        samples = scrape(app.test_client())

    assert ("flasky_active_users", frozenset()) not in samples
    assert ("flasky_login_failures_total", frozenset()) in samples
    assert "the database did not answer" in caplog.text


@pytest.mark.app_config(METRICS_ON)
def test_without_redis_the_scrape_has_no_task_queue_figures(client):
    assert not any(name.startswith("flasky_task_queue") for name, _labels in scrape(client))


def a_job_that_fails() -> None:
    """A job for the queue that no attempt gets through."""
    raise RuntimeError("this job always fails")


def a_job_that_waits() -> None:
    """A job for the queue that no worker takes in the test."""


@pytest.mark.app_config(METRICS_ON)
def test_the_task_queue_depth_and_its_failed_jobs_are_read_at_scrape_time(client, task_queue):
    task_queue.enqueue(a_job_that_fails)
    SimpleWorker([task_queue], connection=task_queue.connection).work(burst=True)
    task_queue.enqueue(a_job_that_waits)
    task_queue.enqueue(a_job_that_waits)

    samples = scrape(client)

    assert value(samples, "flasky_task_queue_jobs", queue="flasky", state="queued") == 2
    assert value(samples, "flasky_task_queue_jobs", queue="flasky", state="failed") == 1
    assert value(samples, "flasky_task_queue_jobs", queue="flasky", state="scheduled") == 0
    assert value(samples, "flasky_task_queue_up") == 1


@pytest.mark.app_config(METRICS_ON)
def test_when_redis_does_not_answer_the_scrape_says_so_and_still_answers(app, client, caplog):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL

    samples = scrape(client)

    assert value(samples, "flasky_task_queue_up") == 0
    assert not any(name == "flasky_task_queue_jobs" for name, _labels in samples)
    assert "Redis did not answer" in caplog.text


# Under gunicorn: several workers, one set of figures.


def test_gunicorn_settings_give_metrics_a_folder_of_their_own_and_remove_it_at_exit(monkeypatch):
    monkeypatch.setenv("FLASKY_METRICS", "on")
    # Set, then removed: monkeypatch records a variable only when it exists, and the folder gunicorn.conf.py names
    # in it must not outlive this test (a later test would read a folder that is gone).
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")
    monkeypatch.delenv("PROMETHEUS_MULTIPROC_DIR")

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))

    directory = Path(settings["os"].environ["PROMETHEUS_MULTIPROC_DIR"])
    assert directory.is_dir()
    assert list(directory.iterdir()) == []
    settings["on_exit"](None)
    assert not directory.exists()


def test_gunicorn_settings_leave_a_folder_the_operator_chose(monkeypatch, tmp_path):
    monkeypatch.setenv("FLASKY_METRICS", "on")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    settings["on_exit"](None)

    assert settings["os"].environ["PROMETHEUS_MULTIPROC_DIR"] == str(tmp_path)
    assert tmp_path.is_dir()


def counted_in_a_process(directory: Path, amount: int, live_gauge: bool = False) -> int:
    """Count ``amount`` in a process of its own in multiprocess mode, as a gunicorn worker does; return its pid."""
    code = (
        "import os; from prometheus_client import Counter, Gauge; "
        f"Counter('flasky_test_things', 'Things.').inc({amount}); "
        f"{live_gauge} and Gauge('flasky_test_live', 'Live.', multiprocess_mode='livesum').set(1); "
        "print(os.getpid())"
    )
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    finished = subprocess.run([sys.executable, "-c", code], env=environment, capture_output=True, text=True, check=True)
    return int(finished.stdout)


def total_in(directory: Path) -> float:
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(directory))
    return registry.get_sample_value("flasky_test_things_total")


def files_in(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.glob("*.db"))


@pytest.mark.app_config(METRICS_ON)
def test_in_multiprocess_mode_a_scrape_adds_up_every_process(client, monkeypatch, tmp_path):
    counted_in_a_process(tmp_path, 3)
    counted_in_a_process(tmp_path, 4)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))

    assert value(scrape(client), "flasky_test_things_total") == 7


def test_a_dead_workers_counts_fold_into_the_archive_and_the_totals_stay(tmp_path):
    first, second = counted_in_a_process(tmp_path, 3), counted_in_a_process(tmp_path, 4)

    fold_dead_worker(str(tmp_path), first)
    assert total_in(tmp_path) == 7
    assert files_in(tmp_path) == sorted(["counter_archive.db", f"counter_{second}.db"])

    fold_dead_worker(str(tmp_path), second)
    assert total_in(tmp_path) == 7
    assert files_in(tmp_path) == ["counter_archive.db"]


def test_gunicorn_forgets_the_live_gauges_of_a_worker_that_exited_and_keeps_its_counts(monkeypatch, tmp_path):
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    settings = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    dead_worker = counted_in_a_process(tmp_path, 5, live_gauge=True)
    assert files_in(tmp_path) == sorted([f"counter_{dead_worker}.db", f"gauge_livesum_{dead_worker}.db"])

    settings["child_exit"](None, SimpleNamespace(pid=dead_worker))

    assert files_in(tmp_path) == ["counter_archive.db"]
    assert total_in(tmp_path) == 5


def worker_pids(directory: Path) -> set[str]:
    """The processes that have observed a request: each writes its own histogram file."""
    return {path.stem.rsplit("_", 1)[1] for path in directory.glob("histogram_*.db")}


def metrics_server(tmp_path: Path, figures: Path, **settings: str) -> Gunicorn:
    """Gunicorn with two workers and metrics on, counting into ``figures``, on a fresh SQLite database."""
    environment = production_environment(
        f"sqlite:///{tmp_path / 'flasky.sqlite'}",
        WEB_CONCURRENCY="2",
        FLASKY_METRICS="on",
        FLASKY_METRICS_TOKEN=TOKEN,
        PROMETHEUS_MULTIPROC_DIR=str(figures),
        **settings,
    )
    run_flask(environment, "deploy")
    return Gunicorn(environment, tmp_path)


def home_pages(server: Gunicorn, pool: ThreadPoolExecutor, count: int) -> int:
    """Ask for the home page ``count`` times, 8 at once, so that one worker is busy while the other accepts."""
    statuses = list(pool.map(lambda _: requests.get(f"{server.url}/", timeout=10).status_code, range(count)))
    assert statuses == [200] * count
    return count


def home_page_counts(server: Gunicorn, scrapes: int = 6) -> list[float]:
    """The home page's request count in each of several scrapes, whichever worker answers each."""
    counts = []
    for _scrape in range(scrapes):
        samples = parse(requests.get(f"{server.url}/metrics", headers=BEARER, timeout=10).text)
        counts.append(value(samples, "flasky_http_request_duration_seconds_count", endpoint="main.index", status="200"))
    return counts


def test_gunicorn_with_two_workers_reports_the_requests_of_both_on_every_scrape(tmp_path):
    figures = tmp_path / "metrics"
    figures.mkdir()
    server = metrics_server(tmp_path, figures)
    sent = 0
    try:
        server.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            while len(worker_pids(figures)) < 2 and sent < 2000:
                sent += home_pages(server, pool, 40)
        assert len(worker_pids(figures)) == 2, "one worker served every request"
        counts = home_page_counts(server)
    finally:
        server.stop()
    assert counts == [sent] * len(counts)


def test_workers_gunicorn_replaces_leave_their_counts_and_no_files_behind(tmp_path):
    figures = tmp_path / "metrics"
    figures.mkdir()
    server = metrics_server(tmp_path, figures, GUNICORN_MAX_REQUESTS="20", GUNICORN_MAX_REQUESTS_JITTER="0")
    try:
        server.start()
        with ThreadPoolExecutor(max_workers=8) as pool:
            sent = home_pages(server, pool, 60)
        counts = home_page_counts(server)
        worker_files = [path.name for path in figures.glob("histogram_*.db") if path.stem != "histogram_archive"]
    finally:
        server.stop()
    assert "Autorestarting worker after current request" in server.stderr()
    assert counts == [sent] * len(counts)
    assert len(worker_files) <= 2, f"files of replaced workers are left: {worker_files}"
    assert (figures / "histogram_archive.db").exists()
