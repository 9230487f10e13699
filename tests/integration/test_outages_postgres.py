"""PostgreSQL taken away for real, through a TCP proxy the test cuts and restores (the shared server is untouched).

While it is away every page and API answers 503 with ``Retry-After`` in its own shape, never a 500, and the probes say
so; once it is back everything recovers by itself. Writes in flight are kept exactly when they answered success.
"""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import create_engine, select
from sqlalchemy.engine import make_url

from app.errors import IN_DOUBT, SAVED, UNSAVED
from app.models import Post
from tests.appserver import serve_in_thread
from tests.factories import PostFactory, UserFactory
from tests.integration.api.conftest import basic_auth
from tests.integration.empty_databases import postgres_server_url
from tests.login import log_in_as
from tests.outages import TcpProxy, forget_outages

pytestmark = pytest.mark.postgres

HTML = {"Accept": "text/html"}
WRITERS = 4
WRITING_SECONDS = 4.0


@pytest.fixture
def proxy():
    server = make_url(postgres_server_url())
    forget_outages()
    proxy = TcpProxy(server.host or "127.0.0.1", server.port or 5432).start()
    yield proxy
    proxy.stop()
    forget_outages()


@pytest.fixture
def app_config(app_config, proxy):
    """The test database, reached through the proxy; connections retried briefly, commits settled quickly."""
    url = make_url(postgres_server_url()).set(drivername="postgresql+psycopg", host="127.0.0.1", port=proxy.port)
    return {
        "SQLALCHEMY_DATABASE_URI": url.render_as_string(hide_password=False),
        "FLASKY_DB_CONNECT_ATTEMPTS": 2,
        "FLASKY_DB_SETTLE_SECONDS": 3,
        **app_config,
    }


def token_for(client, email: str) -> dict[str, str]:
    """Token credentials from ``POST /api/v1/tokens/``, as an API client gets them."""
    response = client.post("/api/v1/tokens/", headers=basic_auth(email, "cat"))
    assert response.status_code == 200, response.text
    return basic_auth(response.get_json()["token"])


def stored_bodies() -> set[str]:
    """Every post body in the database, read on a connection of its own, past the proxy."""
    engine = create_engine(make_url(postgres_server_url()).set(drivername="postgresql+psycopg"))
    try:
        with engine.connect() as connection:
            return set(connection.scalars(select(Post.body)))
    finally:
        engine.dispose()


def test_while_postgresql_is_away_every_interface_answers_503_with_retry_after(client, db, proxy):
    UserFactory(email="john@example.com")
    headers = token_for(client, "john@example.com")

    with proxy.cut_off():
        page = client.get("/", headers=HTML)
        api = client.get("/api/v1/posts/", headers=headers)
        write = client.post("/api/v1/posts/", json={"body": "lost?"}, headers=headers)
        conduit = client.get("/api/articles")
        health, ready = client.get("/healthz"), client.get("/readyz")

    for response in (page, api, write, conduit):
        assert response.status_code == 503
        assert int(response.headers["Retry-After"]) > 0
        assert "Traceback" not in response.text
    assert "The database is unavailable. Try again in a moment." in page.text
    assert "Log In" not in page.text
    assert api.get_json()["error"] == "service unavailable"
    assert write.get_json()["message"] == UNSAVED
    assert conduit.get_json() == {"errors": {"request": ["service unavailable"]}}
    assert health.status_code == 200
    assert ready.status_code == 503
    assert ready.get_json()["checks"]["database"] == "unreachable"


def test_a_signed_in_browser_still_finds_the_process_alive(client, db, proxy):
    log_in_as(client, UserFactory())

    with proxy.cut_off():
        health, ready = client.get("/healthz"), client.get("/readyz")

    assert health.status_code == 200
    assert ready.status_code == 503


