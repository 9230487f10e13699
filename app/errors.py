"""Error responses: an HTML page for browsers, JSON for the API and for clients that prefer it."""

import logging

from flask import Flask, Response, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException, InternalServerError
from werkzeug.http import HTTP_STATUS_CODES

from .conduit.errors import http_error_response as conduit_error_response
from .conduit.errors import wants_conduit_errors
from .extensions import db

logger = logging.getLogger(__name__)


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


def handle_http_exception(error: HTTPException) -> Response:
    """Render an HTTP error as JSON or as the HTML error page, keeping its headers."""
    status = error.code or 500
    if wants_conduit_errors():
        return conduit_error_response(error)
    if wants_json():
        response = json_error(status, error.description or status_phrase(status))
    else:
        page = render_template("errors/error.html", status=status, phrase=HTTP_STATUS_CODES.get(status, "Error"))
        response = make_response(page, status)
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


def handle_unexpected_error(error: Exception) -> Response:
    """Roll back what the request left half done, log it, and answer 500."""
    db.session.rollback()
    logger.exception("Unhandled error on %s %s", request.method, request.path)
    return handle_http_exception(InternalServerError(original_exception=error))


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected_error)
