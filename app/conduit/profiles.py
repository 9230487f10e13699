"""Profiles, following and unfollowing."""

from collections.abc import Callable

from flask import Response, jsonify

from ..lookups import user_named
from ..models import User
from ..services import follows
from . import conduit, queries, schemas
from .authentication import signed_in_user, token_auth, viewer


def profile_response(user: User, following: bool) -> Response:
    return jsonify({"profile": schemas.profile_json(user, following)})


def changed_profile(action: Callable[[User, User], bool], username: str, following: bool) -> Response:
    """Run ``action`` (follow or unfollow) by the signed-in user on ``username``; answer with the profile, which
    ``following`` it now is: doing it again changes nothing."""
    user = user_named(username)
    action(signed_in_user(), user)
    return profile_response(user, following)


@conduit.get("/profiles/<username>")
@token_auth.login_required(optional=True)
def get_profile(username: str) -> Response:
    user = user_named(username)
    return profile_response(user, queries.is_following(viewer(), user))


@conduit.post("/profiles/<username>/follow")
@token_auth.login_required
def follow(username: str) -> Response:
    """Follow the user."""
    return changed_profile(follows.follow, username, True)


@conduit.delete("/profiles/<username>/follow")
@token_auth.login_required
def unfollow(username: str) -> Response:
    """Stop following the user."""
    return changed_profile(follows.unfollow, username, False)
