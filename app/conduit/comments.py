"""Comments on articles."""

from flask import Response, jsonify

from ..extensions import db
from ..models import Comment, Permission
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_optional, token_required, viewer
from .errors import forbidden


@conduit.get("/articles/<slug>/comments")
@token_optional
def list_comments(slug: str) -> Response:
    post = queries.article_with_slug(slug)
    rows = queries.comment_rows(post, viewer())
    return jsonify({"comments": [schemas.comment_json(comment, following) for comment, following in rows]})


@conduit.post("/articles/<slug>/comments")
@token_required
def create_comment(slug: str) -> Response:
    user = signed_in_user()
    if not user.can(Permission.COMMENT):
        raise forbidden("comment")
    post = queries.article_with_slug(slug)
    comment = Comment(body=schemas.comment_body(), post=post, author=user)
    db.session.add(comment)
    db.session.commit()
    response = jsonify({"comment": schemas.comment_json(comment, False)})
    response.status_code = 201
    return response


@conduit.delete("/articles/<slug>/comments/<int:comment_id>")
@token_required
def delete_comment(slug: str, comment_id: int) -> Response:
    """Authors delete their own comments; moderators delete anyone's."""
    comment = queries.comment_on(queries.article_with_slug(slug), comment_id)
    user = signed_in_user()
    if comment.author_id != user.id and not user.can(Permission.MODERATE):
        raise forbidden("comment")
    db.session.delete(comment)
    db.session.commit()
    return Response(status=204)
