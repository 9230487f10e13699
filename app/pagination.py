"""Pages of long lists that cost the same on page 1 and page 2,000, and counts that never walk a whole table."""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Integer, Result, Select, and_, bindparam, func, inspect, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.orm.interfaces import ORMOption

from .converters import LARGEST_ID
from .extensions import db

# The widget shows the current page and the four after it (Pagination.iter_pages' right_current).
PAGES_AHEAD = 4

# How a list counts its rows: all of them, only as far as the widget links, or not at all.
Counting = Literal["exact", "bounded", "none"]


@dataclass(frozen=True)
class Cursor:
    """A row's place in a (timestamp, key) order, as a link to the page after or before it carries it.

    The key is the row's id, or the column that tells apart the rows of one list (a follower in a list of followers).
    """

    timestamp: datetime
    id: int

    def __str__(self) -> str:
        return f"{self.timestamp.isoformat()},{self.id}"

    @classmethod
    def of(cls, row: Any, key: str = "id") -> "Cursor":
        return cls(row.timestamp, getattr(row, key))

    @classmethod
    def parse(cls, text: str | None) -> "Cursor | None":
        """The cursor ``text`` spells (``<ISO 8601 timestamp>,<id>``), or ``None`` when it spells none."""
        timestamp, _, id = (text or "").rpartition(",")
        try:
            moment, number = datetime.fromisoformat(timestamp), int(id)
            if moment.tzinfo is not None:
                moment = moment.astimezone(UTC).replace(tzinfo=None)
        except (ValueError, OverflowError):
            return None
        return cls(moment, number) if abs(number) <= LARGEST_ID else None


@dataclass(frozen=True)
class Position:
    """Which page of a list to show: its number, and the cursor of the link that led there, if any."""

    page: int = 1
    after: Cursor | None = None
    before: Cursor | None = None

    @classmethod
    def from_args(cls, args: Mapping[str, Any], page: int) -> "Position":
        """Page ``page``, at the ``after`` or ``before`` cursor of ``args`` when one is there and readable."""
        after = Cursor.parse(args.get("after"))
        return cls(page, after, None if after else Cursor.parse(args.get("before")))


def in_order(
    model: Any, *, oldest_first: bool = False, key: InstrumentedAttribute | None = None
) -> tuple[ColumnElement, ...]:
    """The newest-first (or oldest-first) order of a model with ``timestamp`` and ``id`` (or ``key``), read in index
    order."""
    key = model.id if key is None else key
    if oldest_first:
        return (model.timestamp.asc(), key.asc())
    return (model.timestamp.desc(), key.desc())


def newest_first(model: Any) -> tuple[ColumnElement, ...]:
    """The newest-first order of a model with ``timestamp`` and ``id``, read in index order."""
    return in_order(model)


# Which end of a page a cursor fixes: its row before the page's first ("after"), after its last ("before"), or none.
Seek = Literal["after", "before"] | None

# How much of a list a count walks: all of it, from the ``:page_cursor`` row on, or from its start, ``:page_limit``
# rows at most for the last two.
Span = Literal["all", "from cursor", "from start"]


