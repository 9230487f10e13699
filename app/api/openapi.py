"""One declaration per view both checks the request and documents it: the OpenAPI document is built from the code."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask, abort, g, request
from marshmallow import Schema
from werkzeug.exceptions import BadRequest
from werkzeug.routing import Rule

from ..converters import LARGEST_ID
from ..models import Permission
from ..services.policy import require
from .schemas import ErrorSchema

ERROR_DESCRIPTIONS = {
    400: "The body is not valid JSON.",
    401: "Missing or invalid credentials.",
    403: "The account is not confirmed, lacks the permission this needs, or may not change this resource.",
    404: "There is no such resource.",
    409: "The request conflicts with the current state.",
    413: "The body is too large.",
    415: "The body was not sent with `Content-Type: application/json`.",
    422: "Invalid fields or parameters: `errors` lists the messages for each.",
    429: "Too many requests from this address: wait a minute and try again.",
}

API_DESCRIPTION = """\
The JSON API of Flasky.

**Authentication.** Every operation except this document needs HTTP Basic authentication: either your
email address and password, or a token as the username with an empty password. Get a token with
`POST /api/v1/tokens/` (email and password only); `DELETE /api/v1/tokens/`, sent with a token, revokes it. A browser
session cookie is not enough. An account that uses two-step sign-in sends its 6-digit code (or a recovery code) as
`code` in the JSON body of `POST /api/v1/tokens/`, and authenticates everything else with the token it gets.

**Errors** are JSON: `{"error": "short name", "message": "what went wrong and what to do"}`; a 409 or 422
also carries `errors`, the messages for each field at fault. Every message is in English, whatever the request's
`Accept-Language` or the account's language on the web site, so that clients may rely on their wording.

**Lists** are paginated with `?page=` (from 1) and `?per_page=` (1 to 100); out-of-range values get 422.
Each list carries `prev` and `next` links (null at either end) and the total `count`. Follow the links rather than
counting pages: in lists of posts and comments they carry a cursor (`after` or `before`, an item's timestamp and
id), so a deep page costs what the first does. Those lists count their items only when asked, with `?count=exact`
(which the links keep); otherwise `count` is null, and `next` alone says whether another page follows.
"""


def json_body() -> Any:
    """The request body parsed as JSON: 415 unless it is declared JSON, 400 unless it parses."""
    if not request.is_json:
        abort(415, "Send the body as JSON, with the header 'Content-Type: application/json'.")
    try:
        return request.get_json()
    except BadRequest:
        abort(400, "The body is not valid JSON.")


def operation(
    summary: str,
    *,
    tag: str,
    response: type[Schema] | None = None,
    status: int = 200,
    body: type[Schema] | None = None,
    body_required: bool = True,
    query: type[Schema] | None = None,
    permission: Permission | None = None,
    errors: tuple[int, ...] = (),
    description: str = "",
) -> Callable:
    """Check the permission (by the domain's rule), query and body a view declares; pass it ``args`` and ``data``.

    With ``body_required=False`` a request may send no body at all, which the schema reads as an empty object.
    """
    statuses = {401, 403, *errors}
    if body is not None:
        statuses |= {400, 413, 415, 422}
    if query is not None:
        statuses.add(422)
    if permission is not None:
        description = f"{description}\n\nNeeds the {permission.name} permission.".strip()
    documented = {
        "summary": summary,
        "description": description,
        "tag": tag,
        "response": response,
        "status": status,
        "body": body,
        "body_required": body_required,
        "query": query,
        "errors": statuses,
    }

    # One instance of each schema for every request: loading keeps nothing on the schema, and building one costs more
    # than the loading of a page's query arguments.
    query_schema = query() if query is not None else None
    body_schema = body() if body is not None else None

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def checked_view(*args: Any, **kwargs: Any) -> Any:
            if permission is not None:
                require(g.current_user, permission)
            if query_schema is not None:
                kwargs["args"] = query_schema.load(request.args)
            if body_schema is not None:
                sent = body_required or request.content_length or request.is_json
                kwargs["data"] = body_schema.load(json_body() if sent else {})
            return view(*args, **kwargs)

        checked_view.openapi = documented
        return checked_view

    return decorator


def _operation_object(documented: dict[str, Any], rule: Rule) -> dict[str, Any]:
    status = documented["status"]
    success: dict[str, Any] = {"description": documented["summary"]}
    if documented["response"] is not None:
        success["content"] = {"application/json": {"schema": documented["response"]}}
    if status == 201:
        success["headers"] = {"Location": {"description": "The new resource's URL.", "schema": {"type": "string"}}}
    responses: dict[str, Any] = {str(status): success}
    errors = set(documented["errors"])
    if rule.arguments:
        errors.add(404)
    for code in sorted(errors):
        responses[str(code)] = {
            "description": ERROR_DESCRIPTIONS[code],
            "content": {"application/json": {"schema": "Error"}},
        }
    parameters: list[dict[str, Any]] = [
        {
            "in": "path",
            "name": name,
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": LARGEST_ID},
        }
        for name in sorted(rule.arguments)
    ]
    if documented["query"] is not None:
        parameters.append({"in": "query", "schema": documented["query"]})
    operation_object: dict[str, Any] = {
        "summary": documented["summary"],
        "tags": [documented["tag"]],
        "operationId": rule.endpoint.removeprefix("api."),
        "parameters": parameters,
        "responses": responses,
    }
    if documented["description"]:
        operation_object["description"] = documented["description"]
    if documented["body"] is not None:
        operation_object["requestBody"] = {
            "required": documented["body_required"],
            "content": {"application/json": {"schema": documented["body"]}},
        }
    return operation_object


def build_openapi_document(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3 document of every ``api`` view declared with ``operation``."""
    spec = APISpec(
        title="Flasky API",
        version="1.0.0",
        openapi_version="3.0.3",
        plugins=[FlaskPlugin(), MarshmallowPlugin()],
        info={"description": API_DESCRIPTION},
        servers=[{"url": "/"}],
        security=[{"basicAuth": []}],
    )
    spec.components.security_scheme(
        "basicAuth",
        {
            "type": "http",
            "scheme": "basic",
            "description": "Your email and password, or a token as the username with an empty password.",
        },
    )
    spec.components.schema("Error", schema=ErrorSchema)
    for rule in sorted(app.url_map.iter_rules(), key=lambda rule: (rule.rule, rule.endpoint)):
        view = app.view_functions[rule.endpoint]
        documented = getattr(view, "openapi", None)
        if documented is None or not rule.endpoint.startswith("api."):
            continue
        (method,) = rule.methods - {"HEAD", "OPTIONS"}
        spec.path(view=view, app=app, operations={method.lower(): _operation_object(documented, rule)})
    return spec.to_dict()
