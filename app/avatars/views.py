"""``/avatar/<hash>``: an identicon any page can show, cached for a year and served without the database."""

import hashlib

from flask import Response, abort, request
from flask.blueprints import BlueprintSetupState
from flask_babel import gettext as _

from . import avatars
from .identicon import identicon_svg, is_avatar_hash
from .urls import AVATAR_SOURCES

DEFAULT_SIZE = 100
MAX_SIZE = 512
ONE_YEAR = 365 * 24 * 3600


@avatars.record_once
def check_avatar_source(state: BlueprintSetupState) -> None:
    """Refuse to start on an ``FLASKY_AVATARS`` no avatar URL knows, rather than show broken images."""
    source = state.app.config["FLASKY_AVATARS"]
    if source not in AVATAR_SOURCES:
        raise ValueError(f"FLASKY_AVATARS is {source!r}; use one of {', '.join(AVATAR_SOURCES)}.")


def requested_size() -> int:
    """The ``s`` argument: whole pixels from 1 to ``MAX_SIZE``, or 400 with what to send instead."""
    value = request.args.get("s", str(DEFAULT_SIZE))
    if not value.isdigit() or not 1 <= int(value) <= MAX_SIZE:
        abort(400, description=_("The size s must be a whole number of pixels from 1 to %(most)d.", most=MAX_SIZE))
    return int(value)


@avatars.get("/avatar/<digest>")
def identicon(digest: str) -> Response:
    """The identicon of an email hash; the same URL always gives the same image, so browsers keep it."""
    if not is_avatar_hash(digest):
        abort(404, description=_("An avatar is named by 32 lower-case hexadecimal digits, the hash of an email."))
    svg = identicon_svg(digest, requested_size())
    response = Response(svg, mimetype="image/svg+xml")
    response.set_etag(hashlib.sha256(svg.encode()).hexdigest()[:32])
    response.cache_control.public = True
    response.cache_control.max_age = ONE_YEAR
    response.cache_control.immutable = True
    return response.make_conditional(request)
