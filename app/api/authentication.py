"""Every API request authenticates itself: HTTP Basic with an email and password, or with a token.

Tokens are rows of ``user_sessions`` (``app.services.sessions``): ``DELETE /tokens/`` revokes the one sent, and the
Security page lists and revokes them all. An account with two-step sign-in gets a token by sending its code with the
password; a password alone authenticates nothing else for it.
"""

from flask import Response, current_app, g, request
from flask.blueprints import BlueprintSetupState
from flask_httpauth import HTTPBasicAuth

from ..errors import json_error
from ..exceptions import NotAuthenticated
from ..extensions import limiter
from ..models import SessionKind, User
from ..models.session import TOKEN_KINDS
from ..security import auth_rate_limit
from ..services import accounts, sessions, two_factor
from ..services.policy import require_confirmed
from . import api
from .openapi import operation
from .schemas import TokenRequestSchema, TokenSchema

basic_auth = HTTPBasicAuth(realm="Flasky API")

# The document and the page that shows it are public, so a newcomer can learn how to authenticate.
PUBLIC_ENDPOINTS = {"api.openapi_document", "api.docs", "api.static"}
PASSWORD_NOT_ENOUGH = (
    "This account uses two-step sign-in, so a password alone authenticates only POST /api/v1/tokens/: get a token "
    "there with your password and code, and send the token."
)


def unauthorized(message: str) -> Response:
    """401 with the ``WWW-Authenticate`` challenge a client needs to retry."""
    response = json_error(401, message)
    response.headers["WWW-Authenticate"] = basic_auth.authenticate_header()
    return response


@basic_auth.verify_password
def verify_password(email_or_token: str, password: str) -> User | None:
    """Accept an email and password, or a token as the username with an empty password."""
    g.token_used = password == ""
    if g.token_used:
        token = sessions.resume(email_or_token, TOKEN_KINDS)
        g.current_user = None if token is None else token.user
    else:
        g.current_user = accounts.authenticate(email_or_token, password)
    return g.current_user


def failed_authentication(response: Response) -> bool:
    """Whether a response refused the credentials sent: only those count towards the guessing limit."""
    return response.status_code == 401


@api.record
def limit_password_guesses(_state: BlueprintSetupState) -> None:
    """Every API endpoint checks passwords, so failed attempts anywhere count towards the same limit as logins.

    Set at each registration: the limiter keeps its limits per application it was initialised with.
    """
    limiter.shared_limit(auth_rate_limit, scope="api-authentication", deduct_when=failed_authentication)(api)


@basic_auth.error_handler
def authentication_error(status: int) -> Response:
    return unauthorized(
        "Authenticate with HTTP Basic: your email and password, or a token as the username with an empty password."
    )


@basic_auth.login_required
def _authenticated() -> Response | None:
    """Only confirmed accounts use the API (``OPTIONS`` carries no credentials)."""
    if request.method == "OPTIONS":
        return None
    if not g.token_used and request.endpoint != "api.get_token" and not two_factor.password_suffices(g.current_user):
        return unauthorized(PASSWORD_NOT_ENOUGH)
    require_confirmed(g.current_user)
    return None


@api.before_request
def authenticate() -> Response | None:
    """Refuse every request that carries no valid credential; a session cookie does not count."""
    request.max_content_length = current_app.config["FLASKY_API_MAX_CONTENT_LENGTH"]
    if request.endpoint in PUBLIC_ENDPOINTS:
        return None
    return _authenticated()


@api.post("/tokens/")
@limiter.limit(auth_rate_limit)
@operation(
    "Get a token",
    tag="tokens",
    response=TokenSchema,
    body=TokenRequestSchema,
    body_required=False,
    errors=(429,),
    description="Authenticate with your email and password; a token cannot be used to get another token. "
    "An account that uses two-step sign-in also sends `code` in a JSON body; a wrong code counts towards the "
    "same limit as a wrong password.",
)
def get_token(data: dict[str, object]) -> dict[str, object] | Response:
    """Issue a token for the user who sent their email and password, and their code if they need one."""
    if g.token_used:
        return unauthorized("A token cannot get another token: authenticate with your email and password.")
    try:
        two_factor.require_second_step(g.current_user, data["code"])
    except NotAuthenticated as refusal:
        return unauthorized(refusal.message)
    expiration = current_app.config["FLASKY_API_TOKEN_EXPIRATION"]
    return {"token": sessions.issue_token(g.current_user, SessionKind.API, expiration), "expiration": expiration}


@api.delete("/tokens/")
@operation(
    "Revoke the token sent",
    tag="tokens",
    status=204,
    description="Authenticate with the token to revoke, as the Basic username with an empty password: it stops "
    "working at once, everywhere.",
)
def revoke_token() -> tuple[str, int] | Response:
    """End the token this request authenticated with."""
    if not g.token_used:
        return unauthorized("Send the token to revoke as the Basic username, with an empty password.")
    sessions.sign_out()
    return "", 204
