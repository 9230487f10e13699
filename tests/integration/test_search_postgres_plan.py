"""How PostgreSQL finds a search's newest matches: walking the newest posts when matches are common among them,
reading the matches in a window of the newest ids when they are rarer, every match through the index when the
window would be most of the posts or turns out too short; the same matches every way."""

import pytest
from psycopg import sql
from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from app.extensions import db as _db
from app.services.search import full_text_index
from tests.factories import PostFactory

# The steps of the plan that read the posts newest first, the window's matches, and every match through the index.
WALK, WINDOW, EVERY_MATCH = (
    "Subquery Scan on newest_posts (",
    "CTE Scan on window_matches (",
    "CTE Scan on every_match (",
)
WAYS = (WALK, WINDOW, EVERY_MATCH)
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


def way_taken(words: str, prepared: bool = False) -> str:
    """The one way of ``WAYS`` that ran for ``words``."""
    plan = executed_plan(words, prepared)
    (way,) = [way for way in WAYS if "never executed" not in step(plan, way)]
    return way


def newest_ids(words: str) -> list[int]:
    return list(_db.session.scalars(full_text_index(words).newest()))


def posts(matching: list[int], others: list[int]) -> None:
    for post_id in matching:
        PostFactory(id=post_id, body="Python.")
    for post_id in others:
        PostFactory(id=post_id, body="Flask.")


def test_matches_common_among_the_newest_posts_are_found_by_walking_them(db):
    posts(matching=[1, 2, 3, 4, 5, 6], others=[])

    assert way_taken("python") == WALK
    assert newest_ids("python") == [6, 5, 4, 3]


def test_matches_rare_among_few_posts_are_read_through_the_index(db):
    posts(matching=[1, 2, 3, 4], others=[5, 6, 7])

    assert way_taken("python") == EVERY_MATCH
    assert newest_ids("python") == [4, 3, 2, 1]


@pytest.mark.parametrize(("highest", "way"), [(8, EVERY_MATCH), (9, WALK)])
def test_the_walk_is_taken_from_the_share_of_matches_that_makes_it_read_less_than_every_match(db, highest, way):
    """Three ranked, one match among the newest three: the window (1.5 × 3² // 1 = 14 ids, ``WINDOW_MARGIN`` is
    1.5) would be more than half of the ids, and the walk is taken when 3 × 1² × the highest id ≥ 3³
    (``MATCH_READ_COST`` is 3)."""
    posts(matching=[1, 2, 3, highest - 2], others=[highest - 1, highest])

    assert way_taken("python") == way
    assert newest_ids("python") == [highest - 2, 3, 2, 1]


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=10)
@pytest.mark.parametrize(
    ("highest", "way"),
    [(299, EVERY_MATCH), (300, WINDOW), (499, WINDOW), (500, WALK)],
)
def test_the_window_is_taken_from_the_share_of_matches_that_makes_it_read_least(db, highest, way):
    """Ten ranked, one match among the newest ten posts. The window is 1.5 × 10² // 1 = 150 ids, taken when it is at
    most half of the ids (1 × the highest id ≥ 300); then the walk is taken when 2 × 1² × the highest id ≥ 10³
    (``WINDOW_READ_COST`` is 2). The eleven newest matches are all in the window."""
    matching = [highest - 140 + number for number in range(10)] + [highest - 9]
    posts(matching=matching, others=list(range(highest - 8, highest + 1)))

    assert way_taken("python") == way
    assert way_taken("python", prepared=True) == way
    assert newest_ids("python") == sorted(matching, reverse=True)


@pytest.mark.app_config(FLASKY_SEARCH_RANKED=10)
def test_a_window_holding_too_few_matches_gives_way_to_every_match(db):
    """The window (ids above 400 - 150 = 250) holds ten matches: the eleventh newest is older, found through the
    index."""
    matching = [200] + [300 + number for number in range(9)] + [391]
    posts(matching=matching, others=list(range(392, 401)))

    plan = executed_plan("python")

    assert "never executed" not in step(plan, "CTE Scan on window_matches counted (")
    assert "never executed" in step(plan, WINDOW)
    assert "never executed" not in step(plan, EVERY_MATCH)
    assert newest_ids("python") == sorted(matching, reverse=True)


def test_a_prepared_statement_still_chooses_by_the_words(db):
    """A generic plan, as PostgreSQL may keep once psycopg prepares the statement, walks for a common word and reads
    the index for a rare one, as a plan made for the words does."""
    posts(matching=[1, 2, 3, 4, 5, 6, 7], others=[8])  # python: 3 × 2² × 8 ≥ 3³; flask: 3 × 1² × 8 < 3³
    _db.session.execute(text("SET plan_cache_mode = force_generic_plan"))

    assert way_taken("python", prepared=True) == WALK
    assert way_taken("flask", prepared=True) == EVERY_MATCH
