"""Searching posts and people for what a reader typed: best match first, then newest, matched words highlighted.

Who may see what: every post is public, and only posts' titles and bodies are searched, never comments, so a
disabled comment can neither match nor show. People are found by the words of their username and name (the last
word typed may be the start of one), never by email address.

Each engine ranks and highlights with its own index (``app.models.search_index``): ``ts_rank`` and ``ts_headline``
on PostgreSQL, ``bm25()``, ``highlight()`` and ``snippet()`` on SQLite. Only the newest matches are ranked
(``FLASKY_SEARCH_RANKED``, found through the index by id), so a common word costs no more than a rare one; the pages
walk those, and the reader is told when older matches were left out. A page is one statement whatever its size: the
candidates ranked and counted in a subquery, then only the page's posts read with their authors, tags and
highlights, so the costly highlighting runs for the page's posts alone.
"""

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from markupsafe import Markup, escape
from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Float,
    Integer,
    Select,
    String,
    Subquery,
    TextClause,
    bindparam,
    case,
    column,
    func,
    literal_column,
    select,
    table,
    text,
)
from sqlalchemy.orm import joinedload

from ..extensions import db
from ..models import Post, User
from ..models.search_index import POSTS_FTS, SEARCH_COLUMN, USERS_FTS
from ..pagination import newest_first
from .search_query import SearchQuery, parse

# Private-use characters no one types: the database puts them around matched words, and ``highlighted`` turns
# them into <mark> once everything else is escaped.
MARK_START, MARK_END = "\ue000", "\ue001"
SNIPPET_WORDS = 24
# A word in the title counts for more than the same word in the body (PostgreSQL: weights 'A' and 'B').
TITLE_WEIGHT, BODY_WEIGHT = 4.0, 1.0
PEOPLE_SHOWN = 5
# PostgreSQL: what a match costs, in posts walked newest first, when every match is read through the GIN index
# (measured at 100,000 posts: 0.7 against 0.25 microseconds), and when the window is read (the GIN index's matches
# ANDed with the window's ids: the break-even measured at 100,000 and 1,000,000 posts, README "Search").
MATCH_READ_COST, WINDOW_READ_COST = 3, 2
# PostgreSQL: the window of newest ids is made to hold this many times the ranked matches, as the share of matches
# among the newest posts foretells, so that a word a little rarer among older posts still fills it.
WINDOW_MARGIN = 1.5


@dataclass(frozen=True)
class PostMatch:
    """A post found by a search, its title and a snippet of its body with the matched words in <mark>."""

    post: Post
    title: Markup
    snippet: Markup


class NewestMatches(ABC):
    """What both engines' indexes share: the query, and how many of its newest matches are ranked."""

    def __init__(self, query: SearchQuery, ranked: int) -> None:
        self.query = query
        self.ranked = ranked

    @abstractmethod
    def newest(self) -> Select:
        """The matches' ids, newest first."""

    def count(self) -> Select:
        """The matches, counted up to one more than are ranked: enough to tell whether some were left out."""
        return select(func.count()).select_from(self.newest().limit(self.ranked + 1).subquery())


