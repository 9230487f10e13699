"""Articles (Flasky's posts), the feed, favorites and tags."""

from typing import Any

from flask import Response, jsonify

from ..extensions import db
from ..models import Permission, Post, User
from ..timestamps import utcnow
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_optional, token_required, viewer
from .errors import forbidden


def article_response(slug: str, status: int = 200) -> Response:
    """The article as the current user sees it."""
    post, favorites_count, favorited, following = queries.article_row(slug, viewer())
    response = jsonify({"article": schemas.article_json(post, favorites_count, favorited, following)})
    response.status_code = status
    return response


def articles_response(conditions: list[Any]) -> Response:
    """A page of articles, without their bodies, and the number matching in all."""
    limit, offset = schemas.page()
    rows, total = queries.article_page(viewer(), conditions, limit, offset)
    articles = [schemas.article_json(*row, with_body=False) for row in rows]
    return jsonify({"articles": articles, "articlesCount": total})


def may_change(user: User, post: Post) -> bool:
    """Authors change their own articles; administrators change anyone's."""
    return user.id == post.author_id or user.is_administrator()


def apply_changes(post: Post, values: dict[str, Any]) -> None:
    """Set what was sent; a missing ``tagList`` keeps the tags, an empty one clears them. The slug never changes."""
    for name in ("title", "description", "body"):
        if name in values:
            setattr(post, name, values[name])
    if "tagList" in values:
        post.tag_names = values["tagList"]


@conduit.get("/articles")
@token_optional
def list_articles() -> Response:
    """Recent articles, newest first, filtered by tag, author or the user who favorited them."""
    conditions = queries.article_filters(
        viewer(),
        tag=schemas.query_text("tag"),
        author=schemas.query_text("author"),
        favorited_by=schemas.query_text("favorited"),
    )
    return articles_response(conditions)


@conduit.get("/articles/feed")
@token_required
def feed() -> Response:
    """Recent articles by the users the current user follows."""
    return articles_response(queries.article_filters(viewer(), feed=True))


@conduit.post("/articles")
@token_required
def create_article() -> Response:
    user = signed_in_user()
    if not user.can(Permission.WRITE):
        raise forbidden("article")
    values = schemas.article_fields(partial=False)
    post = Post(author=user)
    apply_changes(post, values)
    db.session.add(post)
    db.session.commit()
    return article_response(post.slug, 201)


@conduit.get("/articles/<slug>")
@token_optional
def get_article(slug: str) -> Response:
    return article_response(slug)


@conduit.put("/articles/<slug>")
@token_required
def update_article(slug: str) -> Response:
    post = queries.article_with_slug(slug)
    if not may_change(signed_in_user(), post):
        raise forbidden("article")
    apply_changes(post, schemas.article_fields(partial=True))
    post.updated_at = utcnow()
    db.session.commit()
    return article_response(post.slug)


@conduit.delete("/articles/<slug>")
@token_required
def delete_article(slug: str) -> Response:
    post = queries.article_with_slug(slug)
    if not may_change(signed_in_user(), post):
        raise forbidden("article")
    db.session.delete(post)
    db.session.commit()
    return Response(status=204)


@conduit.post("/articles/<slug>/favorite")
@token_required
def favorite_article(slug: str) -> Response:
    queries.article_with_slug(slug).favorite(signed_in_user())
    db.session.commit()
    return article_response(slug)


@conduit.delete("/articles/<slug>/favorite")
@token_required
def unfavorite_article(slug: str) -> Response:
    queries.article_with_slug(slug).unfavorite(signed_in_user())
    db.session.commit()
    return article_response(slug)


@conduit.get("/tags")
def list_tags() -> Response:
    return jsonify({"tags": queries.popular_tags()})
