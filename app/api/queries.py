"""Pages of resources for the API, each in a fixed number of queries however long it is."""

from typing import Any

from flask import current_app, g, url_for
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select

from ..extensions import db
from ..models import Post
from ..pagination import paginate as paginate_rows


def page_size(args: dict[str, Any], default_per_page: str) -> int:
    """The ``per_page`` ``args`` ask for, or the configured default."""
    return args.get("per_page") or current_app.config[default_per_page]


def paginate(statement: Select, args: dict[str, Any], default_per_page: str) -> Pagination:
    """The page ``args`` ask for: an empty page past the last, never a 404."""
    per_page = page_size(args, default_per_page)
    return db.paginate(statement, page=args["page"], per_page=per_page, error_out=False, count=True)


def page_links(pagination: Pagination, endpoint: str, **view_args: Any) -> dict[str, Any]:
    """The ``prev``, ``next`` and ``count`` every list carries."""
    per_page = pagination.per_page
    return {
        "prev": url_for(endpoint, page=pagination.prev_num, per_page=per_page, **view_args)
        if pagination.has_prev
        else None,
        "next": url_for(endpoint, page=pagination.next_num, per_page=per_page, **view_args)
        if pagination.has_next
        else None,
        "count": pagination.total,
    }


def posts_page(statement: Select, args: dict[str, Any], endpoint: str, **view_args: Any) -> dict[str, Any]:
    """A page of posts with their comment counts and exact total, in three queries however long or deep the page."""
    pagination = paginate_rows(statement, args["page"], page_size(args, "FLASKY_POSTS_PER_PAGE"))
    counts = Post.comment_counts(pagination.items)
    posts = [post.to_json(comment_count=counts.get(post.id, 0)) for post in pagination.items]
    return {"posts": posts, **page_links(pagination, endpoint, **view_args)}


def comments_page(statement: Select, args: dict[str, Any], endpoint: str, **view_args: Any) -> dict[str, Any]:
    """A page of comments, in two queries however long the page."""
    pagination = paginate(statement, args, "FLASKY_COMMENTS_PER_PAGE")
    comments = [comment.to_json(reader=g.current_user) for comment in pagination.items]
    return {"comments": comments, **page_links(pagination, endpoint, **view_args)}
