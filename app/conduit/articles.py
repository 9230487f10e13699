"""Articles (Flasky's posts), the feed, favorites and tags."""

from typing import Any

from flask import Response, current_app, jsonify

from ..lookups import post_with_slug
from ..services import posts
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_auth, viewer


def article_response(slug: str, status: int = 200) -> Response:
    """The article as the current user sees it."""
    post, favorites_count, favorited, following = queries.article_row(slug, viewer())
    response = jsonify({"article": schemas.article_json(post, favorites_count, favorited, following)})
    response.status_code = status
    return response


def articles_response(conditions: list[Any], page: dict[str, Any]) -> Response:
    """A page of articles, without their bodies, and the number matching in all."""
    limit = min(page["limit"], current_app.config["FLASKY_CONDUIT_MAX_LIMIT"])
    rows, total = queries.article_page(viewer(), conditions, limit, page["offset"])
    articles = [schemas.article_json(*row, with_body=False) for row in rows]
    return jsonify({"articles": articles, "articlesCount": total})


@conduit.get("/articles")
@token_auth.login_required(optional=True)
def list_articles() -> Response:
    """Recent articles, newest first, filtered by tag, author or the user who favorited them."""
    asked = schemas.query(schemas.ArticleQuery)
    conditions = queries.article_filters(
        viewer(), tag=asked["tag"], author=asked["author"], favorited_by=asked["favorited"]
    )
    return articles_response(conditions, asked)


@conduit.get("/articles/feed")
@token_auth.login_required
def feed() -> Response:
    """Recent articles by the users the current user follows."""
    return articles_response(queries.article_filters(viewer(), feed=True), schemas.query(schemas.PageQuery))


@conduit.post("/articles")
@token_auth.login_required
def create_article() -> Response:
    values = schemas.new_article.load()
    post = posts.create_post(
        signed_in_user(), values["body"], title=values["title"], description=values["description"], tags=values["tags"]
    )
    return article_response(post.slug, 201)


@conduit.get("/articles/<slug>")
@token_auth.login_required(optional=True)
def get_article(slug: str) -> Response:
    return article_response(slug)


@conduit.put("/articles/<slug>")
@token_auth.login_required
def update_article(slug: str) -> Response:
    """Change what was sent; a missing ``tagList`` keeps the tags. The slug never changes."""
    post = posts.edit_post(signed_in_user(), post_with_slug(slug), schemas.article_changes.load())
    return article_response(post.slug)


@conduit.delete("/articles/<slug>")
@token_auth.login_required
def delete_article(slug: str) -> Response:
    posts.delete_post(signed_in_user(), post_with_slug(slug))
    return Response(status=204)


@conduit.post("/articles/<slug>/favorite")
@token_auth.login_required
def favorite_article(slug: str) -> Response:
    """Favorite the article; favoriting it again changes nothing."""
    posts.favorite(signed_in_user(), post_with_slug(slug))
    return article_response(slug)


@conduit.delete("/articles/<slug>/favorite")
@token_auth.login_required
def unfavorite_article(slug: str) -> Response:
    posts.unfavorite(signed_in_user(), post_with_slug(slug))
    return article_response(slug)


@conduit.get("/tags")
def list_tags() -> Response:
    return jsonify({"tags": queries.popular_tags()})
