"""``last_seen`` follows a logged-in user's activity, written at most once a minute."""

from datetime import timedelta

import pytest
from sqlalchemy import event

from app.extensions import db
from app.timestamps import utcnow
from tests.factories import UserFactory


@pytest.fixture
def user_updates(db):
    """The UPDATE statements on ``users`` sent to the database while the test runs."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("UPDATE USERS"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    yield statements
    event.remove(db.engine, "before_cursor_execute", record)


def test_a_request_after_a_quiet_spell_records_last_seen(client, auth):
    john = UserFactory(email="john@example.com")
    auth.login()
    john.last_seen = utcnow() - timedelta(hours=1)
    db.session.commit()
    before = utcnow()
    client.get("/")
    db.session.expire_all()
    assert john.last_seen >= before - timedelta(seconds=1)


def test_requests_within_a_minute_write_nothing(client, auth, user_updates):
    john = UserFactory(email="john@example.com")
    auth.login()
    john.last_seen = utcnow() - timedelta(seconds=10)
    db.session.commit()
    seen = john.last_seen
    user_updates.clear()
    client.get("/")
    client.get("/auth/change-password")
    assert user_updates == []
    db.session.expire_all()
    assert john.last_seen == seen


def test_anonymous_requests_write_nothing(client, user_updates):
    UserFactory()
    user_updates.clear()
    client.get("/")
    assert user_updates == []
