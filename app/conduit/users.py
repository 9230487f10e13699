"""Registration, login and the current user."""

from flask import Response, current_app, jsonify

from ..extensions import limiter
from ..lookups import user_by_email
from ..models import User
from ..security import auth_rate_limit
from ..services import accounts, two_factor
from . import conduit, schemas
from .authentication import issue_token, sent_token, signed_in_user, token_auth
from .errors import errors_response


def user_response(user: User, token: str, status: int = 200) -> Response:
    response = jsonify({"user": schemas.user_json(user, token)})
    response.status_code = status
    return response


def registration_closed() -> bool:
    """Whether the deployment lets only the web site, which proves addresses by mail, register and change them."""
    return current_app.config["FLASKY_CONDUIT_REGISTRATION"] == "closed"


@conduit.post("/users")
@limiter.limit(auth_rate_limit)
def register() -> Response:
    """Register a user who can sign in at once, unless the deployment closed Conduit registration."""
    if registration_closed():
        return errors_response(403, {"registration": ["is closed: register on the web site"]})
    values = schemas.registration.load()
    user = accounts.register(values["email"], values["username"], values["password"], confirmed=True).user
    return user_response(user, issue_token(user), 201)


@conduit.post("/users/login")
@limiter.limit(auth_rate_limit)
def login() -> Response:
    """A new token for the email and password, and the code (``user.code``) if the account uses two-step sign-in."""
    values = schemas.credentials.load()
    user = accounts.authenticate(values["email"], values["password"])
    if user is None:
        return errors_response(401, {"credentials": ["invalid"]})
    if not user.confirmed:
        return errors_response(401, {"email": ["is not confirmed"]})
    two_factor.require_second_step(user, values["code"])
    return user_response(user, issue_token(user))


@conduit.get("/user")
@token_auth.login_required
def get_current_user() -> Response:
    return user_response(signed_in_user(), sent_token())


@conduit.put("/user")
@token_auth.login_required
def update_current_user() -> Response:
    """Change what was sent; the token sent stays valid, a new password ending only the user's other sessions."""
    user = signed_in_user()
    changes = schemas.user_changes.load()
    if "email" in changes and registration_closed():
        # The user's own address, in any letter case, is no change.
        if user_by_email(changes["email"] or "") is not user:
            return errors_response(422, {"email": ["can only be changed on the web site, with confirmation by mail"]})
        del changes["email"]
    accounts.update_account(user, user, changes)
    return user_response(user, sent_token())
