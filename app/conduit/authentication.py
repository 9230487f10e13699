"""Who is asking: the user named by ``Authorization: Token <token>``, or nobody."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request

from ..models import User
from .errors import ConduitError

TOKEN_SCHEME = "token"


def issue_token(user: User) -> str:
    """A signed token naming ``user`` by id, so it outlives a change of username or email."""
    return user.generate_auth_token(expiration=current_app.config["FLASKY_CONDUIT_TOKEN_EXPIRATION"])


def token_from_header() -> str | None:
    """The token of an ``Authorization: Token <token>`` header, or ``None``."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != TOKEN_SCHEME or not token:
        return None
    return token


def user_for_token(token: str) -> User:
    """The confirmed user a valid token names; otherwise a 401."""
    user = User.verify_auth_token(token)
    if user is None:
        raise ConduitError(401, {"token": ["is invalid or expired"]})
    if not user.confirmed:
        raise ConduitError(401, {"email": ["is not confirmed"]})
    return user


def viewer() -> User | None:
    """The user making this request, or ``None`` when it carries no token."""
    return g.get("conduit_user")


def signed_in_user() -> User:
    """The user making this request, in a view that requires a token."""
    return g.conduit_user


def token_optional(view: Callable) -> Callable:
    """Serve anyone; a token that is sent must be valid."""

    @wraps(view)
    def decorated_view(*args: Any, **kwargs: Any) -> Any:
        token = token_from_header()
        g.conduit_user = None if token is None else user_for_token(token)
        return view(*args, **kwargs)

    return decorated_view


def token_required(view: Callable) -> Callable:
    """Serve only requests that carry a valid token."""

    @wraps(view)
    def decorated_view(*args: Any, **kwargs: Any) -> Any:
        token = token_from_header()
        if token is None:
            raise ConduitError(401, {"token": ["is missing"]})
        g.conduit_user = user_for_token(token)
        return view(*args, **kwargs)

    return decorated_view
