"""How PostgreSQL finds a search's newest matches: walking the newest posts when matches are common among them,
reading every match through the index when they are not, the same matches either way."""

import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from app.extensions import db as _db
from app.services.search import full_text_index
from tests.factories import PostFactory

# The steps of the plan that read the posts newest first, and every match through the index.
WALK, EVERY_MATCH = "Subquery Scan on newest_posts (", "CTE Scan on every_match ("
pytestmark = [pytest.mark.postgres, pytest.mark.app_config(FLASKY_SEARCH_RANKED=3)]


def executed_plan(words: str, prepared: bool = False) -> str:
    """EXPLAIN ANALYZE of the first page of ``words``: which steps ran, and which were never executed. ``prepared``:
    of the statement prepared, then executed with the words."""
    statement = full_text_index(words).page(20, 0).element
    connection = _db.session.connection()
    if prepared:
        compiled = statement.compile(dialect=postgresql.psycopg.dialect(paramstyle="numeric_dollar"))
        connection.exec_driver_sql("DEALLOCATE ALL")
        connection.exec_driver_sql(f"PREPARE search AS {compiled}")
        values = sql.SQL(", ").join(sql.Literal(compiled.params[name]) for name in compiled.positiontup)
        arguments = values.as_string(connection.connection.driver_connection)
        rows = connection.exec_driver_sql(f"EXPLAIN (ANALYZE, COSTS OFF) EXECUTE search({arguments})")
    else:
        compiled = statement.compile(_db.engine)
        rows = connection.exec_driver_sql("EXPLAIN (ANALYZE, COSTS OFF) " + str(compiled), compiled.params)
    return "\n".join(row[0] for row in rows)


def step(plan: str, name: str) -> str:
    """The line of ``plan`` that reads ``name``."""
    (line,) = [line for line in plan.splitlines() if name in line]
    return line


def test_matches_common_among_the_newest_posts_are_found_by_walking_them(db):
    for _ in range(5):
        PostFactory(body="Python.")

    plan = executed_plan("python")

    assert "never executed" not in step(plan, WALK)
    assert "never executed" in step(plan, EVERY_MATCH)


def test_matches_rare_among_the_newest_posts_are_read_through_the_index(db):
    PostFactory(body="Python.")
    for _ in range(3):
        PostFactory(body="Flask.")

    plan = executed_plan("python")

    assert "never executed" in step(plan, WALK)
    assert "never executed" not in step(plan, EVERY_MATCH)


def next_post_id(post_id: int) -> None:
    _db.session.execute(text("SELECT setval(pg_get_serial_sequence('posts', 'id'), :id, false)"), {"id": post_id})


def test_the_walk_is_taken_from_the_share_of_matches_that_makes_it_read_less(db):
    """Three ranked: the walk is taken when 3 × matches² × the highest id ≥ 3³ (``MATCH_READ_COST`` is 3)."""
    next_post_id(1)
    PostFactory(body="Python.")
    PostFactory(body="Flask.")
    PostFactory(body="Flask.")  # one match among the newest three (3, 2, 1), highest id 3: 3 × 1 × 3 = 9 < 27

    assert "never executed" in step(executed_plan("python"), WALK)

    next_post_id(9)
    PostFactory(body="Python.")  # one match among the newest three (9, 3, 2), highest id 9: 3 × 1 × 9 = 27

    assert "never executed" not in step(executed_plan("python"), WALK)


def test_a_prepared_statement_still_chooses_by_the_words(db):
    """A generic plan, as PostgreSQL may keep once psycopg prepares the statement, walks for a common word and reads
    the index for a rare one, as a plan made for the words does."""
    for _ in range(3):
        PostFactory(body="Python.")
    PostFactory(body="Flask.")
    _db.session.execute(text("SET plan_cache_mode = force_generic_plan"))

    assert "never executed" not in step(executed_plan("python", prepared=True), WALK)
    assert "never executed" in step(executed_plan("flask", prepared=True), WALK)
