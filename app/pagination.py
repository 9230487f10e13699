"""Pages of long lists that cost the same on page 1 and page 2,000, and counts that never walk a whole table."""

from collections.abc import Sequence
from typing import Any

from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm.interfaces import ORMOption

from .extensions import db

# The widget shows the current page and the four after it (Pagination.iter_pages' right_current).
PAGES_AHEAD = 4


def newest_first(model: Any) -> tuple[ColumnElement, ...]:
    """The newest-first order of a model with ``timestamp`` and ``id``, read in index order."""
    return (model.timestamp.desc(), model.id.desc())


class DeferredJoinPagination(Pagination):
    """A page loaded by a deferred join, and an exact count of the list's ids.

    The page's ids are chosen first by a select of the primary key alone, ordered, with LIMIT and OFFSET: on an
    index holding the filter and order columns (posts (timestamp, id) and (author_id, timestamp, id)) it is an
    index-only scan, so the rows an OFFSET skips are index entries, never table rows. Only the page's rows are then
    read, with what ``options`` load, in the same statement. The count counts those ids the same way, without
    loading a row.
    """

    def _ids(self) -> Select:
        statement: Select = self._query_args["select"]
        return statement.order_by(None).with_only_columns(self._query_args["model"].id)

    def _query_items(self) -> list[Any]:
        model, order_by = self._query_args["model"], self._query_args["order_by"]
        page_ids = self._ids().order_by(*order_by).limit(self.per_page).offset(self._query_offset).subquery()
        statement = (
            select(model)
            .join(page_ids, page_ids.c.id == model.id)
            .options(*self._query_args["options"])
            .order_by(*order_by)
        )
        return list(db.session.scalars(statement).unique())

    def _query_count(self) -> int:
        return db.session.scalar(select(func.count()).select_from(self._ids().subquery()))


class BoundedPagination(DeferredJoinPagination):
    """A deferred-join page whose count stops a few pages past the current one.

    Counting a whole list on every view (100,000 posts on the home page) costs more than showing its page, and grows
    with the table. The widget only links the current page and the ``PAGES_AHEAD`` after it, so the count stops
    one row past them: ``total`` is exact when the list ends within that window, and otherwise ``more`` is true,
    ``total`` is the rows counted so far and ``pages`` the last page the widget links. Its cost grows with the page
    number, like the page's own ids, never with the table.
    """

    more: bool = False

    def _query_count(self) -> int:
        limit = (self.page + PAGES_AHEAD) * self.per_page + 1
        counted = db.session.scalar(select(func.count()).select_from(self._ids().limit(limit).subquery()))
        self.more = counted == limit
        return counted - 1 if self.more else counted

    @property
    def pages(self) -> int:
        """The last page the widget may link: the real last page unless ``more`` rows follow."""
        return self.page + PAGES_AHEAD if self.more else super().pages


def paginate(
    statement: Select,
    page: int,
    per_page: int,
    *,
    order_by: Sequence[ColumnElement] | None = None,
    options: Sequence[ORMOption] = (),
    bounded_count: bool = False,
) -> DeferredJoinPagination:
    """A page of the model rows ``statement`` selects, in ``order_by`` (newest first by default).

    ``statement`` is a ``select(Model)`` with its joins and filters (an order it carries is replaced);
    ``bounded_count`` counts only as far as the widget links (see ``BoundedPagination``); otherwise the count
    is exact. Two statements, whatever the page size and depth; pages past the end are empty, never a 404.
    """
    model = statement.column_descriptions[0]["entity"]
    kind = BoundedPagination if bounded_count else DeferredJoinPagination
    return kind(
        page=page,
        per_page=per_page,
        max_per_page=None,
        error_out=False,
        select=statement,
        model=model,
        order_by=tuple(order_by or newest_first(model)),
        options=tuple(options),
    )
