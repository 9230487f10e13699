"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL, and undo cleanly."""

import re
import warnings
from datetime import datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade
from sqlalchemy import Boolean, Column, DateTime, Index, column, insert, inspect, select, table, text
from sqlalchemy.exc import IntegrityError, SAWarning
from sqlalchemy.schema import CreateIndex

from app import MIGRATIONS_DIRECTORY
from app.extensions import db
from app.models.search_index import include_name
from tests.apps import running_app
from tests.integration.empty_databases import postgres_server_url, throwaway_postgres_database
from tests.integration.search_schema import search_index_differences

BEFORE_CASE_INSENSITIVE_UNIQUENESS = "5b8e0c4f2a17"  # 0004; 0005 makes email and username unique ignoring case


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
def migrating_app(empty_database):
    """The testing application pointed at the empty database, its context pushed."""
    with running_app("testing", {"SQLALCHEMY_DATABASE_URI": empty_database}) as app:
        yield app


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
    """What ``flask db migrate`` would generate: the models compared with the live schema.

    SQLite's reflection skips indexes on expressions, such as the unique ``lower(email)``, so Alembic cannot compare
    them there (it warns and leaves them out); on SQLite they are compared here instead, and elsewhere Alembic must not
    skip them. The full-text search index, which the models do not map, is compared by ``search_index_differences``.
    """
    with db.engine.connect() as connection, warnings.catch_warnings():
        on_sqlite = connection.dialect.name == "sqlite"
        warnings.filterwarnings(
            "ignore" if on_sqlite else "error", "autogenerate skipping metadata-specified expression-based index"
        )
        if on_sqlite:
            warnings.filterwarnings("ignore", "Skipped unsupported reflection of expression-based index", SAWarning)
        options = {
            "compare_type": True,
            "compare_server_default": same_parenthesised_default,
            "include_name": include_name,
        }
        differences = compare_metadata(MigrationContext.configure(connection, opts=options), db.metadata)
        if on_sqlite:
            differences += sqlite_expression_index_differences(connection)
        differences += search_index_differences(connection)
    return differences


def is_expression_index(index: Index) -> bool:
    return any(not isinstance(expression, Column) for expression in index.expressions)


def sqlite_expression_index_differences(connection) -> list:
    """The expression indexes Alembic leaves out on SQLite, compared by the SQL that creates them, as Alembic reports
    differences: ``add_index`` for one the models have and the database lacks or builds otherwise, ``remove_index``
    for one the models lack or build otherwise."""

    def statement(sql: str) -> str:
        return " ".join(sql.split())

    in_models = {
        index.name: index
        for model in db.metadata.sorted_tables
        for index in model.indexes
        if is_expression_index(index)
    }
    in_database = {}
    for name, sql in connection.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'index'")):
        if any(row[2] is None for row in connection.execute(text(f'PRAGMA index_info("{name}")'))):
            in_database[name] = statement(sql)
    differences = []
    for name, index in in_models.items():
        built = statement(str(CreateIndex(index).compile(dialect=connection.dialect)))
        if in_database.get(name) != built:
            if name in in_database:
                differences.append(("remove_index", Index(name)))
            differences.append(("add_index", index))
    differences += [("remove_index", Index(name)) for name in in_database.keys() - in_models.keys()]
    return differences


