"""Scale-out: two gunicorn instances sharing one PostgreSQL and one Redis behave as one site.

The database is a fresh PostgreSQL database next to the test database (``<name>_scale_out_<pid>``), migrated by
``flask deploy`` as a release would; Redis is the test Redis database. Mail queued by either instance is
delivered by a separate ``flask worker`` process to a real SMTP server, and the rate limiter's counters, kept in
the same Redis, count requests to both instances together.
"""

import re
from urllib.parse import urlsplit

import pytest
from redis import Redis
from rq import Queue

from app.tasks import QUEUE_NAME
from tests.appserver import Browser, Gunicorn, production_environment, run_flask
from tests.integration.empty_databases import postgres_server_url, throwaway_postgres_database
from tests.mailserver import MailServer, links
from tests.taskqueue import empty_test_redis

# Small, so that attempts spread over both instances pass it quickly.
AUTH_RATE_LIMIT = 3

pytestmark = pytest.mark.postgres


@pytest.fixture(scope="module")
def shared_database():
    """A new, empty PostgreSQL database for both instances, dropped afterwards."""
    with throwaway_postgres_database(postgres_server_url(), "scale_out") as url:
        yield url


@pytest.fixture(scope="module")
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def instances(shared_database, mail_server, tmp_path_factory):
    """A release, then two gunicorn instances with two workers each, the same secret, database and Redis."""
    environment = production_environment(
        shared_database,
        empty_test_redis(),
        MAIL_SERVER=mail_server.host,
        MAIL_PORT=str(mail_server.port),
        WEB_CONCURRENCY="2",
        FLASKY_AUTH_RATE_LIMIT=f"{AUTH_RATE_LIMIT} per minute",
    )
    run_flask(environment, "deploy")
    logs = tmp_path_factory.mktemp("gunicorn")
    servers = [Gunicorn(environment, logs), Gunicorn(environment, logs)]
    try:
        for server in servers:
            server.start()
        yield environment, servers
    finally:
        for server in servers:
            server.stop()
        empty_test_redis()


def queued_jobs(redis_url: str) -> int:
    """Jobs waiting in the task queue."""
    connection = Redis.from_url(redis_url)
    try:
        return Queue(QUEUE_NAME, connection=connection).count
    finally:
        connection.close()


def test_two_instances_share_sessions_posts_and_the_mail_queue(instances, mail_server):
    environment, (first, second) = instances
    browser = Browser()

    registered = browser.post(
        f"{first.url}/auth/register",
        {
            "email": "susan@example.com",
            "username": "susan",
            "password": "a long password",
            "password2": "a long password",
        },
    )
    assert "A confirmation email has been sent to you by email." in registered.text
    assert queued_jobs(environment["REDIS_URL"]) == 1
    assert mail_server.to("susan@example.com") == []

    run_flask(environment, "worker", "--burst", timeout=60)
    confirmation = mail_server.latest_to("susan@example.com")
    assert queued_jobs(environment["REDIS_URL"]) == 0

    # The session made on the first instance is a login on the second, which confirms the account.
    confirm_path = urlsplit(links(confirmation)[0]).path
    confirmed = browser.get(f"{second.url}{confirm_path}")
    assert "You have confirmed your account" in confirmed.text
    assert re.search(r">\s*susan\s*<", confirmed.text)

    # A post written on the second instance is read on the first.
    browser.post(f"{second.url}/", {"body": "Written on one instance, read on the other."})
    home = browser.get(f"{first.url}/")
    assert "Written on one instance, read on the other." in home.text
    assert re.search(r">\s*susan\s*<", home.text)


def test_the_login_rate_limit_counts_attempts_on_both_instances_together(instances):
    _, (first, second) = instances
    browser = Browser()
    attempts = [
        browser.post(f"{server.url}/auth/login", {"email": "mallory@example.com", "password": "guess"})
        for server in [first, second] * AUTH_RATE_LIMIT
    ]
    statuses = [response.status_code for response in attempts]
    assert statuses[:AUTH_RATE_LIMIT] == [200] * AUTH_RATE_LIMIT
    assert "Invalid email or password." in attempts[0].text
    assert statuses[AUTH_RATE_LIMIT:] == [429] * AUTH_RATE_LIMIT
