"""Who may do what, for the routes tests/integration/test_permissions.py leaves out: accounts and the API.

Every (rule, method) of the ``auth`` and ``api`` blueprints gets a row, and every row an outcome for each visitor:
anonymous, unconfirmed, user, moderator and administrator.
"""

from dataclasses import dataclass, field

import pytest

from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.integration.api.conftest import basic_auth, token_auth

from .conftest import VISITORS, log_in_visitor, make_visitor

# A status, "login" (sent to log in, with next) or the path the visitor is redirected to.
LOGIN = "login"


@dataclass(frozen=True)
class Route:
    method: str
    url: str
    data: dict | None = field(default=None, hash=False)


AUTH_ROUTES = {
    "login page": (Route("GET", "/auth/login"), [200, 200, 200, 200, 200]),
    "log in, wrong password": (
        Route("POST", "/auth/login", {"email": "nobody@example.com", "password": "x"}),
        [200, 200, 200, 200, 200],
    ),
    "log out": (Route("POST", "/auth/logout"), [LOGIN, "/", "/", "/", "/"]),
    "register page": (Route("GET", "/auth/register"), [200, 200, 200, 200, 200]),
    "register, invalid": (Route("POST", "/auth/register", {"email": "x"}), [200, 200, 200, 200, 200]),
    "unconfirmed page": (Route("GET", "/auth/unconfirmed"), ["/", 200, "/", "/", "/"]),
    "confirm, bad link": (
        Route("GET", "/auth/confirm/not-a-token"),
        [LOGIN, "/auth/unconfirmed", "/", "/", "/"],
    ),
    "resend confirmation": (Route("POST", "/auth/confirm"), [LOGIN, "/auth/unconfirmed", "/", "/", "/"]),
    "change password page": (Route("GET", "/auth/change-password"), [LOGIN, 200, 200, 200, 200]),
    "change password, wrong old one": (
        Route("POST", "/auth/change-password", {"old_password": "x", "password": "y", "password2": "y"}),
        [LOGIN, 200, 200, 200, 200],
    ),
    "reset request page": (Route("GET", "/auth/reset"), [200, "/", "/", "/", "/"]),
    "reset request": (
        Route("POST", "/auth/reset", {"email": "nobody@example.com"}),
        ["/auth/login", "/", "/", "/", "/"],
    ),
    "reset page": (Route("GET", "/auth/reset/not-a-token"), [200, "/", "/", "/", "/"]),
    "reset, bad link": (
        Route("POST", "/auth/reset/not-a-token", {"password": "long enough", "password2": "long enough"}),
        ["/auth/reset", "/", "/", "/", "/"],
    ),
    "change email page": (Route("GET", "/auth/change-email"), [LOGIN, 200, 200, 200, 200]),
    "change email, wrong password": (
        Route("POST", "/auth/change-email", {"email": "new@example.com", "password": "x"}),
        [LOGIN, 200, 200, 200, 200],
    ),
    "change email, bad link": (Route("GET", "/auth/change-email/not-a-token"), [LOGIN, "/", "/", "/", "/"]),
    "login code page, no password given": (Route("GET", "/auth/login/code"), ["/auth/login"] * 5),
    "login code, no password given": (Route("POST", "/auth/login/code", {"code": "123456"}), ["/auth/login"] * 5),
    "password again page": (Route("GET", "/auth/reauthenticate"), [LOGIN, 200, 200, 200, 200]),
    "password again, wrong": (Route("POST", "/auth/reauthenticate", {"password": "x"}), [LOGIN, 200, 200, 200, 200]),
    "security page": (Route("GET", "/auth/security"), [LOGIN, 200, 200, 200, 200]),
    "end a session that is not one's own": (
        Route("POST", "/auth/security/sessions/999/revoke"),
        [LOGIN, "/auth/security", "/auth/security", "/auth/security", "/auth/security"],
    ),
    "end every other session": (
        Route("POST", "/auth/security/revoke-others"),
        [LOGIN, "/auth/security", "/auth/security", "/auth/security", "/auth/security"],
    ),
    "two-step set-up page": (Route("GET", "/auth/two-factor"), [LOGIN, 200, 200, 200, 200]),
    "two-step set-up, wrong code": (Route("POST", "/auth/two-factor", {"code": "x"}), [LOGIN, 200, 200, 200, 200]),
    "two-step off": (
        Route("POST", "/auth/two-factor/disable"),
        [LOGIN, "/auth/security", "/auth/security", "/auth/security", "/auth/security"],
    ),
}

