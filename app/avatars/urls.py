"""The one place that decides an avatar's URL, for pages and APIs alike."""

from urllib.parse import urlencode

from flask import current_app, url_for

GRAVATAR = "gravatar"
LOCAL = "local"
AVATAR_SOURCES = (LOCAL, GRAVATAR)


def gravatar_url(digest: str, size: int, default: str = "identicon", rating: str = "g") -> str:
    """Gravatar's picture for the email hash ``digest``; ``default`` is what Gravatar shows when it has none."""
    return f"https://secure.gravatar.com/avatar/{digest}?" + urlencode({"s": size, "d": default, "r": rating})


def avatar_url(digest: str, size: int, external: bool = False) -> str:
    """The avatar of the email hash ``digest``, ``size`` pixels square: Flasky's own identicon, or with
    ``FLASKY_AVATARS=gravatar`` Gravatar's picture, falling back to that identicon at the site's public address."""
    from ..email import external_url

    if current_app.config["FLASKY_AVATARS"] == GRAVATAR:
        return gravatar_url(digest, size, default=external_url("avatars.identicon", digest=digest, s=size))
    if external:
        return external_url("avatars.identicon", digest=digest, s=size)
    return url_for("avatars.identicon", digest=digest, s=size)
