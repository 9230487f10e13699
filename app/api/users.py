"""Users, their posts, their timelines, and following them."""

from collections.abc import Callable
from typing import Any

from flask import abort, g

from ..lookups import user_with_id
from ..models import Permission, User
from ..models.user import authored_posts_of_author, followed_posts_of_follower
from ..services import follows
from . import api
from .openapi import operation
from .queries import posts_page
from .schemas import ListQuerySchema, PostPageSchema, UserSchema


def toggle(action: Callable[[Any, User], bool], id: int, already: str) -> tuple[str, int]:
    """Run a toggle such as follow or block by the caller on the user ``id``: 204, or 409 with ``already`` (which
    names the user as ``{username}``) when there was nothing to change."""
    user = user_with_id(id)
    if not action(g.current_user, user):
        abort(409, already.format(username=user.username))
    return "", 204


@api.get("/users/<int:id>")
@operation("Get a user", tag="users", response=UserSchema)
def get_user(id: int) -> dict[str, Any]:
    return user_with_id(id).to_json()


@api.get("/users/<int:id>/posts/")
@operation("List a user's posts, newest first", tag="users", response=PostPageSchema, query=ListQuerySchema)
def get_user_posts(id: int, args: dict[str, Any]) -> dict[str, Any]:
    author = {"author_id": user_with_id(id).id}
    return posts_page(authored_posts_of_author(), author, args, "api.get_user_posts", id=id)


@api.get("/users/<int:id>/timeline/")
@operation(
    "List the posts of the users a user follows, newest first",
    tag="users",
    response=PostPageSchema,
    query=ListQuerySchema,
    description="The user's own posts are included, as on the home page.",
)
def get_user_followed_posts(id: int, args: dict[str, Any]) -> dict[str, Any]:
    follower = {"follower_id": user_with_id(id).id}
    return posts_page(followed_posts_of_follower(), follower, args, "api.get_user_followed_posts", id=id)


@api.post("/users/<int:id>/follow")
@operation(
    "Follow a user",
    tag="users",
    status=204,
    permission=Permission.FOLLOW,
    errors=(409, 422),
    description="Following yourself gets 422; following someone you already follow gets 409.",
)
def follow_user(id: int) -> tuple[str, int]:
    return toggle(follows.follow, id, "You are already following {username}.")


@api.delete("/users/<int:id>/follow")
@operation(
    "Stop following a user",
    tag="users",
    status=204,
    permission=Permission.FOLLOW,
    errors=(409, 422),
    description="Unfollowing yourself gets 422; unfollowing someone you do not follow gets 409.",
)
def unfollow_user(id: int) -> tuple[str, int]:
    return toggle(follows.unfollow, id, "You are not following {username}.")
