"""Checking Conduit's response shapes."""


def errors(response) -> dict[str, list[str]]:
    """The ``errors`` of a Conduit error body, checking the shape on the way."""
    body = response.get_json()
    assert set(body) == {"errors"}
    assert all(isinstance(messages, list) for messages in body["errors"].values())
    return body["errors"]
