"""Profiles, following and unfollowing."""

from flask import Response, jsonify

from ..lookups import user_named
from ..models import User
from ..services import follows
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_auth, viewer


def profile_response(user: User, following: bool) -> Response:
    return jsonify({"profile": schemas.profile_json(user, following)})


@conduit.get("/profiles/<username>")
@token_auth.login_required(optional=True)
def get_profile(username: str) -> Response:
    user = user_named(username)
    return profile_response(user, queries.is_following(viewer(), user))


@conduit.post("/profiles/<username>/follow")
@token_auth.login_required
def follow(username: str) -> Response:
    """Follow the user; following them again changes nothing."""
    user = user_named(username)
    follows.follow(signed_in_user(), user)
    return profile_response(user, True)


@conduit.delete("/profiles/<username>/follow")
@token_auth.login_required
def unfollow(username: str) -> Response:
    user = user_named(username)
    follows.unfollow(signed_in_user(), user)
    return profile_response(user, False)
