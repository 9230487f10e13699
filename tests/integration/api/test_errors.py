"""Every error under /api/ is JSON with the right status; none is an HTML page."""

import pytest

from app.api import posts as posts_views
from app.api.schemas import STORABLE_MESSAGE
from app.exceptions import Conflict, Invalid, ValidationError
from app.models import Post
from app.validation import column_length

TITLE_LENGTH = column_length(Post.title)


def test_malformed_json_is_400(client, headers):
    response = client.post("/api/v1/posts/", data="{not json", content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert response.json == {"error": "bad request", "message": "The body is not valid JSON."}


@pytest.mark.parametrize("depth", [30_000, 50_000])
def test_deeply_nested_json_is_400(app, client, headers, depth):
    nested = "[" * depth + "]" * depth
    app.config["FLASKY_API_MAX_CONTENT_LENGTH"] = len(nested)

    response = client.post("/api/v1/posts/", data=nested, content_type="application/json", headers=headers)

    assert response.status_code == 400
    assert response.json["error"] == "bad request"


def test_deeply_nested_json_over_the_size_limit_is_413(client, headers):
    nested = "[" * 50_000 + "]" * 50_000

    response = client.post("/api/v1/posts/", data=nested, content_type="application/json", headers=headers)

    assert response.status_code == 413


def test_body_not_sent_as_json_is_415(client, headers):
    response = client.post("/api/v1/posts/", data={"body": "a form"}, headers=headers)

    assert response.status_code == 415
    assert "Content-Type: application/json" in response.json["message"]


def test_body_too_large_is_413(app, client, headers):
    app.config["FLASKY_API_MAX_CONTENT_LENGTH"] = 100

    response = client.post("/api/v1/posts/", json={"body": "x" * 200}, headers=headers)

    assert response.status_code == 413
    assert response.json["error"] == "request entity too large"


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        pytest.param({}, "body", "Missing data for required field.", id="missing"),
        pytest.param({"body": 7}, "body", "Not a valid string.", id="not a string"),
        pytest.param({"body": "   "}, "body", "Must not be empty.", id="blank"),
        pytest.param({"body": "a\x00b"}, "body", STORABLE_MESSAGE, id="NUL"),
        pytest.param({"body": "\ud800"}, "body", STORABLE_MESSAGE, id="lone surrogate"),
        pytest.param({"body": "ok", "title": "a\x00b"}, "title", STORABLE_MESSAGE, id="NUL in the title"),
        pytest.param(
            {"body": "ok", "title": "x" * (TITLE_LENGTH + 1)},
            "title",
            f"Longer than maximum length {TITLE_LENGTH}.",
            id="long title",
        ),
        pytest.param({"body": "ok", "colour": "x"}, "colour", "Unknown field.", id="unknown field"),
        pytest.param([], "_schema", "Invalid input type.", id="not an object"),
    ],
)
def test_invalid_fields_are_422_with_messages(client, headers, payload, field, message):
    response = client.post("/api/v1/posts/", json=payload, headers=headers)

    assert response.status_code == 422
    assert response.json["error"] == "invalid fields"
    assert message in response.json["errors"][field]
    assert field in response.json["message"]


@pytest.mark.parametrize("query", ["page=0", "per_page=0", "per_page=101", "page=abc"])
def test_out_of_range_paging_is_422(client, headers, query):
    response = client.get(f"/api/v1/posts/?{query}", headers=headers)

    assert response.status_code == 422
    assert query.split("=")[0] in response.json["errors"]


def test_model_validation_error_is_422(client, headers, monkeypatch):
    def refuse(*args, **kwargs):
        raise ValidationError("A post needs a 'body'.")

    monkeypatch.setattr(posts_views.posts, "create_post", refuse)

    response = client.post("/api/v1/posts/", json={"body": "fine"}, headers=headers)

    assert response.status_code == 422
    assert response.json == {"error": "invalid fields", "message": "A post needs a 'body'.", "errors": {}}


def test_a_refused_action_lists_each_fields_messages(client, headers, monkeypatch):
    def refuse(*args, **kwargs):
        raise Invalid(errors={"body": ["can't be blank"]})

    monkeypatch.setattr(posts_views.posts, "create_post", refuse)

    response = client.post("/api/v1/posts/", json={"body": "fine"}, headers=headers)

    assert response.status_code == 422
    assert response.json == {
        "error": "invalid fields",
        "message": "body can't be blank",
        "errors": {"body": ["can't be blank"]},
    }


def test_a_conflict_lists_each_fields_messages(client, headers, monkeypatch):
    def refuse(*args, **kwargs):
        raise Conflict("Others changed the same thing at the same moment: try again.", {"request": ["conflicted"]})

    monkeypatch.setattr(posts_views.posts, "create_post", refuse)

    response = client.post("/api/v1/posts/", json={"body": "fine"}, headers=headers)

    assert response.status_code == 409
    assert response.json["error"] == "conflict"
    assert response.json["errors"] == {"request": ["conflicted"]}


def test_unknown_api_path_is_json_404(client, db):
    response = client.get("/api/v1/nothing-here")

    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"] == "not found"
    assert set(response.json) == {"error", "message"}


def test_unknown_api_path_answers_the_api_shape_even_to_a_browser(client, db):
    response = client.get("/api/v1/nothing-here", headers={"Accept": "text/html"})

    assert response.status_code == 404
    assert response.json == {"error": "not found", "message": response.json["message"]}


def test_wrong_method_is_json_405(client, headers):
    response = client.patch("/api/v1/posts/", headers=headers)

    assert response.status_code == 405
    assert response.is_json
    assert "GET" in response.headers["Allow"]


def test_unexpected_failure_is_json_500(app, client, headers, monkeypatch):
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(posts_views, "posts_page", explode)

    response = client.get("/api/v1/posts/", headers=headers)

    assert response.status_code == 500
    assert response.json["error"] == "internal server error"
    assert "boom" not in response.get_data(as_text=True)
