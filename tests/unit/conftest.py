"""Unit tests open a database only through the ``db`` fixture: a test that does not ask for it must not connect."""

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine


@pytest.fixture(autouse=True)
def no_database_without_the_db_fixture(request: pytest.FixtureRequest):
    if "db" in request.fixturenames:
        yield
        return
    connections: list[str] = []

    def connected(dbapi_connection, connection_record) -> None:
        connections.append(type(dbapi_connection).__module__)

    event.listen(Engine, "connect", connected)
    try:
        yield
    finally:
        event.remove(Engine, "connect", connected)
    if connections:
        pytest.fail(f"{request.node.name} opened a database without the db fixture ({connections[0]})", pytrace=False)
