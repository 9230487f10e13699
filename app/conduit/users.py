"""Registration, login and the current user."""

from flask import Response, current_app, jsonify

from ..extensions import db, limiter
from ..lookups import email_taken, user_by_email, username_taken
from ..models import User
from ..security import auth_rate_limit
from . import conduit, schemas
from .authentication import issue_token, signed_in_user, token_from_header, token_required
from .errors import ConduitError


def user_response(user: User, token: str, status: int = 200) -> Response:
    response = jsonify({"user": schemas.user_json(user, token)})
    response.status_code = status
    return response


def check_email(email: str, user: User | None = None) -> None:
    """Refuse an address another user has, or the administrator's, which only mail can prove."""
    if email_taken(email, by_other_than=user):
        raise ConduitError(409, {"email": ["has already been taken"]})
    admin = current_app.config["FLASKY_ADMIN"]
    if admin and email == admin.lower():
        raise ConduitError(422, {"email": ["is reserved: register on the web site and confirm it by mail"]})


def check_username(username: str, user: User | None = None) -> None:
    if username_taken(username, by_other_than=user):
        raise ConduitError(409, {"username": ["has already been taken"]})


@conduit.post("/users")
@limiter.limit(auth_rate_limit)
def register() -> Response:
    """Register a user who can sign in at once, unless the deployment closed Conduit registration."""
    if current_app.config["FLASKY_CONDUIT_REGISTRATION"] == "closed":
        raise ConduitError(403, {"registration": ["is closed: register on the web site"]})
    values = schemas.registration()
    check_username(values["username"])
    check_email(values["email"])
    user = User(username=values["username"], email=values["email"], password=values["password"], confirmed=True)
    db.session.add(user)
    db.session.commit()
    return user_response(user, issue_token(user), 201)


@conduit.post("/users/login")
@limiter.limit(auth_rate_limit)
def login() -> Response:
    email, password = schemas.credentials()
    user = user_by_email(email)
    if user is None or not user.verify_password(password):
        raise ConduitError(401, {"credentials": ["invalid"]})
    if not user.confirmed:
        raise ConduitError(401, {"email": ["is not confirmed"]})
    db.session.commit()
    return user_response(user, issue_token(user))


@conduit.get("/user")
@token_required
def get_current_user() -> Response:
    return user_response(signed_in_user(), token_from_header())


@conduit.put("/user")
@token_required
def update_current_user() -> Response:
    """Change what was sent; the token sent stays valid, unless the password changes: then a new one comes back."""
    user = signed_in_user()
    changes = schemas.user_changes()
    if "username" in changes:
        check_username(changes["username"], user)
        user.username = changes["username"]
    if "email" in changes and changes["email"] != (user.email or "").lower():
        if current_app.config["FLASKY_CONDUIT_REGISTRATION"] == "closed":
            raise ConduitError(422, {"email": ["can only be changed on the web site, with confirmation by mail"]})
        check_email(changes["email"], user)
        user.email = changes["email"]
    if "password" in changes:
        user.password = changes["password"]
    if "bio" in changes:
        user.about_me = changes["bio"]
    if "image" in changes:
        user.image = changes["image"]
    db.session.commit()
    return user_response(user, issue_token(user) if "password" in changes else token_from_header())
