"""Scale-out: two gunicorn instances sharing one PostgreSQL and one Redis behave as one site.

The database is a fresh PostgreSQL database next to the test database (``<name>_scale_out_<pid>``), migrated by
``flask deploy`` as a release would; Redis is the test Redis database. Mail queued by either instance is
delivered by a separate ``flask worker`` process to a real SMTP server.
"""

import os
import re
from urllib.parse import urlsplit

import pytest
from rq import Queue
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError

from app.tasks import QUEUE_NAME, redis_connection
from tests.appserver import Browser, Gunicorn, production_environment, run_flask
from tests.mailserver import MailServer, links
from tests.services import unavailable
from tests.taskqueue import empty_test_redis

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test_deploy"


def postgres_server_url() -> URL:
    """TEST_DATABASE_URL when it is PostgreSQL, else the deploy helper's database on the local server."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    return make_url(url if url.startswith("postgres") else DEFAULT_POSTGRES_URL).set(drivername="postgresql+psycopg")


@pytest.fixture
def shared_database():
    """A new, empty PostgreSQL database for both instances, dropped afterwards."""
    server = postgres_server_url()
    # The process id keeps two suites run at once on one server (several checkouts, say) from sharing it.
    name = f"{server.database}_scale_out_{os.getpid()}"
    engine = create_engine(server.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:
        engine.dispose()
        unavailable("PostgreSQL", f"{server.render_as_string()} did not answer ({error.orig.__class__.__name__})")
    yield server.set(database=name).render_as_string(hide_password=False)
    with engine.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def instances(shared_database, mail_server, tmp_path):
    """A release, then two gunicorn instances with two workers each, the same secret, database and Redis."""
    environment = production_environment(
        shared_database,
        empty_test_redis(),
        MAIL_SERVER=mail_server.host,
        MAIL_PORT=str(mail_server.port),
        WEB_CONCURRENCY="2",
    )
    run_flask(environment, "deploy")
    servers = [Gunicorn(environment, tmp_path), Gunicorn(environment, tmp_path)]
    try:
        for server in servers:
            server.start()
        yield environment, servers
    finally:
        for server in servers:
            server.stop()
        empty_test_redis()


def queued_jobs(app, redis_url: str) -> int:
    app.config["REDIS_URL"] = redis_url
    return Queue(QUEUE_NAME, connection=redis_connection()).count


def test_two_instances_share_sessions_posts_and_the_mail_queue(app, instances, mail_server):
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
    assert queued_jobs(app, environment["REDIS_URL"]) == 1
    assert mail_server.messages == []

    run_flask(environment, "worker", "--burst", timeout=60)
    confirmation = mail_server.latest_to("susan@example.com")
    assert queued_jobs(app, environment["REDIS_URL"]) == 0

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
