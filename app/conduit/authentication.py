"""Who is asking: the user named by ``Authorization: Token <token>`` (Flask-HTTPAuth's ``HTTPTokenAuth``), or nobody.

Views that need a user use ``@token_auth.login_required``; those the specification lets anyone read use
``@token_auth.login_required(optional=True)``.
"""

from flask import Response, g
from flask_httpauth import HTTPTokenAuth
from werkzeug.exceptions import HTTPException

from ..models import SessionKind, User
from ..models.session import TOKEN_KINDS
from ..services import sessions
from .errors import errors_response

token_auth = HTTPTokenAuth(scheme="Token")


def issue_token(user: User) -> str:
    """A new Conduit token for ``user``: a session the Security page lists, which outlives a change of name or email."""
    return sessions.issue_token(user, SessionKind.CONDUIT)


@token_auth.error_handler
def refuse(status: int) -> Response:
    """401 in Conduit's shape: no token was sent, or the one sent was refused."""
    return errors_response(status, g.pop("token_refusal", {"token": ["is missing"]}))


@token_auth.verify_token
def verify_token(token: str) -> User:
    """The confirmed user ``token`` names; a token sent and refused is answered at once, even where one is optional."""
    row = sessions.resume(token, TOKEN_KINDS)
    user = None if row is None else row.user
    if user is not None and user.confirmed:
        return user
    g.token_refusal = {"token": ["is invalid or expired"]} if user is None else {"email": ["is not confirmed"]}
    raise HTTPException(response=refuse(401))


def viewer() -> User | None:
    """The user making this request, or ``None`` when it carries no token."""
    return token_auth.current_user()


def signed_in_user() -> User:
    """The user making this request, in a view that requires a token."""
    return token_auth.current_user()


def sent_token() -> str:
    """The token this request was signed in with."""
    return token_auth.get_auth().token
