"""Profiles, following and unfollowing."""

from flask import Response, jsonify

from ..extensions import db
from ..models import Permission, User
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_optional, token_required, viewer
from .errors import ConduitError, forbidden


def profile_response(user: User, following: bool) -> Response:
    return jsonify({"profile": schemas.profile_json(user, following)})


def user_to_follow(username: str) -> User:
    """The user ``username`` names, if the current user may follow or unfollow them."""
    follower = signed_in_user()
    if not follower.can(Permission.FOLLOW):
        raise forbidden("profile")
    user = queries.user_named(username)
    if user.id == follower.id:
        raise ConduitError(422, {"profile": ["is your own: you cannot follow or unfollow yourself"]})
    return user


@conduit.get("/profiles/<username>")
@token_optional
def get_profile(username: str) -> Response:
    user = queries.user_named(username)
    return profile_response(user, queries.is_following(viewer(), user))


@conduit.post("/profiles/<username>/follow")
@token_required
def follow(username: str) -> Response:
    user = user_to_follow(username)
    signed_in_user().follow(user)
    db.session.commit()
    return profile_response(user, True)


@conduit.delete("/profiles/<username>/follow")
@token_required
def unfollow(username: str) -> Response:
    user = user_to_follow(username)
    signed_in_user().unfollow(user)
    db.session.commit()
    return profile_response(user, False)