@dataclass(frozen=True)
class ListShape:
    """What the statements of a list's pages are built from: its ``select(Model)``, its order and its rows' loader
    options. Hashable, so that a list whose statement is built once (its values bind parameters) has its page and
    count statements built once too: they take the page's values as the bind parameters ``:page_limit``,
    ``:page_offset`` and ``:page_cursor_timestamp``, ``:page_cursor_id``."""

    statement: Select
    model: Any
    key: InstrumentedAttribute
    oldest_first: bool
    # ``None``: the (timestamp, key) order, in which a page may be found by a cursor.
    explicit_order: tuple[ColumnElement, ...] | None
    options: tuple[ORMOption, ...]

    @property
    def keyed(self) -> bool:
        """Whether the list is in the (timestamp, key) order, its pages found by cursors too."""
        return self.explicit_order is None

    @property
    def order_by(self) -> tuple[ColumnElement, ...]:
        return self.explicit_order or in_order(self.model, oldest_first=self.oldest_first, key=self.key)

    def ids(self) -> Select:
        """The primary keys of the rows the list selects (a follow's is its two users' ids)."""
        return self.statement.order_by(None).with_only_columns(*inspect(self.model).primary_key)

    def beyond_cursor(self, *, forward: bool, inclusive: bool = False) -> ColumnElement[bool]:
        """The rows after the ``:page_cursor`` row in the list's order (before it unless ``forward``), itself if
        ``inclusive``."""
        key = tuple_(self.model.timestamp, self.key)
        boundary = tuple_(
            bindparam("page_cursor_timestamp", type_=self.model.timestamp.type),
            bindparam("page_cursor_id", type_=self.key.type),
        )
        if forward == self.oldest_first:
            return key >= boundary if inclusive else key > boundary
        return key <= boundary if inclusive else key < boundary

    def page(self, seek: Seek) -> Select:
        """The rows of the ``:page_limit`` ids past ``:page_offset`` of the list, or next to its cursor, with their
        loader options, in the list's order: a deferred join."""
        ids, order = self.ids(), self.order_by
        if seek == "after":
            ids = ids.where(self.beyond_cursor(forward=True))
        elif seek == "before":
            ids = ids.where(self.beyond_cursor(forward=False))
            order = in_order(self.model, oldest_first=not self.oldest_first, key=self.key)
        limit, offset = bindparam("page_limit", type_=Integer), bindparam("page_offset", type_=Integer)
        page_ids = ids.order_by(*order).limit(limit).offset(offset).subquery()
        on_page = and_(*(page_ids.c[column.name] == column for column in inspect(self.model).primary_key))
        return select(self.model).join(page_ids, on_page).options(*self.options).order_by(*self.order_by)

    def count(self, span: Span) -> Select:
        """The number of the list's ids in ``span``, counted without loading a row."""
        ids = self.ids()
        if span == "from cursor":
            ids = ids.where(self.beyond_cursor(forward=True, inclusive=True))
        if span != "all":
            ids = ids.limit(bindparam("page_limit", type_=Integer))
        return select(func.count()).select_from(ids.subquery())


@lru_cache(maxsize=256)
def built_once(build: Callable[[ListShape, Any], Select], shape: ListShape, variant: Any) -> Select:
    """``build(shape, variant)``, built (and its cache key computed) once per process for a list built once; bounded,
    so that a statement passed as built once but built anew each time costs memory no longer than 256 builds."""
    return build(shape, variant)


