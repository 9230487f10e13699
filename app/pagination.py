"""Pages of long lists that cost the same on page 1 and page 2,000, and counts that never walk a whole table."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, and_, func, inspect, select, tuple_
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

    def _ids(self) -> Select:
        """The primary keys of the rows the list selects (a follow's is its two users' ids)."""
        statement: Select = self._query_args["select"]
        return statement.order_by(None).with_only_columns(*inspect(self._query_args["model"]).primary_key)

    def _cursor(self, row: Any) -> Cursor:
        return Cursor.of(row, self._query_args["key"].key)

    def _key_beyond(self, cursor: Cursor, *, forward: bool, inclusive: bool = False) -> ColumnElement[bool]:
        """The rows after ``cursor`` in the list's order (before it unless ``forward``), itself if ``inclusive``."""
        model = self._query_args["model"]
        key, boundary = tuple_(model.timestamp, self._query_args["key"]), tuple_(cursor.timestamp, cursor.id)
        if forward == self._query_args["oldest_first"]:
            return key >= boundary if inclusive else key > boundary
        return key <= boundary if inclusive else key < boundary

    def _query_items(self) -> list[Any]:
        model, order_by = self._query_args["model"], self._query_args["order_by"]
        position: Position = self._query_args["position"] if self._query_args["keyed"] else Position(self.page)
        ids, order, offset = self._ids(), order_by, 0
        if position.after is not None:
            ids = ids.where(self._key_beyond(position.after, forward=True))
        elif position.before is not None:
            ids = ids.where(self._key_beyond(position.before, forward=False))
            order = in_order(model, oldest_first=not self._query_args["oldest_first"], key=self._query_args["key"])
        else:
            offset = self._query_offset
        page_ids = ids.order_by(*order).limit(self.per_page + 1).offset(offset).subquery()
        on_page = and_(*(page_ids.c[column.name] == column for column in inspect(model).primary_key))
        statement = select(model).join(page_ids, on_page).options(*self._query_args["options"]).order_by(*order_by)
        rows = list(db.session.scalars(statement).unique())
        overflow = len(rows) > self.per_page
        if position.before is not None and position.after is None:
            self._has_prev, self._has_next = overflow, True
            return rows[1:] if overflow else rows
        self._has_prev, self._has_next = self.page > 1 or position.after is not None, overflow
        return rows[: self.per_page]

    def _query_count(self) -> int:
        counting: Counting = self._query_args["counting"]
        if counting == "exact" or not self._query_args["keyed"]:
            return db.session.scalar(select(func.count()).select_from(self._ids().subquery()))
        if self.items:
            start, ahead = self._query_offset, (1 + PAGES_AHEAD) * self.per_page + 1
            ids = self._ids().where(self._key_beyond(self._cursor(self.items[0]), forward=True, inclusive=True))
        else:
            start, ahead = 0, (self.page + PAGES_AHEAD) * self.per_page + 1
            ids = self._ids()
        counted = db.session.scalar(select(func.count()).select_from(ids.limit(ahead).subquery()))
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
        if not self.items or not self._query_args["keyed"]:
            return {"page": self.page + 1}
        return {"page": self.page + 1, "after": str(self._cursor(self.items[-1]))}

    @property
    def prev_args(self) -> dict[str, Any]:
        """The query arguments of the link to the previous page; page 1 needs no cursor to be found at once."""
        if self.page <= 2 or not self.items or not self._query_args["keyed"]:
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
) -> DeferredJoinPagination:
    """A page of the model rows ``statement`` selects, newest (or ``oldest_first``) first, or in ``order_by``.

    ``statement`` is a ``select(Model)`` with its joins and filters (an order it carries is replaced). In the
    (timestamp, id) order, or (timestamp, ``key``) for a model without an ``id`` (the column that tells apart the
    rows of one list), the page may be found by a ``Position``'s cursor, and its links carry one (``next_args``,
    ``prev_args``); a list in another ``order_by`` is found by page number alone, and counted exactly. One statement
    with ``counting="none"``, two otherwise, whatever the page size and depth; pages past the end are empty, never a
    404.
    """
    if isinstance(position, int):
        position = Position(position)
    model = statement.column_descriptions[0]["entity"]
    key = model.id if key is None else key
    return DeferredJoinPagination(
        page=position.page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        count=counting != "none",
        select=statement,
        model=model,
        position=position,
        keyed=order_by is None,
        oldest_first=oldest_first,
        key=key,
        order_by=tuple(order_by or in_order(model, oldest_first=oldest_first, key=key)),
        options=tuple(options),
        counting=counting,
    )
