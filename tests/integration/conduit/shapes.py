"""Checking Conduit's response shapes."""

from app.models import gravatar_hash


def default_image(email: str) -> str:
    """The ``image`` of a user who chose none: Flasky's avatar of them, at the site's public address."""
    return f"http://localhost/avatar/{gravatar_hash(email)}?s=100"


def errors(response) -> dict[str, list[str]]:
    """The ``errors`` of a Conduit error body, checking the shape on the way."""
    body = response.get_json()
    assert set(body) == {"errors"}
    assert all(isinstance(messages, list) for messages in body["errors"].values())
    return body["errors"]