NO_TOKEN, FORBIDDEN = 401, 403
API_ROUTES = {
    "get a token": (Route("POST", "/api/v1/tokens/"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "revoke the token sent": (Route("DELETE", "/api/v1/tokens/"), [NO_TOKEN, FORBIDDEN, 204, 204, 204]),
    "list posts": (Route("GET", "/api/v1/posts/"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "write a post": (Route("POST", "/api/v1/posts/", {"body": "hello"}), [NO_TOKEN, FORBIDDEN, 201, 201, 201]),
    "read a post": (Route("GET", "/api/v1/posts/{post_id}"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "edit another's post": (
        Route("PUT", "/api/v1/posts/{post_id}", {"body": "changed"}),
        [NO_TOKEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 200],
    ),
    "delete another's post": (
        Route("DELETE", "/api/v1/posts/{post_id}"),
        [NO_TOKEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 204],
    ),
    "list a post's comments": (
        Route("GET", "/api/v1/posts/{post_id}/comments/"),
        [NO_TOKEN, FORBIDDEN, 200, 200, 200],
    ),
    "comment": (
        Route("POST", "/api/v1/posts/{post_id}/comments/", {"body": "nice"}),
        [NO_TOKEN, FORBIDDEN, 201, 201, 201],
    ),
    "list comments": (Route("GET", "/api/v1/comments/"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "search posts, without a query": (Route("GET", "/api/v1/search/posts"), [NO_TOKEN, FORBIDDEN, 422, 422, 422]),
    "read a comment": (Route("GET", "/api/v1/comments/{comment_id}"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "read a user": (Route("GET", "/api/v1/users/{user_id}"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "a user's posts": (Route("GET", "/api/v1/users/{user_id}/posts/"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "a user's timeline": (
        Route("GET", "/api/v1/users/{user_id}/timeline/"),
        [NO_TOKEN, FORBIDDEN, 200, 200, 200],
    ),
    "follow": (Route("POST", "/api/v1/users/{user_id}/follow"), [NO_TOKEN, FORBIDDEN, 204, 204, 204]),
    "unfollow": (Route("DELETE", "/api/v1/users/{user_id}/follow"), [NO_TOKEN, FORBIDDEN, 204, 204, 204]),
    "list conversations": (Route("GET", "/api/v1/conversations/"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "read a conversation": (Route("GET", "/api/v1/conversations/{user_id}"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "send a message": (
        Route("POST", "/api/v1/conversations/{user_id}", {"body": "hello"}),
        [NO_TOKEN, FORBIDDEN, 201, 201, 201],
    ),
    "mark a conversation read": (
        Route("POST", "/api/v1/conversations/{user_id}/read"),
        [NO_TOKEN, FORBIDDEN, 204, 204, 204],
    ),
    "read a message that is no one's": (
        Route("GET", "/api/v1/messages/{message_id}"),
        [NO_TOKEN, FORBIDDEN, 404, 404, 404],
    ),
    "block": (Route("POST", "/api/v1/users/{user_id}/block"), [NO_TOKEN, FORBIDDEN, 204, 204, 204]),
    "unblock, not blocked": (Route("DELETE", "/api/v1/users/{user_id}/block"), [NO_TOKEN, FORBIDDEN, 409, 409, 409]),
    "list notifications": (Route("GET", "/api/v1/notifications/"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "count notifications": (Route("GET", "/api/v1/notifications/count"), [NO_TOKEN, FORBIDDEN, 200, 200, 200]),
    "mark notifications read": (Route("POST", "/api/v1/notifications/read"), [NO_TOKEN, FORBIDDEN, 204, 204, 204]),
    "export my data": (Route("POST", "/api/v1/export"), [NO_TOKEN, FORBIDDEN, 202, 202, 202]),
    "my export, none yet": (Route("GET", "/api/v1/export"), [NO_TOKEN, FORBIDDEN, 404, 404, 404]),
    "my archive, none yet": (Route("GET", "/api/v1/export/archive"), [NO_TOKEN, FORBIDDEN, 404, 404, 404]),
    "delete another's account, wrong password": (
        Route("DELETE", "/api/v1/users/{user_id}", {"password": "x"}),
        [NO_TOKEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, 422],
    ),
    "document": (Route("GET", "/api/v1/openapi.json"), [200, 200, 200, 200, 200]),
    "documentation page": (Route("GET", "/api/v1/docs"), [200, 200, 200, 200, 200]),
    "documentation script": (
        Route("GET", "/api/v1/docs/static/swagger-initializer.js"),
        [200, 200, 200, 200, 200],
    ),
}


def cases(routes: dict) -> list:
    return [
        pytest.param(route, visitor, expected, id=f"{name}-{visitor}")
        for name, (route, outcomes) in routes.items()
        for visitor, expected in zip(VISITORS, outcomes, strict=True)
    ]


def assert_outcome(response, expected: int | str) -> None:
    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    elif isinstance(expected, str):
        assert response.status_code == 302
        assert response.headers["Location"] == expected
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(("route", "visitor", "expected"), cases(AUTH_ROUTES))
def test_account_route_matrix(client, db, route, visitor, expected):
    log_in_visitor(client, visitor)
    assert_outcome(client.open(route.url, method=route.method, data=route.data), expected)


@pytest.mark.parametrize(("route", "visitor", "expected"), cases(API_ROUTES))
def test_api_matrix(client, db, route, visitor, expected):
    author = UserFactory()
    comment = CommentFactory(post=PostFactory(author=author))
    user = make_visitor(visitor)
    headers = {}
    if user is not None:
        password_only = route.method == "POST" and route.url.endswith("/tokens/")
        headers = basic_auth(user.email, "cat") if password_only else token_auth(user)
        if route.method == "DELETE" and route.url.endswith("/follow"):
            user.follow(author)
            db.session.commit()
    url = route.url.format(post_id=comment.post_id, comment_id=comment.id, user_id=author.id, message_id=999)

    response = client.open(url, method=route.method, json=route.data, headers=headers)

    assert_outcome(response, expected)


def rules_of(app, blueprint: str) -> set[tuple[str, str]]:
    return {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(f"{blueprint}.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def test_the_account_matrix_covers_every_account_route(app):
    covered = {
        (route.url.replace("not-a-token", "<token>").replace("/999/", "/<int:id>/"), route.method)
        for route, _ in AUTH_ROUTES.values()
    }
    assert rules_of(app, "auth") == covered


def test_the_api_matrix_covers_every_api_route(app):
    placeholders = {
        "{post_id}": "<int:id>",
        "{comment_id}": "<int:id>",
        "{user_id}": "<int:id>",
        "{message_id}": "<int:id>",
    }
    covered = set()
    for route, _ in API_ROUTES.values():
        url = route.url.replace("swagger-initializer.js", "<path:filename>")
        for placeholder, converter in placeholders.items():
            url = url.replace(placeholder, converter)
        covered.add((url, route.method))
    assert rules_of(app, "api") == covered
