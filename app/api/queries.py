"""Pages of resources for the API, each in a fixed number of queries however long it is."""

from collections.abc import Mapping
from typing import Any

from flask import current_app, g, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from ..models import Post
from ..pagination import DeferredJoinPagination, Position
from ..pagination import paginate as paginate_rows


def page_size(args: dict[str, Any], default_per_page: str) -> int:
    """The ``per_page`` ``args`` ask for, or the configured default."""
    return args.get("per_page") or current_app.config[default_per_page]


def paginate(
    statement: Select,
    args: dict[str, Any],
    default_per_page: str,
    *,
    oldest_first: bool = False,
    params: Mapping[str, Any] | None = None,
) -> DeferredJoinPagination:
    """The page ``args`` ask for, by number or cursor, counted only for ``?count=exact``: past the last, empty.
    ``params``: the values of ``statement``'s bind parameters, when it is built once (see ``app.pagination``)."""
    position = Position.from_args(args, args["page"])
    counting = "exact" if args.get("count") == "exact" else "none"
    per_page = page_size(args, default_per_page)
    return paginate_rows(statement, position, per_page, oldest_first=oldest_first, counting=counting, params=params)


def page_links(pagination: Pagination, endpoint: str, **view_args: Any) -> dict[str, Any]:
    """The ``prev``, ``next`` and ``count`` every list carries; a keyed list's links carry a cursor."""
    keyed = isinstance(pagination, DeferredJoinPagination)
    view_args = {"per_page": pagination.per_page, **view_args}
    prev_args = pagination.prev_args if keyed else {"page": pagination.prev_num}
    next_args = pagination.next_args if keyed else {"page": pagination.next_num}
    return {
        "prev": url_for(endpoint, **prev_args, **view_args) if pagination.has_prev else None,
        "next": url_for(endpoint, **next_args, **view_args) if pagination.has_next else None,
        "count": pagination.total,
    }


def list_links(pagination: Pagination, args: dict[str, Any], endpoint: str, **view_args: Any) -> dict[str, Any]:
    """``page_links``, the links asking again for the exact count when this request did."""
    if args.get("count") == "exact":
        view_args["count"] = "exact"
    return page_links(pagination, endpoint, **view_args)


def posts_page(
    statement: Select, params: Mapping[str, Any], args: dict[str, Any], endpoint: str, **view_args: Any
) -> dict[str, Any]:
    """A page of the posts ``statement`` (built once, ``params`` its values) selects, with their comment counts, in
    two queries however long or deep (three with the total)."""
    pagination = paginate(statement, args, "FLASKY_POSTS_PER_PAGE", params=params)
    counts = Post.comment_counts(pagination.items)
    posts = [post.to_json(comment_count=counts.get(post.id, 0)) for post in pagination.items]
    return {"posts": posts, **list_links(pagination, args, endpoint, **view_args)}


def comments_page(
    statement: Select, args: dict[str, Any], endpoint: str, *, oldest_first: bool = False, **view_args: Any
) -> dict[str, Any]:
    """A page of comments, in one query however long or deep the page (two with the total)."""
    pagination = paginate(statement, args, "FLASKY_COMMENTS_PER_PAGE", oldest_first=oldest_first)
    comments = [comment.to_json(reader=g.current_user) for comment in pagination.items]
    return {"comments": comments, **list_links(pagination, args, endpoint, **view_args)}
