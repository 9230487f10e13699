"""Soak (marked ``soak``, about 45 s): writers in threads against gunicorn with four workers, for a bounded time.

Every response must be below 500 and every post and comment written must be readable afterwards. The database
is a new PostgreSQL database next to the test database (``<name>_soak_<pid>``), migrated by ``flask deploy``.
``FLASKY_SOAK_SECONDS`` sets the length (default 30).
"""

import os
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy.engine import make_url

from app.extensions import db
from tests.apps import make_app
from tests.appserver import Browser, Gunicorn, production_environment, run_flask
from tests.factories import PostFactory, UserFactory
from tests.integration.api.conftest import basic_auth
from tests.integration.empty_databases import postgres_server_url, throwaway_postgres_database

pytestmark = [
    pytest.mark.soak,
    pytest.mark.postgres,
]

WRITERS = 6
SOAK_SECONDS = float(os.environ.get("FLASKY_SOAK_SECONDS", 30))


@pytest.fixture
def soak_database():
    """A new, empty PostgreSQL database, dropped afterwards."""
    with throwaway_postgres_database(postgres_server_url(), "soak") as url:
        yield url


def seed(database_url: str) -> int:
    """Make the writers' accounts and the post they all comment on; returns the post's id."""
    seeder = make_app("testing", {"SQLALCHEMY_DATABASE_URI": database_url})
    with seeder.app_context():
        writers = [UserFactory(email=f"soak{n}@example.com", username=f"soak{n}") for n in range(WRITERS)]
        post_id = PostFactory(author=writers[0], body="Comment here").id
        db.engine.dispose()
    return post_id


def write_until(url: str, writer: int, post_id: int, deadline: float) -> tuple[Counter, list[str], list[str]]:
    """Log in, then post, comment and read a profile until ``deadline``; the statuses seen and what was written."""
    browser = Browser()
    login = browser.post(f"{url}/auth/login", {"email": f"soak{writer}@example.com", "password": "cat"})
    statuses = Counter([login.status_code])
    posts, comments = [], []
    round_ = 0
    while time.monotonic() < deadline:
        post, comment = f"soak post {writer}-{round_}", f"soak comment {writer}-{round_}"
        published = browser.post(f"{url}/", {"body": post})
        commented = browser.post(f"{url}/post/{post_id}", {"body": comment})
        profile = browser.get(f"{url}/user/soak{writer}")
        statuses.update(response.status_code for response in (published, commented, profile))
        if published.status_code == 200:
            posts.append(post)
        if commented.status_code == 200:
            comments.append(comment)
        round_ += 1
    return statuses, posts, comments


def read_all(url: str, path: str, key: str, headers: dict[str, str]) -> set[str]:
    """Every body in a paged API list, following ``next`` to the end."""
    bodies: set[str] = set()
    next_page = f"{path}?per_page=100"
    while next_page:
        page = requests.get(f"{url}{next_page}", headers=headers, timeout=30).json()
        bodies.update(item["body"] for item in page[key])
        next_page = page["next"]
    return bodies


def test_a_soak_of_writers_gets_no_server_error_and_loses_no_write(soak_database, tmp_path):
    environment = production_environment(
        soak_database,
        WEB_CONCURRENCY="4",
        FLASKY_AUTH_RATE_LIMIT="10000 per minute",
        # What is soaked is the site, not the password hash: a cheap one keeps logins from dominating.
        FLASKY_PASSWORD_HASH_METHOD="pbkdf2:sha256:1",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT="9",
    )
    run_flask(environment, "deploy")
    post_id = seed(make_url(soak_database).set(drivername="postgresql+psycopg").render_as_string(False))
    server = Gunicorn(environment, tmp_path).start()
    try:
        deadline = time.monotonic() + SOAK_SECONDS
        with ThreadPoolExecutor(max_workers=WRITERS) as pool:
            results = list(pool.map(lambda writer: write_until(server.url, writer, post_id, deadline), range(WRITERS)))
        credentials = basic_auth("soak0@example.com", "cat")
        token = requests.post(f"{server.url}/api/v1/tokens/", headers=credentials, timeout=30)
        headers = basic_auth(token.json()["token"])
        stored_posts = read_all(server.url, "/api/v1/posts/", "posts", headers)
        stored_comments = read_all(server.url, f"/api/v1/posts/{post_id}/comments/", "comments", headers)
    finally:
        server.stop()

    statuses = sum((result[0] for result in results), Counter())
    written_posts = {post for result in results for post in result[1]}
    written_comments = {comment for result in results for comment in result[2]}
    assert {status for status in statuses if status >= 500} == set(), server.stderr()[-5000:]
    assert set(statuses) == {200}
    assert len(written_posts) >= WRITERS
    assert written_posts <= stored_posts
    assert written_comments == stored_comments
    print(
        f"soak: {sum(statuses.values())} responses in {SOAK_SECONDS:.0f} s, {len(written_posts)} posts, "
        f"{len(written_comments)} comments, statuses {dict(statuses)}"
    )
