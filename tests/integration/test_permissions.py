"""Who may do what: every page and action of the main blueprint for every kind of visitor."""

from dataclasses import dataclass

import pytest

from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import log_in_as

VISITORS = ("anonymous", "unconfirmed", "user", "moderator", "administrator")

# What each visitor gets: a status, "login" (sent to log in), "unconfirmed" (sent to confirm the account)
# or "redirect" (the action worked and the page moved on).
OK, FORBIDDEN, LOGIN, UNCONFIRMED, DONE = 200, 403, "login", "unconfirmed", "redirect"


@dataclass(frozen=True)
class Route:
    method: str
    url: str
    data: dict | None = None


ROUTES = {
    "home": (Route("GET", "/"), [OK, UNCONFIRMED, OK, OK, OK]),
    "publish post": (
        Route("POST", "/", {"body": "hello", "submit": "Submit"}),
        [FORBIDDEN, UNCONFIRMED, DONE, DONE, DONE],
    ),
    "show all": (Route("POST", "/all"), [LOGIN, UNCONFIRMED, DONE, DONE, DONE]),
    "show followed": (Route("POST", "/followed"), [LOGIN, UNCONFIRMED, DONE, DONE, DONE]),
    "profile": (Route("GET", "/user/{username}"), [OK, UNCONFIRMED, OK, OK, OK]),
    "edit profile page": (Route("GET", "/edit-profile"), [LOGIN, UNCONFIRMED, OK, OK, OK]),
    "edit profile": (Route("POST", "/edit-profile", {"name": "N"}), [LOGIN, UNCONFIRMED, DONE, DONE, DONE]),
    "admin edit page": (Route("GET", "/edit-profile/{user_id}"), [LOGIN, UNCONFIRMED, FORBIDDEN, FORBIDDEN, OK]),
    "admin edit": (
        Route("POST", "/edit-profile/{user_id}", "admin form"),
        [LOGIN, UNCONFIRMED, FORBIDDEN, FORBIDDEN, DONE],
    ),
    "post page": (Route("GET", "/post/{post_id}"), [OK, UNCONFIRMED, OK, OK, OK]),
    "comment": (Route("POST", "/post/{post_id}", {"body": "nice"}), [FORBIDDEN, UNCONFIRMED, DONE, DONE, DONE]),
    "edit others' post page": (Route("GET", "/edit/{post_id}"), [LOGIN, UNCONFIRMED, FORBIDDEN, FORBIDDEN, OK]),
    "edit others' post": (
        Route("POST", "/edit/{post_id}", {"body": "changed", "submit": "Submit"}),
        [LOGIN, UNCONFIRMED, FORBIDDEN, FORBIDDEN, DONE],
    ),
    "follow": (Route("POST", "/follow/{username}"), [LOGIN, UNCONFIRMED, DONE, DONE, DONE]),
    "unfollow": (Route("POST", "/unfollow/{username}"), [LOGIN, UNCONFIRMED, DONE, DONE, DONE]),
    "followers": (Route("GET", "/followers/{username}"), [OK, UNCONFIRMED, OK, OK, OK]),
    "followed by": (Route("GET", "/followed-by/{username}"), [OK, UNCONFIRMED, OK, OK, OK]),
    "moderation page": (Route("GET", "/moderate"), [LOGIN, UNCONFIRMED, FORBIDDEN, OK, OK]),
    "enable comment": (Route("POST", "/moderate/enable/{comment_id}"), [LOGIN, UNCONFIRMED, FORBIDDEN, DONE, DONE]),
    "disable comment": (Route("POST", "/moderate/disable/{comment_id}"), [LOGIN, UNCONFIRMED, FORBIDDEN, DONE, DONE]),
}

CASES = [
    pytest.param(route, visitor, expected, id=f"{name}-{visitor}")
    for name, (route, outcomes) in ROUTES.items()
    for visitor, expected in zip(VISITORS, outcomes, strict=True)
]


def log_in_visitor(client, visitor: str) -> None:
    if visitor == "anonymous":
        return
    traits = {"unconfirmed": {"unconfirmed": True}, "moderator": {"moderator": True}}
    traits["administrator"] = {"administrator": True}
    log_in_as(client, UserFactory(**traits.get(visitor, {})))


@pytest.mark.parametrize(("route", "visitor", "expected"), CASES)
def test_permission_matrix(client, db, route, visitor, expected):
    target = UserFactory()
    post = PostFactory(author=target)
    comment = CommentFactory(post=post)
    url = route.url.format(username=target.username, user_id=target.id, post_id=post.id, comment_id=comment.id)
    data = route.data
    if data == "admin form":
        data = {"email": target.email, "username": target.username, "role": str(target.role_id)}
    log_in_visitor(client, visitor)

    response = client.open(url, method=route.method, data=data)

    if expected == LOGIN:
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/auth/login?next=")
    elif expected == UNCONFIRMED:
        assert response.status_code == 302
        assert response.headers["Location"] == "/auth/unconfirmed"
    elif expected == DONE:
        assert response.status_code == 302
        assert not response.headers["Location"].startswith("/auth/")
    else:
        assert response.status_code == expected


def test_matrix_covers_every_main_route(app):
    """A new main route must get a row in the matrix."""
    rules = {
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("main.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    covered = {(route.url, route.method) for route, _ in ROUTES.values()}
    placeholders = {
        "/user/<username>": "/user/{username}",
        "/edit-profile/<int:id>": "/edit-profile/{user_id}",
        "/post/<int:id>": "/post/{post_id}",
        "/edit/<int:id>": "/edit/{post_id}",
        "/follow/<username>": "/follow/{username}",
        "/unfollow/<username>": "/unfollow/{username}",
        "/followers/<username>": "/followers/{username}",
        "/followed-by/<username>": "/followed-by/{username}",
        "/moderate/enable/<int:id>": "/moderate/enable/{comment_id}",
        "/moderate/disable/<int:id>": "/moderate/disable/{comment_id}",
    }
    assert {(placeholders.get(rule, rule), method) for rule, method in rules} == covered
