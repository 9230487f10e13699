"""Conduit's error shape everywhere under /api/ but API v1, and CORS for browser front ends."""

import pytest

from app.conduit import queries

from .shapes import errors

FRONT_END = "https://conduit.example"
# An application that lets one origin's pages call the API (more in tests/integration/security/test_cors.py).
front_end_allowed = pytest.mark.app_config(FLASKY_CORS_ORIGINS=[FRONT_END])


def test_an_unknown_url_under_api_answers_in_conduit_shape(api, db):
    response = api.get("/api/no/such/thing")

    assert response.status_code == 404
    assert errors(response) == {"resource": ["not found"]}


def test_a_wrong_method_answers_in_conduit_shape_with_allow(api, db):
    response = api.client.patch("/api/tags")

    assert response.status_code == 405
    assert errors(response) == {"method": ["not allowed"]}
    assert "GET" in response.headers["Allow"]


def test_api_v1_keeps_its_own_error_shape(api, db):
    response = api.get("/api/v1/no/such/thing")

    assert response.status_code == 404
    assert set(response.get_json()) == {"error", "message"}


def test_api_v1_routes_still_answer(api, db):
    assert api.get("/api/v1/posts/").status_code != 404


@pytest.mark.parametrize(
    ("method", "path", "signed_in"),
    [
        ("POST", "/api/users", False),
        ("POST", "/api/users/login", False),
        ("PUT", "/api/user", True),
        ("POST", "/api/articles", True),
    ],
)
def test_a_body_nested_too_deep_is_refused_in_conduit_shape(api, user, method, path, signed_in):
    depth = 50_000

    response = api.request(
        method,
        path,
        user=user if signed_in else None,
        data="[" * depth + "]" * depth,
        content_type="application/json",
    )

    assert response.status_code in {400, 422}
    assert errors(response)


def test_an_unexpected_failure_answers_500_in_conduit_shape(api, db, monkeypatch):
    def broken() -> list[str]:
        raise RuntimeError("the database fell over")

    monkeypatch.setattr(queries, "popular_tags", broken)

    response = api.get("/api/tags")

    assert response.status_code == 500
    assert errors(response) == {"request": ["internal server error"]}


@front_end_allowed
def test_an_allowed_origin_may_read_api_responses(api, db):
    response = api.get("/api/tags", headers={"Origin": FRONT_END})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END


@front_end_allowed
def test_a_preflight_from_an_allowed_origin_allows_the_token_header(api, db):
    response = api.client.options(
        "/api/articles",
        headers={
            "Origin": FRONT_END,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Authorization, Content-Type",
        },
    )

    assert response.headers["Access-Control-Allow-Origin"] == FRONT_END
    assert "authorization" in response.headers["Access-Control-Allow-Headers"].lower()


@front_end_allowed
def test_other_origins_get_no_cors_headers(api, db):
    response = api.get("/api/tags", headers={"Origin": "https://evil.example"})

    assert "Access-Control-Allow-Origin" not in response.headers


def test_no_origin_is_allowed_by_default(api, db):
    response = api.get("/api/tags", headers={"Origin": "https://conduit.example"})

    assert "Access-Control-Allow-Origin" not in response.headers