class SqliteIndex(NewestMatches):
    """The query in FTS5 on ``posts_fts``: ``bm25()`` ranks, ``highlight()`` and ``snippet()`` mark the words."""

    fts = table(POSTS_FTS, column("rowid"))
    people_fts = table(USERS_FTS, column("rowid"))

    def __init__(self, query: SearchQuery, ranked: int) -> None:
        super().__init__(query, ranked)
        self.expression = query.fts5()

    def matches(self) -> ColumnElement[bool]:
        return literal_column(POSTS_FTS).op("MATCH")(self.expression)

    def newest(self) -> Select:
        """The matches' rowids, newest first, read from the index alone."""
        return select(self.fts.c.rowid).where(self.matches()).order_by(self.fts.c.rowid.desc())

    def page(self, limit: int, offset: int) -> Subquery:
        """The page's ids and ranks, best first, among the ``ranked`` newest matches, and the matches ``found``.

        The candidates are the matches newer than the first one left out: FTS5 takes that bound on rowid into its
        scan, so ``bm25()`` runs for them alone (``rowid IN (...)`` would run the MATCH again for each rowid).
        Ranking reads only the index; the posts' timestamps, which order equal ranks, are read only for the
        candidates ranked at least as high as the last row of the page could be (``threshold``).
        """
        first_left_out = self.newest().limit(1).offset(self.ranked).scalar_subquery()
        rank = -func.bm25(literal_column(POSTS_FTS), TITLE_WEIGHT, BODY_WEIGHT)
        ranked = (
            select(self.fts.c.rowid.label("id"), rank.label("rank"))
            .where(self.matches(), self.fts.c.rowid > func.coalesce(first_left_out, 0))
            .cte("ranked")
            .prefix_with("MATERIALIZED")
        )
        best = select(ranked.c.rank).order_by(ranked.c.rank.desc()).limit(offset + limit).subquery()
        threshold = select(func.min(best.c.rank)).scalar_subquery()
        return (
            select(ranked.c.id, ranked.c.rank, self.count().scalar_subquery().label("found"))
            .join(Post, Post.id == ranked.c.id)
            .where(ranked.c.rank >= threshold)
            .order_by(ranked.c.rank.desc(), *newest_first(Post))
            .limit(limit)
            .offset(offset)
            .subquery()
        )

    def title(self) -> ColumnElement[str]:
        return self.marked(func.highlight(literal_column(POSTS_FTS), 0, MARK_START, MARK_END))

    def snippet(self) -> ColumnElement[str]:
        return self.marked(func.snippet(literal_column(POSTS_FTS), 1, MARK_START, MARK_END, "…", SNIPPET_WORDS))

    def marked(self, function: ColumnElement[str]) -> ColumnElement[str]:
        """``function`` on the outer query's post: FTS5's auxiliary functions need the MATCH in their own query."""
        return select(function).where(self.matches(), self.fts.c.rowid == Post.id).scalar_subquery()

    def people(self) -> Select:
        """The users whose username or name matches, through ``users_fts``."""
        matches = literal_column(USERS_FTS).op("MATCH")(self.query.fts5_prefixes())
        return select(User).join(self.people_fts, self.people_fts.c.rowid == User.id).where(matches)


# PostgreSQL: the newest matches, one more than are ranked (enough to tell whether some were left out), found one of
# three ways (see PostgresIndex). Written as SQL because its shape is the point: each CTE and fence below fixes a step
# of the plan, whatever the planner would estimate for the words.
POSTGRES_CANDIDATES = """
WITH query AS MATERIALIZED (SELECT websearch_to_tsquery('english', :websearch) AS tsquery),
newest AS MATERIALIZED (
    SELECT count(*) AS matches, (SELECT coalesce(max(id), 0) FROM posts) AS highest
    FROM (SELECT search_vector FROM posts ORDER BY id DESC LIMIT :ranked) AS newest_posts
    WHERE search_vector @@ (SELECT tsquery FROM query)
),
way AS MATERIALIZED (
    SELECT CASE WHEN windows THEN :window_read_cost ELSE :match_read_cost END * matches * matches * highest
            >= :ranked_cubed AS walks,
        windows,
        highest - :window_squared / greatest(matches, 1) AS window_after
    FROM (SELECT matches, highest, matches * highest >= 2 * :window_squared AS windows FROM newest) AS shares
),
window_matches AS MATERIALIZED (
    SELECT id, timestamp, ts_rank(search_vector, (SELECT tsquery FROM query)) AS rank
    FROM posts
    WHERE search_vector @@ (SELECT tsquery FROM query) AND id > (SELECT window_after FROM way)
        AND NOT (SELECT walks FROM way) AND (SELECT windows FROM way)
),
windowed AS MATERIALIZED (SELECT count(*) > :ranked AS filled FROM window_matches AS counted),
every_match AS MATERIALIZED (
    SELECT id, timestamp, ts_rank(search_vector, (SELECT tsquery FROM query)) AS rank
    FROM posts
    WHERE search_vector @@ (SELECT tsquery FROM query)
),
candidates AS (
    (
        SELECT id, timestamp, ts_rank(search_vector, (SELECT tsquery FROM query)) AS rank
        FROM (SELECT id, timestamp, search_vector FROM posts ORDER BY id DESC OFFSET 0) AS newest_posts
        WHERE search_vector @@ (SELECT tsquery FROM query) AND (SELECT walks FROM way)
        LIMIT :ranked + 1
    )
    UNION ALL
    (
        SELECT id, timestamp, rank
        FROM window_matches
        WHERE NOT (SELECT walks FROM way) AND (SELECT filled FROM windowed)
        ORDER BY id DESC
        LIMIT :ranked + 1
    )
    UNION ALL
    (
        SELECT id, timestamp, rank
        FROM every_match
        WHERE NOT (SELECT walks FROM way) AND NOT (SELECT filled FROM windowed)
        ORDER BY id DESC
        LIMIT :ranked + 1
    )
)
"""
# The candidates counted, and the page's ids and ranks, best first, then newest: the oldest candidate is left out
# when there is one more than are ranked.
POSTGRES_PAGE = """
SELECT id, rank, found
FROM (SELECT id, timestamp, rank, count(*) OVER () AS found, min(id) OVER () AS oldest FROM candidates) AS ranked
WHERE found <= :ranked OR id > oldest
ORDER BY rank DESC, timestamp DESC, id DESC
LIMIT :limit OFFSET :offset
"""


