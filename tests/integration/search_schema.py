"""The full-text search objects of a database, compared with the ones ``create_all`` builds.

Alembic's comparison leaves them out (``app.models.search_index.include_name``), and it never compares triggers;
this compares them instead, as each database itself reports their definitions.
"""

from sqlalchemy import Connection, create_engine, inspect, text

from app.extensions import db
from app.models.search_index import include_name
from tests.integration.empty_databases import postgres_server_url, throwaway_postgres_database


def search_index_objects(connection: Connection) -> dict[str, str]:
    """Every trigger, and every table, column and index the comparison skips: name and definition."""
    if connection.dialect.name == "sqlite":
        rows = connection.execute(text("SELECT type, name, sql FROM sqlite_master WHERE type IN ('table', 'trigger')"))
        return {
            f"{kind} {name}": " ".join((sql or "").split())
            for kind, name, sql in rows
            if kind == "trigger" or not include_name(name, "table", {})
        }
    objects = {}
    inspector = inspect(connection)
    for table_name in inspector.get_table_names():
        parents = {"table_name": table_name}
        for column in inspector.get_columns(table_name):
            if not include_name(column["name"], "column", parents):
                objects[f"column {table_name}.{column['name']}"] = f"{column['type']} {column.get('computed')}"
        for index in inspector.get_indexes(table_name):
            if not include_name(index["name"], "index", parents):
                objects[f"index {index['name']}"] = connection.scalar(
                    text("SELECT indexdef FROM pg_indexes WHERE indexname = :name"), {"name": index["name"]}
                )
    triggers = connection.execute(text("SELECT tgname FROM pg_trigger WHERE NOT tgisinternal"))
    objects.update((f"trigger {name}", name) for (name,) in triggers)
    return objects


def objects_create_all_builds(dialect: str) -> dict[str, str]:
    """The search objects of a new, empty database of ``dialect`` after ``create_all``."""
    if dialect == "sqlite":
        return objects_built_at("sqlite://")
    with throwaway_postgres_database(postgres_server_url(), "search_reference") as url:
        return objects_built_at(url)


def objects_built_at(url: str) -> dict[str, str]:
    engine = create_engine(url)
    try:
        db.metadata.create_all(engine)
        with engine.connect() as connection:
            return search_index_objects(connection)
    finally:
        engine.dispose()


def search_index_differences(connection: Connection) -> list[tuple[str, str]]:
    """``("search_index", name)`` for each search object missing from the database, extra, or built otherwise."""
    expected = objects_create_all_builds(connection.dialect.name)
    found = search_index_objects(connection)
    return [
        ("search_index", name)
        for name in sorted(expected.keys() | found.keys())
        if expected.get(name) != found.get(name)
    ]
