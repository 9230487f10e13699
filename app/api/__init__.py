"""The JSON REST API, version 1, mounted at ``/api/v1``: HTTP Basic or token authentication, no cookies, no CSRF."""

from flask import Blueprint

from ..extensions import csrf

api = Blueprint(
    "api",
    __name__,
    url_prefix="/api/v1",
    template_folder="templates",
    static_folder="static",
    static_url_path="/docs/static",
)
# Clients authenticate every request with a credential, never with a session cookie, so CSRF cannot apply.
csrf.exempt(api)

from . import (  # noqa: E402, F401
    account,
    authentication,
    blocks,
    comments,
    docs,
    errors,
    messages,
    notifications,
    posts,
    search,
    users,
)
