"""The database failing mid-request: a clean 503 with Retry-After (JSON for the API), the transaction rolled back, then
recovery. tests/integration/test_outages_postgres.py takes PostgreSQL away for real."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta

import psycopg
import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import OperationalError

from app.models import Comment, Post, User
from app.timestamps import utcnow
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.integration.api.conftest import token_auth
from tests.login import log_in_as

HTML = {"Accept": "text/html"}


@contextmanager
def failing_once(engine, statement_starts: str, fault: Callable) -> Iterator[list[str]]:
    """Run ``fault`` on the first statement that starts with ``statement_starts``; yields the statements seen."""
    seen: list[str] = []

    def before_cursor_execute(conn, cursor, statement, parameters, context, executemany):
        first = not any(earlier.startswith(statement_starts) for earlier in seen)
        seen.append(statement)
        if first and statement.startswith(statement_starts):
            fault(cursor)

    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)


def refuse(cursor) -> None:
    """What a database that refuses or drops the connection looks like to SQLAlchemy."""
    raise OperationalError("SELECT 1", {}, ConnectionResetError("server closed the connection unexpectedly"))


@pytest.fixture
def quiet_errors(app):
    app.config["PROPAGATE_EXCEPTIONS"] = False


def test_a_dropped_connection_gets_a_plain_503_page_and_the_next_request_succeeds(app, client, db, quiet_errors):
    url = f"/post/{PostFactory(body='still here').id}"

    with failing_once(db.engine, "SELECT", refuse):
        failed = client.get(url, headers=HTML)
    recovered = client.get(url, headers=HTML)

    assert failed.status_code == 503
    assert int(failed.headers["Retry-After"]) > 0
    assert "The database is unavailable. Try again in a moment." in failed.text
    assert "Traceback" not in failed.text
    assert recovered.status_code == 200
    assert "still here" in recovered.text


def test_the_api_gets_a_json_503_and_then_recovers(client, db, quiet_errors):
    user = UserFactory()
    headers = token_auth(user)

    with failing_once(db.engine, "SELECT", refuse):
        failed = client.get("/api/v1/posts/", headers=headers)
    recovered = client.get("/api/v1/posts/", headers=headers)

    assert failed.status_code == 503
    assert failed.json["error"] == "service unavailable"
    assert int(failed.headers["Retry-After"]) > 0
    assert recovered.status_code == 200


def test_a_write_failing_half_way_is_rolled_back_whole(client, db, quiet_errors):
    user = UserFactory()
    post = PostFactory(author=user)
    CommentFactory.create_batch(2, post=post)
    headers = token_auth(user)
    url = f"/api/v1/posts/{post.id}"

    # Deleting a post deletes its comments first, then the post: the second statement fails.
    with failing_once(db.engine, "DELETE FROM posts", refuse) as statements:
        failed = client.delete(url, headers=headers)

    assert failed.status_code == 503
    assert failed.json["message"].startswith("Not saved")
    assert any(statement.startswith("DELETE FROM comments") for statement in statements)
    db.session.expire_all()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 2
    assert client.delete(url, headers=headers).status_code == 204
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_a_form_post_failing_keeps_nothing_and_can_be_sent_again(client, db, quiet_errors):
    log_in_as(client, UserFactory())

    with failing_once(db.engine, "INSERT INTO posts", refuse):
        failed = client.post("/", data={"body": "try again", "submit": "Submit"}, headers=HTML)
    again = client.post("/", data={"body": "try again", "submit": "Submit"})

    assert failed.status_code == 503
    assert "Not saved: the database is unavailable." in failed.text
    assert again.status_code == 302
    assert db.session.scalars(select(Post.body)).all() == ["try again"]


def test_a_write_failing_after_the_last_seen_time_was_saved_still_answers_not_saved(client, db, quiet_errors):
    user = UserFactory(last_seen=utcnow() - timedelta(hours=1))
    log_in_as(client, user)

    with failing_once(db.engine, "INSERT INTO posts", refuse):
        failed = client.post("/", data={"body": "try again", "submit": "Submit"}, headers=HTML)

    assert failed.status_code == 503
    assert "Not saved: the database is unavailable." in failed.text
    db.session.expire_all()
    assert utcnow() - db.session.get(User, user.id).last_seen < timedelta(minutes=1)
    assert db.session.scalars(select(Post.body)).all() == []


def admin_connection(db) -> psycopg.Connection:
    return psycopg.connect(db.engine.url.set(drivername="postgresql").render_as_string(False), autocommit=True)


@pytest.mark.postgres
def test_connections_terminated_between_requests_are_replaced_unnoticed(client, db):
    url = f"/post/{PostFactory(body='still here').id}"
    assert client.get(url).status_code == 200
    db.session.close()

    with admin_connection(db) as admin:
        terminated = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]

    assert terminated >= 1
    assert client.get(url).status_code == 200


@pytest.mark.postgres
def test_a_connection_terminated_mid_request_gets_a_503_and_the_next_request_succeeds(client, db, quiet_errors):
    url = f"/post/{PostFactory(body='still here').id}"
    db.session.close()

    def terminate_this_connection(cursor) -> None:
        with admin_connection(db) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (cursor.connection.info.backend_pid,))

    with failing_once(db.engine, "SELECT", terminate_this_connection):
        failed = client.get(url, headers=HTML)
    recovered = client.get(url, headers=HTML)

    assert failed.status_code == 503
    assert "The database is unavailable." in failed.text
    assert "Traceback" not in failed.text
    assert recovered.status_code == 200
