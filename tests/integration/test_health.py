"""The probes: /healthz while the process runs; /readyz while the database and its schema are usable and the instance is
not stopping, saying "degraded" when Redis is not."""

import pytest
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from app.extensions import db as _db
from tests.factories import UserFactory
from tests.login import log_in_as
from tests.taskqueue import UNREACHABLE_REDIS_URL


@pytest.fixture
def migrated(app, db):
    """The test database stamped at the head revision, as ``flask deploy`` leaves it; unstamped afterwards."""
    script = ScriptDirectory(app.extensions["migrate"].directory)
    with _db.engine.begin() as connection:
        MigrationContext.configure(connection).stamp(script, "head")
    yield script.get_current_head()
    with _db.engine.begin() as connection:
        connection.execute(text("DROP TABLE alembic_version"))


def test_healthz_answers_while_the_process_runs(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_probes_are_never_cached(client, migrated):
    assert client.get("/healthz").headers["Cache-Control"] == "no-store"
    assert client.get("/readyz").headers["Cache-Control"] == "no-store"


def test_readyz_is_ready_when_the_database_is_at_the_head_revision(client, migrated):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok",
        "serving": True,
        "checks": {"database": "ok", "migrations": "ok"},
        "degraded": [],
    }


def test_readyz_is_unavailable_until_migrations_have_run(client):
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"] == "ok"
    head = ScriptDirectory(client.application.extensions["migrate"].directory).get_current_head()
    assert body["checks"]["migrations"] == f"at no revision, head is {head}: run flask deploy"


def test_readyz_is_unavailable_when_the_database_is_at_an_older_revision(client, migrated):
    _db.session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    _db.session.commit()
    body = client.get("/readyz").get_json()
    assert body["checks"]["migrations"] == f"at older, head is {migrated}: run flask deploy"


@pytest.mark.app_config(SQLALCHEMY_DATABASE_URI="postgresql+psycopg://postgres@127.0.0.1:1/nothing")
def test_readyz_is_unavailable_when_the_database_does_not_answer(app):
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "serving": False,
        "checks": {"database": "unreachable", "migrations": "unknown"},
        "degraded": [],
    }


def test_readyz_checks_redis_when_the_task_queue_is_configured(client, migrated, task_queue):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok", "redis": "ok"}


def test_without_redis_readyz_still_serves_and_names_redis_as_degraded(app, client, migrated):
    app.config["REDIS_URL"] = UNREACHABLE_REDIS_URL
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "degraded",
        "serving": True,
        "checks": {"database": "ok", "migrations": "ok", "redis": "unreachable"},
        "degraded": ["redis"],
    }


def test_a_draining_instance_is_not_ready_though_everything_answers(app, client, migrated, tmp_path):
    app.config["FLASKY_DRAIN_FILE"] = str(tmp_path / "draining")
    assert client.get("/readyz").status_code == 200
    (tmp_path / "draining").touch()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.get_json()["status"] == "draining"
    assert response.get_json()["serving"] is False
    assert client.get("/healthz").status_code == 200


def test_probes_answer_anonymous_clients_without_a_login_redirect(client, migrated):
    for path in ("/healthz", "/readyz"):
        response = client.get(path, headers={"Accept": "*/*"})
        assert response.status_code == 200, path
        assert response.is_json


def test_probes_answer_an_unconfirmed_user_without_a_redirect(client, migrated):
    log_in_as(client, UserFactory(unconfirmed=True))
    assert client.get("/", headers={"Accept": "text/html"}).status_code == 302
    for path in ("/healthz", "/readyz"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200, path
        assert response.is_json
