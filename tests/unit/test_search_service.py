"""The search service called directly: which posts a page holds, how they are marked, and who is found first."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

import pytest
from markupsafe import Markup
from sqlalchemy import text

from app.extensions import db as _db
from app.models import Post
from app.services.search import MARK_END, MARK_START, highlighted, search_people, search_posts
from tests.factories import PostFactory, UserFactory

NOON = datetime(2026, 11, 28, 12, 0)


def post(body: str, title: str = "A post", age: int = 0) -> Post:
    """A post with this title and body, ``age`` hours old."""
    return PostFactory(title=title, body=body, timestamp=NOON - timedelta(hours=age))


def page_ids(text: str, page: int, per_page: int) -> list[int]:
    return [match.post.id for match in search_posts(text, page, per_page).items]


def test_a_word_in_a_long_title_outranks_it_in_a_short_body(db):
    in_title = post("Notes.", title="Some long thoughts written down one evening about python and other things")
    in_body = post("Python.", title="Notes")

    assert page_ids("python", 1, 10) == [in_title.id, in_body.id]


def test_a_later_page_holds_the_next_best_not_the_oldest(db):
    best = post("Python, python, python, python.", age=4)
    good = post("Python, python and python.", age=3)
    fair = post("Python and python, then words.", age=2)
    weak = post("Python among many other words written here.", age=1)

    assert page_ids("python", 1, 2) == [best.id, good.id]
    assert page_ids("python", 2, 2) == [fair.id, weak.id]


def test_a_page_larger_than_a_hundred_posts_is_served_whole(db):
    for _ in range(101):
        PostFactory(body="Flask.")

    assert len(search_posts("flask", 1, 101).items) == 101


def test_a_snippet_is_cut_from_a_long_body_around_the_match(db):
    post(" ".join(["filler"] * 100 + ["flask"] + ["filler"] * 100))

    (match,) = search_posts("flask", 1, 20).items

    assert "<mark>flask</mark>" in match.snippet
    assert match.snippet.count("filler") < 50
    if db.engine.dialect.name == "sqlite":
        # FTS5's snippet() says where it cut; PostgreSQL's ts_headline does not.
        assert match.snippet.startswith("…")
        assert match.snippet.endswith("…")


def test_mark_characters_a_writer_typed_neither_mark_nor_hide_words(db):
    post("Body.", title=f"stray{MARK_END} flask then{MARK_END} and{MARK_START} end")

    (match,) = search_posts("flask", 1, 20).items

    assert match.title == Markup("stray <mark>flask</mark> then and end")


def test_a_missing_title_or_snippet_shows_as_nothing():
    assert highlighted(None) == Markup("")


def test_a_wildcard_typed_is_no_wildcard_in_the_username_order(db):
    newer = UserFactory(username="cyril", name="Jo Nolan", member_since=NOON)
    older = UserFactory(username="joxnash", name="Jo Nash", member_since=NOON - timedelta(days=1))

    assert search_people('"jo_n"') == [newer, older]


def test_people_who_joined_together_are_newest_account_first(db):
    first = UserFactory(username="ann", name="Ann Smith", member_since=NOON)
    second = UserFactory(username="bob", name="Bob Smith", member_since=NOON)

    assert search_people("smith") == [second, first]


@contextmanager
def server_default_language(configuration: str) -> Iterator[None]:
    """PostgreSQL's ``default_text_search_config`` for this session set to ``configuration``, then reset."""
    _db.session.execute(text(f"SET default_text_search_config = '{configuration}'"))
    try:
        yield
    finally:
        _db.session.execute(text("RESET default_text_search_config"))


@pytest.mark.postgres
def test_posts_are_found_and_marked_by_stem_whatever_the_servers_default_language(db):
    """The service names English for the words typed and the marks: a server whose default configuration does not stem
    (``simple``) finds and marks the same words."""
    post("She runs by the river.", title="Runs by the river")

    with server_default_language("simple"):
        (match,) = search_posts("running", 1, 20).items

    assert "<mark>Runs</mark>" in match.title
    assert "<mark>runs</mark>" in match.snippet


@pytest.mark.postgres
def test_people_are_found_word_for_word_whatever_the_servers_default_language(db):
    """Names are searched word for word (``simple``): an English default would stem "running" to "run" and find the
    Runner too."""
    running = UserFactory(username="bob", name="Bob Running")
    UserFactory(username="ann", name="Ann Runner")

    with server_default_language("english"):
        assert search_people("running") == [running]


@pytest.mark.postgres
@pytest.mark.app_config(FLASKY_SEARCH_RANKED=40_000)
def test_a_large_ranking_bound_overflows_no_integer(db):
    """The choice of way compares the bound's cube and square (40,000³ is 6.4 × 10¹³, 1.5 × 40,000² is 2.4 × 10⁹):
    both are bound as 64-bit integers."""
    found = post("Flask.")

    assert page_ids("flask", 1, 20) == [found.id]
