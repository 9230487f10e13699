"""Error responses: an HTML page for browsers, JSON for clients that prefer it, and each API's own shape.

An API blueprint registers the renderer of its error shape for its URL prefix (``register_error_renderer``), so
errors raised before any of its views is matched (an unknown URL, a refused method) take that shape too.

A database that does not answer (refused, dropped, failing over, its pool exhausted) is no bug of ours: every page
and API answers 503 with ``Retry-After`` and a message that says whether what was sent was saved, browsers a plain
page that needs no database; never a 500 (``handle_database_unavailable``).
"""

import logging
from collections.abc import Callable

from flask import Flask, Response, current_app, jsonify, make_response, render_template, request
from flask_babel import force_locale
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable
from werkzeug.http import HTTP_STATUS_CODES

from .database import CommitInDoubt, committed_in_this_request, note_view_started
from .exceptions import (
    N_,
    Conflict,
    DomainError,
    Invalid,
    NotAllowed,
    NotAuthenticated,
    NotFound,
    ReauthenticationRequired,
)
from .extensions import db
from .i18n import language_without_user, translated
from .resilience import DATABASE

logger = logging.getLogger(__name__)

ErrorRenderer = Callable[[HTTPException], Response]
RENDERERS_KEY = "flasky.error_renderers"
# The HTTP status of each domain error, the same on every interface.
DOMAIN_STATUSES: dict[type[DomainError], int] = {
    NotAuthenticated: 401,
    NotAllowed: 403,
    ReauthenticationRequired: 403,
    NotFound: 404,
    Conflict: 409,
    Invalid: 422,
}
# What the driver raises when the database does not answer, drops the connection or makes the pool wait too long.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError)
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
UNSAVED = N_("Not saved: the database is unavailable. Nothing you sent was kept; try again in a moment.")
IN_DOUBT = N_(
    "The database went away while saving, and we cannot tell yet whether your change was kept. "
    "Check before you send it again."
)
SAVED = N_("Your change was saved, but the database went away before the answer was ready. Reload in a moment.")
UNAVAILABLE = N_("The database is unavailable. Try again in a moment.")


def domain_status(error: DomainError) -> int:
    """The HTTP status that answers ``error``."""
    for kind, status in DOMAIN_STATUSES.items():
        if isinstance(error, kind):
            return status
    return 400


def register_error_renderer(app: Flask, prefix: str, renderer: ErrorRenderer) -> None:
    """Render HTTP errors of requests under ``prefix`` with ``renderer``; the longest matching prefix wins."""
    app.extensions.setdefault(RENDERERS_KEY, {})[prefix.rstrip("/") + "/"] = renderer


def renderer_for(path: str) -> ErrorRenderer | None:
    renderers = current_app.extensions.get(RENDERERS_KEY, {})
    matching = [prefix for prefix in renderers if (path.rstrip("/") + "/").startswith(prefix)]
    return renderers[max(matching, key=len)] if matching else None


def wants_json() -> bool:
    """True for every ``/api/`` path and for clients that prefer JSON to HTML."""
    if request.path.startswith("/api/"):
        return True
    mimetypes = request.accept_mimetypes
    return mimetypes["application/json"] > mimetypes["text/html"]


def status_phrase(status: int) -> str:
    """The short name of an HTTP status, such as ``not found``."""
    return HTTP_STATUS_CODES.get(status, "error").lower()


def json_error(status: int, message: str, error: str | None = None) -> Response:
    """A JSON error body ``{"error": short, "message": detail}`` with ``status``."""
    response = jsonify({"error": error or status_phrase(status), "message": message})
    response.status_code = status
    return response


def copy_headers(error: HTTPException, response: Response) -> Response:
    """Keep the error's own headers, such as ``Allow`` and ``Retry-After``."""
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_http_exception(error: HTTPException) -> Response:
    """Render an HTTP error in the shape of the API it happened under, or as JSON or the HTML error page."""
    renderer = renderer_for(request.path)
    if renderer is not None:
        return renderer(error)
    status = error.code or 500
    if wants_json():
        response = json_error(status, error.description or status_phrase(status))
    elif status == 503:
        # Rendered without context processors or the site's layout: they ask the database who is signed in. So
        # the language is the visitor's cookie or browser's, never the signed-in user's own setting.
        with force_locale(language_without_user()):
            template = current_app.jinja_env.get_template("errors/unavailable.html")
            page = template.render(message=translated(error.description))
        response = make_response(page, status)
    else:
        page = render_template("errors/error.html", status=status, phrase=HTTP_STATUS_CODES.get(status, "Error"))
        response = make_response(page, status)
    return copy_headers(error, response)


def handle_domain_error(error: DomainError) -> Response:
    """A refusal no view answered itself: the error page (or JSON) with the status the error stands for."""
    exception = HTTPException(description=error.message)
    exception.code = domain_status(error)
    return handle_http_exception(exception)


def unavailable_message(error: Exception) -> str:
    """What became of the request: kept, not kept, or unknown (a lost answer to COMMIT); or nothing to keep."""
    if isinstance(getattr(error, "orig", None), CommitInDoubt):
        return IN_DOUBT
    if request.method not in WRITE_METHODS:
        return UNAVAILABLE
    return SAVED if committed_in_this_request() else UNSAVED


def handle_database_unavailable(error: Exception) -> Response:
    """The database did not answer: 503 with ``Retry-After`` in the request's shape; logged once per outage."""
    DATABASE.failed(error)
    try:
        db.session.rollback()
    except SQLAlchemyError:
        # The connection is gone, and its transaction with it: there is nothing left to roll back.
        db.session.close()
    retry_after = current_app.config["FLASKY_RETRY_AFTER"]
    return handle_http_exception(ServiceUnavailable(unavailable_message(error), retry_after=retry_after))


def handle_unexpected_error(error: Exception) -> Response:
    """Roll back what the request left half done, log it, and answer 500."""
    db.session.rollback()
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError(original_exception=error))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(DomainError, handle_domain_error)
    for kind in DATABASE_UNAVAILABLE:
        app.register_error_handler(kind, handle_database_unavailable)
    # After every blueprint's before-request functions, so that a 503 tells the view's writes from theirs.
    app.before_request(note_view_started)
    app.register_error_handler(Exception, handle_unexpected_error)
