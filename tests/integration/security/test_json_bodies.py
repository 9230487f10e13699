"""JSON bodies nested too deeply for Python's parser are bad JSON like any other, never a server error."""

import pytest

from tests.factories import UserFactory
from tests.integration.api.conftest import token_auth

# Python's parser recurses once a level and gives up near the interpreter's recursion limit (about 1,000).
DEEP = "[" * 50000
MALFORMED = "{not json"


def post_json(client, path: str, body: str, headers: dict[str, str]):
    return client.post(path, data=body, content_type="application/json", headers=headers)


def test_a_deeply_nested_body_is_400_on_api_v1(client, db):
    response = post_json(client, "/api/v1/posts/", DEEP, token_auth(UserFactory()))

    assert response.status_code == 400
    assert response.json == {"error": "bad request", "message": "The body is not valid JSON."}


@pytest.mark.parametrize(
    ("path", "signed_in"),
    [
        pytest.param("/api/users/login", False, id="login"),
        pytest.param("/api/users", False, id="registration"),
        pytest.param("/api/articles", True, id="new article"),
    ],
)
def test_a_deeply_nested_body_gets_conduits_answer_to_malformed_json(client, db, path, signed_in):
    headers = {"Authorization": f"Token {UserFactory().generate_auth_token()}"} if signed_in else {}

    deep = post_json(client, path, DEEP, headers)
    malformed = post_json(client, path, MALFORMED, headers)

    assert deep.status_code < 500
    assert (deep.status_code, deep.get_json()) == (malformed.status_code, malformed.get_json())


def test_a_deeply_nested_body_is_still_refused_unauthenticated_on_api_v1(client, db):
    response = post_json(client, "/api/v1/posts/", DEEP, {})

    assert response.status_code == 401