def test_pages_recover_by_themselves_once_postgresql_is_back(client, db, proxy):
    url = f"/post/{PostFactory(body='still here').id}"

    with proxy.cut_off():
        assert client.get(url).status_code == 503

    recovered = client.get(url)
    assert recovered.status_code == 200
    assert "still here" in recovered.text


@pytest.mark.app_config(FLASKY_DB_CONNECT_ATTEMPTS=4)
def test_a_connection_refused_only_for_a_moment_is_retried_before_the_first_statement(client, db, proxy):
    url = f"/post/{PostFactory(body='still here').id}"
    # As between two requests in production: no transaction open, the connection back in the pool.
    db.session.close()
    proxy.cut()
    threading.Timer(0.15, proxy.restore).start()

    assert client.get(url).status_code == 200


def test_a_commit_whose_answer_is_lost_is_found_saved_and_answered_so(client, db, proxy):
    UserFactory(email="john@example.com")
    headers = token_for(client, "john@example.com")

    proxy.lose_answer_to_next_commit()
    response = client.post("/api/v1/posts/", json={"body": "saved all the same"}, headers=headers)

    assert response.status_code == 201, response.text
    assert stored_bodies() == {"saved all the same"}


def test_a_commit_lost_on_its_way_is_answered_not_saved(client, db, proxy):
    UserFactory(email="john@example.com")
    headers = token_for(client, "john@example.com")

    proxy.drop_next_commit()
    response = client.post("/api/v1/posts/", json={"body": "never saved"}, headers=headers)

    assert response.status_code == 503
    assert response.get_json()["message"] == UNSAVED
    assert stored_bodies() == set()


def test_a_commit_nobody_can_settle_answers_that_it_cannot_tell(app, client, db, proxy):
    app.config["FLASKY_DB_SETTLE_SECONDS"] = 0.5
    UserFactory(email="john@example.com")
    headers = token_for(client, "john@example.com")

    proxy.lose_answer_to_next_commit(then_cut=True)
    try:
        response = client.post("/api/v1/posts/", json={"body": "saved, unknown to the app"}, headers=headers)
    finally:
        proxy.restore()

    assert response.status_code == 503
    assert response.get_json()["message"] == IN_DOUBT
    assert stored_bodies() == {"saved, unknown to the app"}


def write_until(url: str, headers: dict[str, str], writer: int, deadline: float) -> list[tuple[str, int, str]]:
    """Post through the API until ``deadline``; each body with the status and message it was answered."""
    outcomes = []
    number = 0
    while time.monotonic() < deadline:
        body = f"writer {writer} post {number}"
        response = requests.post(f"{url}/api/v1/posts/", json={"body": body}, headers=headers, timeout=30)
        message = response.json().get("message", "") if response.status_code != 201 else ""
        outcomes.append((body, response.status_code, message))
        number += 1
    return outcomes


def test_writes_during_an_outage_are_kept_exactly_when_they_answered_success(app, client, db, proxy):
    users = [UserFactory(email=f"writer{n}@example.com") for n in range(WRITERS)]
    headers = [token_for(client, user.email) for user in users]

    with serve_in_thread(app) as server, ThreadPoolExecutor(WRITERS) as pool:
        deadline = time.monotonic() + WRITING_SECONDS
        writers = [pool.submit(write_until, server.url, headers[n], n, deadline) for n in range(WRITERS)]
        time.sleep(WRITING_SECONDS / 4)
        with proxy.cut_off():
            time.sleep(WRITING_SECONDS / 4)
        outcomes = [outcome for writer in writers for outcome in writer.result()]

    statuses = Counter(status for _body, status, _message in outcomes)
    stored = stored_bodies()
    assert set(statuses) == {201, 503}, statuses
    kept = {body for body, status, message in outcomes if status == 201 or message == SAVED}
    refused = {body for body, status, message in outcomes if status == 503 and message == UNSAVED}
    assert kept <= stored
    assert refused.isdisjoint(stored)
    assert stored <= {body for body, _status, _message in outcomes}