class PostgresIndex(NewestMatches):
    """The query as a ``tsquery`` against ``posts.search_vector``: ``ts_rank`` ranks, ``ts_headline`` marks.

    The GIN index gives every match of a word in no order, so the newest matches are found one of three ways, chosen
    as the statement runs by the share of matches among the newest ``ranked`` posts. A common word walks the posts
    newest first until ``ranked + 1`` match (reads about ``ranked / share`` posts; ``OFFSET 0`` keeps the match out of
    the walk, where the planner could turn it into an index scan), taken when that costs less than the matches the
    other way reads (about ``share`` times the highest id), each costing ``MATCH_READ_COST`` posts walked, or
    ``WINDOW_READ_COST`` when the window is read. Otherwise the matches are read in a window of the newest ids, made
    to hold ``WINDOW_MARGIN`` times ``ranked`` matches at that share: the GIN index and the primary key's range are
    ANDed as bitmaps, so only the window's matches are read from the table, where reading every match would read
    them all. When the window would be more than half of the ids, or holds no more than ``ranked`` matches (the word
    was more common among the newest posts than before them), every match is read through the index
    (``MATERIALIZED``: it may not become a walk). Each way ranks as it reads, so that only narrow rows are sorted,
    and keeps the newest. The planner is left no choice: it cannot tell
    which is cheaper for a word, and once psycopg prepares the statement it may keep one plan for every word. The
    ``tsquery`` is worked out once per statement, so the plan is the same whatever the words.
    """

    marks = f'StartSel="{MARK_START}", StopSel="{MARK_END}"'

    def __init__(self, query: SearchQuery, ranked: int) -> None:
        super().__init__(query, ranked)
        self.websearch = query.websearch()

    def tsquery(self) -> ColumnElement[Any]:
        return func.websearch_to_tsquery("english", self.websearch)

    def candidates(self, then: str) -> TextClause:
        """``POSTGRES_CANDIDATES`` followed by ``then``, with the query's parameters bound."""
        return text(POSTGRES_CANDIDATES + then).bindparams(
            bindparam("websearch", self.websearch, String),
            bindparam("ranked", self.ranked, Integer),
            bindparam("ranked_cubed", self.ranked**3, BigInteger),
            bindparam("match_read_cost", MATCH_READ_COST, Integer),
            bindparam("window_read_cost", WINDOW_READ_COST, Integer),
            bindparam("window_squared", round(WINDOW_MARGIN * self.ranked**2), BigInteger),
        )

    def newest(self) -> Select:
        """The ids of the ``ranked + 1`` newest matches, newest first."""
        newest = self.candidates("SELECT id FROM candidates").columns(id=Integer).subquery("newest")
        return select(newest.c.id).order_by(newest.c.id.desc())

    def page(self, limit: int, offset: int) -> Subquery:
        """The page's ids and ranks, best first, among the ``ranked`` newest matches, and the matches ``found``."""
        statement = self.candidates(POSTGRES_PAGE).bindparams(
            bindparam("limit", limit, Integer), bindparam("offset", offset, Integer)
        )
        return statement.columns(id=Integer, rank=Float, found=Integer).subquery("page")

    def title(self) -> ColumnElement[str]:
        return func.ts_headline("english", Post.title, self.tsquery(), f"HighlightAll=true, {self.marks}")

    def snippet(self) -> ColumnElement[str]:
        options = f"MaxWords={SNIPPET_WORDS}, MinWords={SNIPPET_WORDS // 2}, {self.marks}"
        return func.ts_headline("english", Post.body, self.tsquery(), options)

    def people(self) -> Select:
        """The users whose username or name matches, through ``users.search_vector``."""
        tsquery = func.to_tsquery("simple", self.query.tsquery_prefixes())
        return select(User).where(literal_column(f"users.{SEARCH_COLUMN}").op("@@")(tsquery))


