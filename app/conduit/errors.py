"""Conduit's error shape, ``{"errors": {"field": ["message"]}}``, for every error under ``/api/`` but API v1."""

from flask import Response, jsonify, request
from werkzeug.exceptions import HTTPException
from werkzeug.http import HTTP_STATUS_CODES

from . import conduit

API_V1_PREFIX = "/api/v1"

# What each HTTP error says about the request, as field and message.
HTTP_ERRORS = {
    401: ("token", "is missing"),
    403: ("resource", "forbidden"),
    404: ("resource", "not found"),
    405: ("method", "not allowed"),
    429: ("request", "too many; try again later"),
}


class ConduitError(Exception):
    """An error to answer with ``status`` and ``{"errors": errors}``."""

    def __init__(self, status: int, errors: dict[str, list[str]]) -> None:
        super().__init__(status, errors)
        self.status = status
        self.errors = errors


def unprocessable(field: str, message: str) -> ConduitError:
    return ConduitError(422, {field: [message]})


def not_found(resource: str) -> ConduitError:
    return ConduitError(404, {resource: ["not found"]})


def forbidden(resource: str) -> ConduitError:
    return ConduitError(403, {resource: ["forbidden"]})


def errors_response(status: int, errors: dict[str, list[str]]) -> Response:
    response = jsonify({"errors": errors})
    response.status_code = status
    return response


def is_conduit_path(path: str) -> bool:
    """True under ``/api/`` except API v1, which keeps its own error shape."""
    return path.startswith("/api/") and not (path == API_V1_PREFIX or path.startswith(API_V1_PREFIX + "/"))


def http_error_response(error: HTTPException) -> Response:
    """An HTTP error in Conduit's shape, keeping headers such as ``Allow`` and ``Retry-After``."""
    status = error.code or 500
    field, message = HTTP_ERRORS.get(status, ("request", HTTP_STATUS_CODES.get(status, "error").lower()))
    response = errors_response(status, {field: [message]})
    for name, value in error.get_headers():
        if name.lower() != "content-type":
            response.headers[name] = value
    return response


@conduit.errorhandler(ConduitError)
def handle_conduit_error(error: ConduitError) -> Response:
    return errors_response(error.status, error.errors)


@conduit.errorhandler(HTTPException)
def handle_http_exception(error: HTTPException) -> Response:
    return http_error_response(error)


def wants_conduit_errors() -> bool:
    """True while serving a request whose errors take Conduit's shape."""
    return is_conduit_path(request.path)
