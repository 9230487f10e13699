"""The RealWorld "Conduit" API, mounted at ``/api``: token authentication, no cookies, no CSRF.

The contract is the RealWorld OpenAPI specification; every error is ``{"errors": {"field": ["message"]}}``.
One field is Flasky's own: an account that uses two-step sign-in logs in with ``{"user": {"email", "password",
"code"}}``, ``code`` being the 6-digit code of its authenticator app or a recovery code; without it the login answers
401 ``{"errors": {"code": [...]}}``. Tokens are sessions the Security page (``/auth/security``) lists and revokes.
"""

from flask import Blueprint

from ..extensions import csrf

conduit = Blueprint("conduit", __name__)
# Clients send a token in the Authorization header, never a session cookie, so CSRF cannot apply.
csrf.exempt(conduit)

from . import articles, comments, errors, profiles, users  # noqa: E402, F401
