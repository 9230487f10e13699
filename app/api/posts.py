"""Posts: list, read, write, edit and delete."""

from typing import Any

from flask import Response, abort, g, url_for
from sqlalchemy import select

from ..extensions import db
from ..models import Permission, Post
from . import api
from .openapi import operation
from .queries import get_or_404, posts_page
from .schemas import PageQuerySchema, PostInputSchema, PostPageSchema, PostSchema


def editable_post(id: int) -> Post:
    """The post ``id`` if the current user wrote it or is an administrator; 403 otherwise."""
    post = get_or_404(Post, id)
    if post.author != g.current_user and not g.current_user.is_administrator():
        abort(403, "Only the post's author or an administrator can change it.")
    return post


@api.get("/posts/")
@operation("List all posts, newest first", tag="posts", response=PostPageSchema, query=PageQuerySchema)
def get_posts(args: dict[str, Any]) -> dict[str, Any]:
    statement = select(Post).order_by(Post.timestamp.desc(), Post.id.desc())
    return posts_page(statement, args, "api.get_posts")


@api.post("/posts/")
@operation(
    "Write a post", tag="posts", response=PostSchema, status=201, body=PostInputSchema, permission=Permission.WRITE
)
def new_post(data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    post = Post.from_json(data)
    post.author = g.current_user
    db.session.add(post)
    db.session.commit()
    return post.to_json(comment_count=0), 201, {"Location": url_for("api.get_post", id=post.id, _external=True)}


@api.get("/posts/<int:id>")
@operation("Get a post", tag="posts", response=PostSchema)
def get_post(id: int) -> dict[str, Any]:
    return get_or_404(Post, id).to_json()


@api.put("/posts/<int:id>")
@operation(
    "Edit a post",
    tag="posts",
    response=PostSchema,
    body=PostInputSchema,
    permission=Permission.WRITE,
    description="Only the author or an administrator may edit a post.",
)
def edit_post(id: int, data: dict[str, Any]) -> dict[str, Any]:
    post = editable_post(id)
    post.body = Post.from_json(data).body
    db.session.commit()
    return post.to_json()


@api.delete("/posts/<int:id>")
@operation(
    "Delete a post",
    tag="posts",
    status=204,
    permission=Permission.WRITE,
    description="Only the author or an administrator may delete a post; its comments go with it.",
)
def delete_post(id: int) -> Response | tuple[str, int]:
    db.session.delete(editable_post(id))
    db.session.commit()
    return "", 204