FullTextIndex = SqliteIndex | PostgresIndex
INDEXES: dict[str, type[FullTextIndex]] = {"sqlite": SqliteIndex, "postgresql": PostgresIndex}


class SearchPagination(Pagination):
    """A page of ``PostMatch`` items, best match first and newest among equals, among the newest matches.

    ``total`` counts the matches ranked, at most ``FLASKY_SEARCH_RANKED``; ``more`` says whether older ones were
    left out. The page's statement counts the matches too; only a page past the last needs a second statement.
    """

    _found: int | None = None
    more: bool = False

    def _query_items(self) -> list[PostMatch]:
        index: FullTextIndex = self._query_args["index"]
        page = index.page(self.per_page, self._query_offset)
        statement = (
            select(Post, index.title(), index.snippet(), page.c.found)
            .join(page, page.c.id == Post.id)
            .options(joinedload(Post.author), joinedload(Post.tag_links))
            .order_by(page.c.rank.desc(), *newest_first(Post))
        )
        rows = db.session.execute(statement).unique().all()
        self._found = rows[0].found if rows else None
        return [PostMatch(post, highlighted(title), highlighted(snippet)) for post, title, snippet, _found in rows]

    def _query_count(self) -> int:
        index: FullTextIndex = self._query_args["index"]
        found = self._found if self._found is not None else db.session.scalar(index.count())
        self.more = found > index.ranked
        return min(found, index.ranked)


def full_text_index(text: str) -> FullTextIndex:
    """The query ``text`` against this engine's index; ``Invalid`` with a message when it cannot be searched."""
    ranked = current_app.config["FLASKY_SEARCH_RANKED"]
    return INDEXES[db.session.get_bind().dialect.name](parse(text), ranked)


def search_posts(text: str, page: int, per_page: int) -> SearchPagination:
    """The page ``page`` of the posts matching ``text``; ``Invalid`` with a message when ``text`` can't be searched."""
    index = full_text_index(text)
    return SearchPagination(page=page, per_page=per_page, max_per_page=None, error_out=False, index=index)


def search_people(text: str) -> list[User]:
    """The users whose username or name has the words of ``text``, the last word of each term as a prefix: an exact
    username first, then one it starts, then the newest members."""
    index = full_text_index(text)
    first = index.query.included_terms[0].text.lower()
    username = func.lower(User.username)
    relevance = case((username == first, 0), (username.startswith(first, autoescape=True), 1), else_=2)
    statement = index.people().order_by(relevance, User.member_since.desc(), User.id.desc()).limit(PEOPLE_SHOWN)
    return list(db.session.scalars(statement))


def highlighted(marked: str | None) -> Markup:
    """``marked`` as HTML: everything escaped, and each word the database marked inside <mark>."""
    html = Markup()
    for number, piece in enumerate((marked or "").split(MARK_START)):
        word, closed, rest = piece.partition(MARK_END)
        if number and closed:
            html += Markup("<mark>{}</mark>").format(unmarked(word)) + unmarked(rest)
        else:
            html += unmarked(piece)
    return html


def unmarked(text: str) -> Markup:
    """``text`` escaped, without a stray mark (a post could hold the private-use characters itself)."""
    return escape(text.replace(MARK_START, "").replace(MARK_END, ""))