class DeferredJoinPagination(Pagination):
    """A page loaded by a deferred join, found by its number or by a cursor, and counted as its list needs.

    The page's ids are chosen first by a select of the primary key alone, ordered and limited: on an index holding
    the filter and order columns (posts (timestamp, id) and (author_id, timestamp, id)) it is an index-only scan.
    A page asked for by number skips the rows before it with OFFSET, index entries only; a page asked for by a
    cursor (the links to the next and previous pages carry one) seeks straight to it, so page 2,000 reached by
    "next" costs what page 2 does. One row more than a page is read, so whether another page follows is known
    without a count. Only the page's rows are then read, with what ``options`` load, in the same statement.

    ``counting`` is ``"exact"`` (every id counted, without loading a row), ``"none"`` (``total`` is ``None``), or
    ``"bounded"``: counting a whole list on every view (100,000 posts on the home page) costs more than showing its
    page and grows with the table, and the widget only links the current page and the ``PAGES_AHEAD`` after it, so
    the count starts at the page's first row and stops one row past them. ``total`` is then exact when the list ends
    within that window, and otherwise ``more`` is true and ``pages`` the last page the widget links. Its cost is the
    same on every page, never growing with the table.
    """

    more: bool = False
    _has_next: bool = False
    _has_prev: bool = False

    def _cursor(self, row: Any) -> Cursor:
        return Cursor.of(row, self._query_args["shape"].key.key)

    def _run(self, build: Callable[[ListShape, Any], Select], variant: Any, **values: Any) -> Result:
        """Run ``build(shape, variant)`` with the list's bind parameters and ``values``; built once when the list's
        statement is."""
        shape: ListShape = self._query_args["shape"]
        params: Mapping[str, Any] | None = self._query_args["params"]
        statement = build(shape, variant) if params is None else built_once(build, shape, variant)
        return db.session.execute(statement, {**(params or {}), **values})

    def _query_items(self) -> list[Any]:
        keyed = self._query_args["shape"].keyed
        position: Position = self._query_args["position"] if keyed else Position(self.page)
        seek: Seek = "after" if position.after is not None else "before" if position.before is not None else None
        cursor, offset = position.after or position.before, 0 if seek else self._query_offset
        values = {"page_limit": self.per_page + 1, "page_offset": offset}
        if cursor is not None:
            values |= {"page_cursor_timestamp": cursor.timestamp, "page_cursor_id": cursor.id}
        rows = list(self._run(ListShape.page, seek, **values).scalars().unique())
        overflow = len(rows) > self.per_page
        if seek == "before":
            self._has_prev, self._has_next = overflow, True
            return rows[1:] if overflow else rows
        self._has_prev, self._has_next = self.page > 1 or position.after is not None, overflow
        return rows[: self.per_page]

    def _query_count(self) -> int:
        if self._query_args["counting"] == "exact" or not self._query_args["shape"].keyed:
            return self._run(ListShape.count, "all").scalar_one()
        if self.items:
            start, ahead = self._query_offset, (1 + PAGES_AHEAD) * self.per_page + 1
            first = self._cursor(self.items[0])
            values = {"page_cursor_timestamp": first.timestamp, "page_cursor_id": first.id}
            counted = self._run(ListShape.count, "from cursor", page_limit=ahead, **values).scalar_one()
        else:
            start, ahead = 0, (self.page + PAGES_AHEAD) * self.per_page + 1
            counted = self._run(ListShape.count, "from start", page_limit=ahead).scalar_one()
        self.more = counted == ahead
        return start + (counted - 1 if self.more else counted)

    @property
    def pages(self) -> int:
        """The last page the widget may link: the real last page unless ``more`` rows follow."""
        return self.page + PAGES_AHEAD if self.more else super().pages

    @property
    def has_next(self) -> bool:
        return self._has_next

    @property
    def has_prev(self) -> bool:
        return self._has_prev

    @property
    def next_args(self) -> dict[str, Any]:
        """The query arguments of the link to the next page: its number and, in a keyed list, where it starts."""
        if not self.items or not self._query_args["shape"].keyed:
            return {"page": self.page + 1}
        return {"page": self.page + 1, "after": str(self._cursor(self.items[-1]))}

    @property
    def prev_args(self) -> dict[str, Any]:
        """The query arguments of the link to the previous page; page 1 needs no cursor to be found at once."""
        if self.page <= 2 or not self.items or not self._query_args["shape"].keyed:
            return {"page": max(self.page - 1, 1)}
        return {"page": self.page - 1, "before": str(self._cursor(self.items[0]))}


def paginate(
    statement: Select,
    position: Position | int,
    per_page: int,
    *,
    order_by: Sequence[ColumnElement] | None = None,
    oldest_first: bool = False,
    key: InstrumentedAttribute | None = None,
    options: Sequence[ORMOption] = (),
    counting: Counting = "exact",
    params: Mapping[str, Any] | None = None,
) -> DeferredJoinPagination:
    """A page of the model rows ``statement`` selects, newest (or ``oldest_first``) first, or in ``order_by``.

    ``statement`` is a ``select(Model)`` with its joins and filters (an order it carries is replaced). In the
    (timestamp, id) order, or (timestamp, ``key``) for a model without an ``id`` (the column that tells apart the
    rows of one list), the page may be found by a ``Position``'s cursor, and its links carry one (``next_args``,
    ``prev_args``); a list in another ``order_by`` is found by page number alone, and counted exactly. One statement
    with ``counting="none"``, two otherwise, whatever the page size and depth; pages past the end are empty, never a
    404.

    ``params`` are the values of ``statement``'s bind parameters. Passing them says that ``statement``, ``options``
    and ``order_by`` are built once per process (``functools.cache``, as the lists a page of every request shows
    are): the page's and count's statements built from them are then built once too, and SQLAlchemy computes their
    cache keys once, not on every request.
    """
    if isinstance(position, int):
        position = Position(position)
    model = statement.column_descriptions[0]["entity"]
    shape = ListShape(
        statement=statement,
        model=model,
        key=model.id if key is None else key,
        oldest_first=oldest_first,
        explicit_order=None if order_by is None else tuple(order_by),
        options=tuple(options),
    )
    return DeferredJoinPagination(
        page=position.page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=counting != "none",
        shape=shape,
        params=params,
        position=position,
        counting=counting,
    )
