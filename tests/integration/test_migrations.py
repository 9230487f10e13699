"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and undo cleanly."""

import re

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, text

from app import MIGRATIONS_DIRECTORY, create_app
from app.extensions import db
from config import config
from tests.integration.empty_databases import postgres_server_url, throwaway_postgres_database


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=pytest.mark.postgres,
        ),
    ]
)
def empty_database(request, tmp_path):
    """The URL of a database with no tables at all."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    with throwaway_postgres_database(postgres_server_url()) as url:
        yield url


@pytest.fixture
def migrating_app(empty_database, monkeypatch):
    """The testing application pointed at the empty database, its context pushed."""
    monkeypatch.setattr(config["testing"], "SQLALCHEMY_DATABASE_URI", empty_database)
    app = create_app("testing")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


def unwrapped(default: str) -> str:
    """A reflected or rendered default without its outer parentheses and quotes."""
    return re.sub(r"^'(.*)'$", r"\1", re.sub(r"^\((.*)\)$", r"\1", default))


def same_parenthesised_default(
    context, inspected_column, metadata_column, inspected, metadata, rendered
) -> bool | None:
    """SQLite reflects a default batch mode copied as ``('')``, which Alembic misjudges; Alembic judges the rest."""
    if inspected is not None and rendered is not None and unwrapped(inspected) == unwrapped(rendered):
        return False
    return None


def schema_differences() -> list:
    """What ``flask db migrate`` would generate: the models compared with the live schema."""
    with db.engine.connect() as connection:
        options = {"compare_type": True, "compare_server_default": same_parenthesised_default}
        return compare_metadata(MigrationContext.configure(connection, opts=options), db.metadata)


def table_names() -> list[str]:
    return sorted(inspect(db.engine).get_table_names())


def test_upgrade_of_an_empty_database_matches_the_models(migrating_app):
    upgrade()
    assert schema_differences() == []
    assert set(table_names()) == {table.name for table in db.metadata.sorted_tables} | {"alembic_version"}


def test_the_comparison_notices_a_schema_that_drifted(migrating_app):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("DROP INDEX ix_posts_timestamp_id"))
    assert [(kind, index.name) for kind, index in schema_differences()] == [("add_index", "ix_posts_timestamp_id")]


def test_downgrade_to_base_leaves_only_the_version_table(migrating_app):
    upgrade()
    downgrade(revision="base")
    assert table_names() == ["alembic_version"]


def test_upgrade_after_a_full_downgrade_matches_the_models_again(migrating_app):
    upgrade()
    downgrade(revision="base")
    upgrade()
    assert schema_differences() == []


def test_migration_history_is_one_line():
    scripts = ScriptDirectory(str(MIGRATIONS_DIRECTORY))
    assert len(scripts.get_heads()) == 1
    assert len(scripts.get_bases()) == 1
