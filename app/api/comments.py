"""Comments: list them, read one, and comment on a post."""

from typing import Any

from flask import g, url_for
from sqlalchemy import select

from ..lookups import comment_with_id, post_with_id
from ..models import Comment, Permission
from ..services import comments
from . import api
from .openapi import operation
from .queries import comments_page
from .schemas import CommentInputSchema, CommentPageSchema, CommentSchema, ListQuerySchema


@api.get("/comments/")
@operation("List all comments, newest first", tag="comments", response=CommentPageSchema, query=ListQuerySchema)
def get_comments(args: dict[str, Any]) -> dict[str, Any]:
    return comments_page(select(Comment), args, "api.get_comments")


@api.get("/comments/<int:id>")
@operation("Get a comment", tag="comments", response=CommentSchema)
def get_comment(id: int) -> dict[str, Any]:
    return comment_with_id(id).to_json(reader=g.current_user)


@api.get("/posts/<int:id>/comments/")
@operation("List a post's comments, oldest first", tag="comments", response=CommentPageSchema, query=ListQuerySchema)
def get_post_comments(id: int, args: dict[str, Any]) -> dict[str, Any]:
    post = post_with_id(id)
    statement = select(Comment).where(Comment.post_id == post.id)
    return comments_page(statement, args, "api.get_post_comments", oldest_first=True, id=id)


@api.post("/posts/<int:id>/comments/")
@operation(
    "Comment on a post",
    tag="comments",
    response=CommentSchema,
    status=201,
    body=CommentInputSchema,
    permission=Permission.COMMENT,
)
def new_post_comment(id: int, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    comment = comments.add_comment(g.current_user, post_with_id(id), data["body"])
    location = url_for("api.get_comment", id=comment.id, _external=True)
    return comment.to_json(reader=g.current_user), 201, {"Location": location}
