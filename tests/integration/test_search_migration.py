"""Migration 0006 builds the full-text indexes create_all builds, indexes the posts and users already there, and
undoes cleanly; ``flask search reindex`` builds them again."""

from datetime import datetime

import pytest
from flask_migrate import downgrade, upgrade
from sqlalchemy import column, insert, table, text

from app.extensions import db
from app.models.search_index import DROP_STATEMENTS
from app.services.search import search_people, search_posts
from tests.apps import running_app
from tests.integration.empty_databases import postgres_server_url, throwaway_postgres_database
from tests.integration.search_schema import search_index_differences, search_index_objects

BEFORE_SEARCH = "86acb9b42c31"  # 0005

posts = table("posts", column("title"), column("body"), column("slug"), column("timestamp"), column("updated_at"))
users = table(
    "users", column("username"), column("name"), column("confirmed"), column("member_since"), column("last_seen")
)
NOON = datetime(2026, 11, 28, 12, 0)
# A search object dropped by hand on each engine, and the name the comparison reports it by: on SQLite the trigger
# that indexes new posts, so a post written afterwards is missing from the index until it is rebuilt.
BROKEN = {
    "sqlite": ("DROP TRIGGER posts_fts_after_insert", "trigger posts_fts_after_insert"),
    "postgresql": ("DROP INDEX ix_posts_search_vector", "index ix_posts_search_vector"),
}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def migrating_app(request, tmp_path):
    """The testing application on a database with no tables at all, its context pushed."""
    if request.param == "sqlite":
        with running_app("testing", {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'search.sqlite'}"}) as app:
            yield app
        return
    with (
        throwaway_postgres_database(postgres_server_url(), "search") as url,
        running_app("testing", {"SQLALCHEMY_DATABASE_URI": url}) as app,
    ):
        yield app


def insert_post(title: str, body: str) -> None:
    """A post written straight into the table, as one written before the search existed."""
    with db.engine.begin() as connection:
        connection.execute(
            insert(posts).values(title=title, body=body, slug=title.lower(), timestamp=NOON, updated_at=NOON)
        )


def insert_user(username: str, name: str) -> None:
    """A user written straight into the table, as one registered before the search existed."""
    with db.engine.begin() as connection:
        connection.execute(
            insert(users).values(username=username, name=name, confirmed=True, member_since=NOON, last_seen=NOON)
        )


def titles_found(query: str) -> list[str]:
    return [match.post.title for match in search_posts(query, 1, 20).items]


def people_found(query: str) -> list[str]:
    return [user.username for user in search_people(query)]


def objects() -> dict[str, str]:
    with db.engine.connect() as connection:
        return search_index_objects(connection)


def test_upgrade_builds_the_indexes_create_all_builds(migrating_app):
    upgrade()

    with db.engine.connect() as connection:
        assert search_index_differences(connection) == []


def test_upgrade_indexes_the_posts_and_users_already_there(migrating_app):
    upgrade(revision=BEFORE_SEARCH)
    insert_post("Running", "Every morning.")
    insert_post("Walking", "Every evening.")
    insert_user("ann", "Ann Smith")

    upgrade()

    assert titles_found("run") == ["Running"]
    assert people_found("smith") == ["ann"]


def test_downgrade_removes_the_indexes_and_keeps_the_rows(migrating_app):
    upgrade(revision=BEFORE_SEARCH)
    before = objects()
    upgrade()
    insert_post("Running", "Every morning.")

    downgrade(revision=BEFORE_SEARCH)

    assert objects() == before == {}
    with db.engine.connect() as connection:
        assert connection.scalar(text("SELECT title FROM posts")) == "Running"


def test_upgrade_after_a_downgrade_indexes_the_posts_again(migrating_app):
    upgrade()
    insert_post("Running", "Every morning.")
    downgrade(revision=BEFORE_SEARCH)

    upgrade()

    assert titles_found("run") == ["Running"]


def test_the_comparison_notices_a_search_object_gone_missing(migrating_app):
    upgrade()
    statement, name = BROKEN[db.engine.dialect.name]
    with db.engine.begin() as connection:
        connection.execute(text(statement))

    with db.engine.connect() as connection:
        assert search_index_differences(connection) == [("search_index", name)]


def test_reindex_builds_missing_indexes_from_every_post_and_user(migrating_app):
    # The latest schema without its search indexes: the searches below load whole rows, every later column included.
    upgrade()
    with db.engine.begin() as connection:
        for statement in DROP_STATEMENTS[connection.dialect.name]:
            connection.execute(text(statement))
    insert_post("Running", "Every morning.")
    insert_post("Walking", "Every evening.")
    insert_user("ann", "Ann Smith")

    result = migrating_app.test_cli_runner().invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert result.output == "Search indexes rebuilt: 2 post(s) and 1 user(s) indexed.\n"
    assert titles_found("walk") == ["Walking"]
    assert people_found("smith") == ["ann"]
    with db.engine.connect() as connection:
        assert search_index_differences(connection) == []


def test_reindex_repairs_a_broken_index(migrating_app):
    upgrade()
    statement, _name = BROKEN[db.engine.dialect.name]
    with db.engine.begin() as connection:
        connection.execute(text(statement))
    insert_post("Running", "Every morning.")

    result = migrating_app.test_cli_runner().invoke(args=["search", "reindex"])

    assert result.exit_code == 0, result.output
    assert titles_found("run") == ["Running"]
    with db.engine.connect() as connection:
        assert search_index_differences(connection) == []
