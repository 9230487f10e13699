"""Error pages: HTML for browsers, JSON for clients that prefer it, for every status a user can meet."""

import pytest
from flask import abort

from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import log_in_as

JSON = {"Accept": "application/json"}
HTML = {"Accept": "text/html"}


def assert_html_error(response, status: int, text: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert f'<h1 class="display-5">{status} ' in response.text
    assert text in response.text


def assert_json_error(response, status: int, error: str) -> None:
    assert response.status_code == status
    assert response.mimetype == "application/json"
    assert response.json["error"] == error
    assert response.json["message"]


def test_bad_request_as_html_and_json(app, client):
    app.add_url_rule("/test-bad-request", "bad_request", lambda: abort(400))
    assert_html_error(client.get("/test-bad-request", headers=HTML), 400, "could not be understood")
    assert_json_error(client.get("/test-bad-request", headers=JSON), 400, "bad request")


def test_forbidden_as_html_and_json(client, db):
    log_in_as(client, UserFactory())
    assert_html_error(client.get("/moderate", headers=HTML), 403, "You do not have permission")
    assert_json_error(client.get("/moderate", headers=JSON), 403, "forbidden")


def test_not_found_as_html_and_json(client, db):
    assert_html_error(client.get("/user/nobody", headers=HTML), 404, "The page you asked for is not here.")
    assert_json_error(client.get("/user/nobody", headers=JSON), 404, "not found")


def test_method_not_allowed_as_html_and_json(client, db):
    comment = CommentFactory()
    log_in_as(client, UserFactory(moderator=True))
    url = f"/moderate/disable/{comment.id}"
    response = client.get(url, headers=HTML)
    assert_html_error(response, 405, "does not accept this kind of request")
    assert set(response.headers["Allow"].split(", ")) == {"OPTIONS", "POST"}
    assert_json_error(client.get(url, headers=JSON), 405, "method not allowed")


@pytest.mark.parametrize(("headers", "check"), [(HTML, "html"), (JSON, "json")])
def test_too_large_a_post_is_refused(app, client, db, headers, check):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    log_in_as(client, UserFactory())
    response = client.post("/", data={"body": "x" * 2048, "submit": "Submit"}, headers=headers)
    if check == "html":
        assert_html_error(response, 413, "too large")
    else:
        assert_json_error(response, 413, "request entity too large")


def test_default_upload_limit_is_one_mebibyte(app):
    assert app.config["MAX_CONTENT_LENGTH"] == 1024 * 1024


def test_too_many_requests_as_html_and_json(app, client):
    app.add_url_rule("/test-too-many", "too_many", lambda: abort(429))
    assert_html_error(client.get("/test-too-many", headers=HTML), 429, "Too many requests")
    assert_json_error(client.get("/test-too-many", headers=JSON), 429, "too many requests")


def test_unexpected_error_as_html_and_json(app, client):
    def broken():
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    app.add_url_rule("/test-broken", "broken", broken)
    assert_html_error(client.get("/test-broken", headers=HTML), 500, "Something went wrong on our side")
    assert_json_error(client.get("/test-broken", headers=JSON), 500, "internal server error")


@pytest.mark.parametrize(
    "path",
    [
        "/?page=" + "9" * 30,
        "/?page=-" + "9" * 30,
        "/post/" + "9" * 30,
        "/user/nobody?page=" + "9" * 30,
        "/edit/" + "9" * 30,
        "/edit-profile/" + "9" * 30,
    ],
)
def test_numbers_no_table_could_hold_are_not_found(client, db, path):
    log_in_as(client, UserFactory(administrator=True))
    assert client.get(path, headers=HTML).status_code == 404


def test_a_huge_page_of_a_real_list_is_not_found(client, db):
    user = UserFactory()
    post = PostFactory(author=user)
    for path in (f"/user/{user.username}", f"/followers/{user.username}", f"/post/{post.id}"):
        assert client.get(f"{path}?page={'9' * 30}", headers=HTML).status_code == 404
