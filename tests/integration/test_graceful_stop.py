"""Restarting or stopping gunicorn under load loses no request: SIGHUP replaces workers, SIGTERM drains first.

Clients act as a load balancer would: they send requests while ``/readyz`` answers 200 and stop once it answers 503.
Every request sent gets its answer, and every post answered 201 is in the database.
"""

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, select

from app.models import Post
from tests.apps import running_app
from tests.appserver import ROOT, Gunicorn, production_environment, run_flask
from tests.factories import UserFactory
from tests.integration.api.conftest import basic_auth

CLIENTS = 6
# Shorter than gunicorn.conf.py's default, to keep the test fast; long enough for the balancer's polls to notice.
DRAIN_SECONDS = 2


class Balancer:
    """Whether an instance should get requests, as a load balancer learns it by polling ``/readyz``."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.ready = threading.Event()
        self.ready.set()
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self.poll, daemon=True)

    def poll(self) -> None:
        while not self.stopped.is_set():
            try:
                if requests.get(f"{self.url}/readyz", timeout=5).status_code != 200:
                    self.ready.clear()
            except requests.RequestException:
                self.ready.clear()
            time.sleep(0.1)


def send_until_drained(balancer: Balancer, headers: dict[str, str], client: int) -> list[tuple[str, int | str]]:
    """Read the home page and post, while the balancer says the instance is ready; what each request got."""
    answers: list[tuple[str, int | str]] = []
    number = 0
    while balancer.ready.is_set() and not balancer.stopped.is_set():
        body = f"client {client} post {number}"
        try:
            page = requests.get(f"{balancer.url}/", timeout=30)
            answers.append(("GET /", page.status_code))
            posted = requests.post(f"{balancer.url}/api/v1/posts/", json={"body": body}, headers=headers, timeout=30)
            answers.append((body, posted.status_code))
        except requests.RequestException as error:
            answers.append((body, error.__class__.__name__))
        number += 1
    return answers


def settings(database: str) -> dict[str, str]:
    return production_environment(
        database, GUNICORN_DRAIN_SECONDS=str(DRAIN_SECONDS), FLASKY_PASSWORD_HASH_METHOD="pbkdf2:sha256:1"
    )


@pytest.fixture(scope="module")
def migrated_database(tmp_path_factory) -> Path:
    """A SQLite file migrated by ``flask deploy``, with a confirmed user: each test serves a copy of it."""
    path = tmp_path_factory.mktemp("graceful") / "migrated.sqlite"
    run_flask(settings(f"sqlite:///{path}"), "deploy")
    with running_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"}):
        UserFactory(email="writer@example.com")
    return path


@pytest.fixture
def instance(migrated_database, tmp_path):
    """gunicorn with two workers on a copy of the migrated database, and a token of its user."""
    database = f"sqlite:///{shutil.copy(migrated_database, tmp_path / 'graceful.sqlite')}"
    server = Gunicorn(settings(database), tmp_path).start()
    token = requests.post(f"{server.url}/api/v1/tokens/", headers=basic_auth("writer@example.com", "cat"), timeout=10)
    yield server, basic_auth(token.json()["token"]), database
    server.stop()


def stored_bodies(database: str) -> set[str]:
    engine = create_engine(database)
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(Post.body)))
    finally:
        engine.dispose()


def under_load(server: Gunicorn, headers: dict[str, str], during) -> tuple[Balancer, list[tuple[str, int | str]]]:
    """Run the clients against ``server``, call ``during(balancer)`` a second in, and collect every answer."""
    balancer = Balancer(server.url)
    balancer.thread.start()
    with ThreadPoolExecutor(CLIENTS) as pool:
        clients = [pool.submit(send_until_drained, balancer, headers, client) for client in range(CLIENTS)]
        time.sleep(1)
        during(balancer)
        answers = [answer for client in clients for answer in client.result()]
    balancer.stopped.set()
    return balancer, answers


def assert_nothing_lost(answers: list[tuple[str, int | str]], database: str) -> None:
    failures = [answer for answer in answers if answer[1] not in (200, 201)]
    assert failures == []
    written = {request for request, status in answers if status == 201}
    assert written
    assert written <= stored_bodies(database)


def test_a_restart_under_load_loses_no_request(instance):
    server, headers, database = instance

    def restart(balancer: Balancer) -> None:
        server.process.send_signal(signal.SIGHUP)
        time.sleep(3)
        balancer.stopped.set()

    _balancer, answers = under_load(server, headers, restart)

    assert_nothing_lost(answers, database)


def test_a_stop_under_load_drains_first_and_loses_no_request(instance):
    server, headers, database = instance
    timings: dict[str, float] = {}

    def stop(balancer: Balancer) -> None:
        timings["signalled"] = time.monotonic()
        server.process.send_signal(signal.SIGTERM)
        assert wait_for(lambda: not balancer.ready.is_set(), 5)
        timings["unready"] = time.monotonic()
        # A request that was already on its way when the balancer learnt it is still served.
        assert requests.get(f"{server.url}/", timeout=10).status_code == 200
        server.process.wait(timeout=DRAIN_SECONDS + 30)
        timings["exited"] = time.monotonic()

    _balancer, answers = under_load(server, headers, stop)

    assert server.process.returncode == 0
    assert timings["unready"] - timings["signalled"] < 1
    assert timings["exited"] - timings["signalled"] >= DRAIN_SECONDS
    assert_nothing_lost(answers, database)


def test_by_default_gunicorn_drains_for_seconds_that_fit_in_its_graceful_timeout():
    environment = {name: value for name, value in os.environ.items() if not name.startswith("GUNICORN_")}
    read = "import runpy; c = runpy.run_path('gunicorn.conf.py'); print(c['DRAIN_SECONDS'], c['graceful_timeout'])"

    printed = subprocess.run(
        [sys.executable, "-c", read], cwd=ROOT, env=environment, capture_output=True, text=True, check=True
    )

    drain, graceful_timeout = (float(value) for value in printed.stdout.split())
    assert DRAIN_SECONDS <= drain < graceful_timeout


def wait_for(condition, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True
