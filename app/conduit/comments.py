"""Comments on articles."""

from flask import Response, jsonify

from ..lookups import comment_with_id, post_with_slug
from ..services import comments
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_auth, viewer


@conduit.get("/articles/<slug>/comments")
@token_auth.login_required(optional=True)
def list_comments(slug: str) -> Response:
    rows = queries.comment_rows(post_with_slug(slug), viewer())
    return jsonify({"comments": [schemas.comment_json(comment, following) for comment, following in rows]})


@conduit.post("/articles/<slug>/comments")
@token_auth.login_required
def create_comment(slug: str) -> Response:
    post = post_with_slug(slug)
    comment = comments.add_comment(signed_in_user(), post, schemas.new_comment.load()["body"])
    response = jsonify({"comment": schemas.comment_json(comment, False)})
    response.status_code = 201
    return response


@conduit.delete("/articles/<slug>/comments/<int:comment_id>")
@token_auth.login_required
def delete_comment(slug: str, comment_id: int) -> Response:
    """Authors delete their own comments; moderators delete anyone's."""
    comments.delete_comment(signed_in_user(), comment_with_id(comment_id, post_with_slug(slug)))
    return Response(status=204)
