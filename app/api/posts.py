"""Posts: list, read, write, edit and delete."""

from typing import Any

from flask import g, url_for

from ..lookups import post_with_id
from ..models import Permission
from ..models.post import every_post
from ..services import posts
from . import api
from .openapi import operation
from .queries import posts_page
from .schemas import ListQuerySchema, PostInputSchema, PostPageSchema, PostSchema


@api.get("/posts/")
@operation("List all posts, newest first", tag="posts", response=PostPageSchema, query=ListQuerySchema)
def get_posts(args: dict[str, Any]) -> dict[str, Any]:
    return posts_page(every_post(), {}, args, "api.get_posts")


@api.post("/posts/")
@operation(
    "Write a post", tag="posts", response=PostSchema, status=201, body=PostInputSchema, permission=Permission.WRITE
)
def new_post(data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    post = posts.create_post(g.current_user, data["body"], title=data.get("title"))
    return post.to_json(comment_count=0), 201, {"Location": url_for("api.get_post", id=post.id, _external=True)}


@api.get("/posts/<int:id>")
@operation("Get a post", tag="posts", response=PostSchema)
def get_post(id: int) -> dict[str, Any]:
    return post_with_id(id).to_json()


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
    return posts.edit_post(g.current_user, post_with_id(id), data).to_json()


@api.delete("/posts/<int:id>")
@operation(
    "Delete a post",
    tag="posts",
    status=204,
    permission=Permission.WRITE,
    errors=(409,),
    description="Only the author or an administrator may delete a post; its comments go with it.",
)
def delete_post(id: int) -> tuple[str, int]:
    posts.delete_post(g.current_user, post_with_id(id))
    return "", 204