def user_indexes() -> dict[str, bool]:
    """Every index on ``users``, expression indexes too, each name with whether it is unique."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            return {row[1]: bool(row[2]) for row in connection.execute(text('PRAGMA index_list("users")'))}
    return {index["name"]: index["unique"] for index in inspect(db.engine).get_indexes("users")}


users = table(
    "users",
    column("id"),
    column("email"),
    column("username"),
    column("confirmed", Boolean()),
    column("member_since", DateTime()),
    column("last_seen", DateTime()),
)


def insert_user(email: str | None, username: str | None) -> None:
    """A row written straight into ``users``, past the application's checks, as two registrations racing each other
    get past them."""
    now = datetime(2026, 11, 27, 12, 0)
    with db.engine.begin() as connection:
        connection.execute(
            insert(users).values(email=email, username=username, confirmed=False, member_since=now, last_seen=now)
        )


def stored_users() -> list[tuple]:
    with db.engine.connect() as connection:
        return connection.execute(select(users.c.id, users.c.email, users.c.username).order_by(users.c.id)).all()


def current_revision() -> str:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def table_names() -> list[str]:
    """The tables, without the full-text index's own (SQLite's FTS5 tables), which ``schema_differences`` checks."""
    return sorted(name for name in inspect(db.engine).get_table_names() if include_name(name, "table", {}))


def test_upgrade_of_an_empty_database_matches_the_models(migrating_app):
    upgrade()
    assert schema_differences() == []
    assert set(table_names()) == {table.name for table in db.metadata.sorted_tables} | {"alembic_version"}


# Migration 0005; later ones add indexes of their own to users (search).
CASE_INSENSITIVE_REVISION = "86acb9b42c31"


def test_upgrade_builds_the_case_insensitive_user_indexes(migrating_app):
    upgrade(revision=CASE_INSENSITIVE_REVISION)
    assert user_indexes() == {"ix_users_username": False, "uq_users_email_lower": True, "uq_users_username_lower": True}


@pytest.mark.parametrize("name", ["ix_posts_timestamp_id_author_id", "uq_users_email_lower", "uq_users_username_lower"])
def test_the_comparison_notices_a_schema_that_drifted(migrating_app, name):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text(f"DROP INDEX {name}"))
    assert [(kind, index.name) for kind, index in schema_differences()] == [("add_index", name)]


def test_the_comparison_notices_an_expression_index_the_models_lack(migrating_app):
    upgrade()
    with db.engine.begin() as connection:
        connection.execute(text("CREATE INDEX ix_users_lower_name ON users (lower(name))"))
    assert [(kind, index.name) for kind, index in schema_differences()] == [("remove_index", "ix_users_lower_name")]


@pytest.mark.parametrize(
    ("second_email", "second_username", "index"),
    [
        ("John@Example.COM", "johnny", "uq_users_email_lower"),
        ("johnny@example.com", "JOHN", "uq_users_username_lower"),
    ],
)
def test_after_upgrade_the_database_refuses_a_user_differing_only_in_case(
    migrating_app, second_email, second_username, index
):
    upgrade()
    insert_user("john@example.com", "john")
    with pytest.raises(IntegrityError, match=index):
        insert_user(second_email, second_username)
    assert stored_users() == [(1, "john@example.com", "john")]


def test_after_upgrade_the_database_takes_different_users_and_several_without_email_or_username(migrating_app):
    upgrade()
    for email, username in [("john@example.com", "john"), ("johnny@example.com", "johnny"), (None, None), (None, None)]:
        insert_user(email, username)
    assert len(stored_users()) == 4


def test_upgrade_refuses_users_differing_only_in_case_and_leaves_them_untouched(migrating_app):
    upgrade(revision=BEFORE_CASE_INSENSITIVE_UNIQUENESS)
    for email, username in [
        ("A@x.com", "alice"),
        ("a@x.com", "bob"),
        ("c@x.com", "Carol"),
        ("d@x.com", "carol"),
        ("e@x.com", "CAROL"),
        ("f@x.com", None),
        (None, None),
        (None, None),
    ]:
        insert_user(email, username)
    before = stored_users()
    indexes_before = user_indexes()

    result = migrating_app.test_cli_runner().invoke(args=["deploy"])

    assert result.exit_code == 1
    assert (
        "Cannot add the case-insensitive unique indexes on users.email and users.username: these users' values differ "
        "only in letter case.\n"
        "  email 'a@x.com': 'A@x.com' (user id 1), 'a@x.com' (user id 2)\n"
        "  username 'carol': 'Carol' (user id 3), 'carol' (user id 4), 'CAROL' (user id 5)\n"
        "Rename or merge these accounts so that no two share an email address or a username ignoring case, "
        "then run the upgrade again. This revision changed nothing."
    ) in result.output
    assert stored_users() == before
    assert user_indexes() == indexes_before == {"ix_users_email": True, "ix_users_username": True}
    assert current_revision() == BEFORE_CASE_INSENSITIVE_UNIQUENESS

    with db.engine.begin() as connection:
        connection.execute(users.update().where(users.c.id.in_([2, 4, 5])).values(email=None, username=None))
    upgrade()
    assert current_revision() == ScriptDirectory(str(MIGRATIONS_DIRECTORY)).get_current_head()


def test_downgrade_of_the_case_insensitive_indexes_restores_the_exact_ones(migrating_app):
    upgrade(revision=BEFORE_CASE_INSENSITIVE_UNIQUENESS)
    indexes_before = user_indexes()
    upgrade()
    insert_user("John@Example.com", "John")
    downgrade(revision=BEFORE_CASE_INSENSITIVE_UNIQUENESS)
    assert user_indexes() == indexes_before
    assert stored_users() == [(1, "John@Example.com", "John")]


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
