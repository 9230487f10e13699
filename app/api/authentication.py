"""Every API request authenticates itself: HTTP Basic with an email and password, or with a token."""

from flask import Response, current_app, g, request
from flask.blueprints import BlueprintSetupState
from flask_httpauth import HTTPBasicAuth

from ..errors import json_error
from ..extensions import limiter
from ..models import User
from ..security import auth_rate_limit
from ..services import accounts
from ..services.policy import require_confirmed
from . import api
from .openapi import operation
from .schemas import TokenSchema

basic_auth = HTTPBasicAuth(realm="Flasky API")

# The document and the page that shows it are public, so a newcomer can learn how to authenticate.
PUBLIC_ENDPOINTS = {"api.openapi_document", "api.docs", "api.static"}


def unauthorized(message: str) -> Response:
    """401 with the ``WWW-Authenticate`` challenge a client needs to retry."""
    response = json_error(401, message)
    response.headers["WWW-Authenticate"] = basic_auth.authenticate_header()
    return response


@basic_auth.verify_password
def verify_password(email_or_token: str, password: str) -> User | None:
    """Accept an email and password, or a token as the username with an empty password."""
    g.token_used = password == ""
    g.current_user = (
        User.verify_auth_token(email_or_token) if g.token_used else accounts.authenticate(email_or_token, password)
    )
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
def _authenticated() -> None:
    """Only confirmed accounts use the API (``OPTIONS`` carries no credentials)."""
    if request.method != "OPTIONS":
        require_confirmed(g.current_user)


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
    errors=(429,),
    description="Authenticate with your email and password; a token cannot be used to get another token.",
)
def get_token() -> dict[str, object] | Response:
    """Issue a token for the user who sent their email and password."""
    if g.token_used:
        return unauthorized("A token cannot get another token: authenticate with your email and password.")
    expiration = current_app.config["FLASKY_API_TOKEN_EXPIRATION"]
    return {"token": g.current_user.generate_auth_token(expiration=expiration), "expiration": expiration}
