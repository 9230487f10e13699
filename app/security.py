"""Security headers on every response, and the rate limits of the endpoints attackers hammer."""

from flask import Flask, Response, current_app

from .avatars.urls import GRAVATAR

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        # Flask-Moment hides dates with a style attribute until moment.js renders them.
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# With FLASKY_AVATARS=gravatar the avatars come from Gravatar; otherwise no other site may show an image here.
GRAVATAR_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace(
    "img-src 'self' data:", "img-src 'self' data: https://secure.gravatar.com"
)


def content_security_policy() -> str:
    """The policy of this app: images from this site, and from Gravatar only when the avatars are Gravatar's."""
    if current_app.config["FLASKY_AVATARS"] == GRAVATAR:
        return GRAVATAR_CONTENT_SECURITY_POLICY
    return CONTENT_SECURITY_POLICY


def auth_rate_limit() -> str:
    """The limit on login, registration, reset requests, resends and API tokens, per client address."""
    return current_app.config["FLASKY_AUTH_RATE_LIMIT"]


def add_security_headers(response: Response) -> Response:
    """Set the headers that keep browsers from running, framing or sniffing what they should not."""
    headers = response.headers
    headers.setdefault("Content-Security-Policy", content_security_policy())
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    if current_app.config["FLASKY_HSTS"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response


def init_security(app: Flask) -> None:
    app.after_request(add_security_headers)
