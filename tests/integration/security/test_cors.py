"""CORS under /api/ (API v1 and Conduit): a response naming the origin it allows says it varies with ``Origin``.

So a cache keeps one copy per origin. Which origins get CORS at all is tested in conduit/test_errors_and_cors.py.
"""

import pytest

from tests.factories import UserFactory
from tests.integration.api.conftest import token_auth

FRONT_END = "https://front.example"
OTHER_FRONT_END = "https://other.example"

pytestmark = pytest.mark.app_config(FLASKY_CORS_ORIGINS=[FRONT_END])


def vary(response) -> list[str]:
    """Every name the response's ``Vary`` headers list, lower-cased, in order, repeats kept."""
    return [name.strip().lower() for value in response.headers.getlist("Vary") for name in value.split(",")]


@pytest.fixture
def token(db) -> dict[str, str]:
    """API v1 credentials of a confirmed user."""
    return token_auth(UserFactory())


@pytest.mark.parametrize(
    ("path", "authenticated", "status"),
    [
        pytest.param("/api/tags", False, 200, id="conduit"),
        pytest.param("/api/no/such/thing", False, 404, id="conduit error"),
        pytest.param("/api/v1/posts/", True, 200, id="api v1"),
        pytest.param("/api/v1/posts/", False, 401, id="api v1 refusal"),
    ],
)
def test_a_response_allowing_the_origin_varies_with_origin_and_the_session_cookie(
    client, token, path, authenticated, status
):
    headers = {"Origin": FRONT_END, **(token if authenticated else {})}

    response = client.get(path, headers=headers)

    assert response.status_code == status
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    # One Vary header: Origin from the CORS hook, then Cookie from the session, which is saved after it.
    assert response.headers.getlist("Vary") == ["Origin, Cookie"]


def test_a_preflight_allowing_the_origin_varies_with_origin(client):
    headers = {"Origin": FRONT_END, "Access-Control-Request-Method": "POST"}

    response = client.options("/api/articles", headers=headers)

    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert "origin" in vary(response)


@pytest.mark.app_config(FLASKY_CORS_ORIGINS=[FRONT_END, OTHER_FRONT_END])
@pytest.mark.parametrize("origin", [FRONT_END, OTHER_FRONT_END])
def test_with_several_origins_origin_is_listed_once(client, origin):
    response = client.get("/api/tags", headers={"Origin": origin})

    assert response.headers["Access-Control-Allow-Origin"] == origin
    assert vary(response).count("origin") == 1
    assert "cookie" in vary(response)


@pytest.mark.app_config(FLASKY_CORS_ORIGINS=["*"])
def test_allowing_every_origin_still_echoes_it_and_so_varies_with_origin(client):
    response = client.get("/api/tags", headers={"Origin": FRONT_END})

    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert "origin" in vary(response)


def test_a_request_without_origin_is_told_the_allowed_origin_and_so_varies_with_origin(client):
    response = client.get("/api/tags")

    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert "origin" in vary(response)


def test_another_origin_gets_no_cors_and_no_vary_origin(client):
    response = client.get("/api/tags", headers={"Origin": "https://evil.example"})

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "origin" not in vary(response)


def test_pages_outside_the_api_get_no_cors(client):
    response = client.get("/", headers={"Origin": FRONT_END})

    assert "Access-Control-Allow-Origin" not in response.headers
    assert "origin" not in vary(response)
