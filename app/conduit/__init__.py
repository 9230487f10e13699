"""The RealWorld "Conduit" API, mounted at ``/api``: token authentication, no cookies, no CSRF.

The contract is the RealWorld OpenAPI specification; every error is ``{"errors": {"field": ["message"]}}``.
"""

from flask import Blueprint

from ..extensions import csrf

conduit = Blueprint("conduit", __name__)
# Clients send a token in the Authorization header, never a session cookie, so CSRF cannot apply.
csrf.exempt(conduit)

from . import articles, comments, errors, profiles, users  # noqa: E402, F401
