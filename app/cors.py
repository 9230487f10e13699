"""Cross-origin reads of /api/ by the browser origins in ``FLASKY_CORS_ORIGINS``."""

from flask import Flask, Response
from werkzeug.datastructures import HeaderSet
from werkzeug.http import parse_set_header

from .extensions import cors


def vary_on_origin(response: Response) -> Response:
    """Add ``Origin`` to ``Vary`` when the response names the origin it allows, so caches keep one per origin.

    Flask-CORS adds it only when several origins could match; with one, other origins still get a response
    without ``Access-Control-Allow-Origin``, so the response varies with ``Origin`` all the same. ``*`` does not.
    """
    allowed = response.headers.get("Access-Control-Allow-Origin")
    if allowed and allowed != "*":
        vary = HeaderSet()
        for value in response.headers.getlist("Vary"):
            vary.update(parse_set_header(value))
        vary.add("Origin")
        # One Vary header, so the session's ``response.vary.add("Cookie")``, which runs after this, sees it all.
        response.headers["Vary"] = vary.to_header()
    return response


def init_cors(app: Flask) -> None:
    # Flask runs after_request functions last registered first: registered before Flask-CORS's, this one runs
    # after it, once Access-Control-Allow-Origin is set.
    app.after_request(vary_on_origin)
    cors.init_app(app, resources={r"/api/*": {"origins": app.config["FLASKY_CORS_ORIGINS"]}})
