"""CSRF: every state-changing POST of the site refuses a missing, forged or borrowed token; the API takes none."""

import pytest
from sqlalchemy import select

from app.models import Comment, Post
from tests.apps import csrf_token
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import log_in_as

POST_ROUTES = [
    "/",
    "/all",
    "/followed",
    "/edit-profile",
    "/edit-profile/{user_id}",
    "/post/{post_id}",
    "/edit/{post_id}",
    "/follow/{username}",
    "/unfollow/{username}",
    "/moderate/enable/{comment_id}",
    "/moderate/disable/{comment_id}",
    "/auth/login",
    "/auth/logout",
    "/auth/register",
    "/auth/confirm",
    "/auth/change-password",
    "/auth/reset",
    "/auth/reset/{token}",
    "/auth/change-email",
    "/auth/login/code",
    "/auth/reauthenticate",
    "/auth/security/sessions/{post_id}/revoke",
    "/auth/security/revoke-others",
    "/auth/two-factor",
    "/auth/two-factor/disable",
]
# Forms whose typed text is worth keeping: refused, they come back filled in, with a message to send them again.
KEEP_TYPED_TEXT = {"/", "/post/{post_id}", "/edit/{post_id}"}
TYPED = "Typed before the token went stale"
PLACEHOLDERS = {
    "<username>": "{username}",
    "<int:id>": "{post_id}",
    "<token>": "{token}",
}


@pytest.fixture
def target(db):
    """A user with a post and a comment, for the routes that act on one."""
    user = UserFactory()
    comment = CommentFactory(post=PostFactory(author=user))
    return {
        "username": user.username,
        "user_id": user.id,
        "post_id": comment.post_id,
        "comment_id": comment.id,
        "token": user.generate_reset_token(),
    }


@pytest.fixture
def admin_client(csrf_client, db):
    """A CSRF-checking client logged in as an administrator, who may use every route."""
    log_in_as(csrf_client, UserFactory(administrator=True))
    return csrf_client


def borrowed_token(app) -> str:
    """A genuine token, but of another visitor's session."""
    other = app.test_client()
    return csrf_token(other.get("/auth/login").text)


@pytest.mark.parametrize("route", POST_ROUTES)
def test_a_post_without_this_sessions_token_is_refused(app, db, admin_client, target, route):
    url = route.format(**target)
    data = {"body": TYPED, "email": "a@example.com", "password": "cat"}
    tokens = {"missing": None, "forged": "IjEyMyI.forged.token", "borrowed": borrowed_token(app)}

    for kind, token in tokens.items():
        response = admin_client.post(url, data=data if token is None else {**data, "csrf_token": token})

        assert response.status_code == 400, kind
        if route in KEEP_TYPED_TEXT:
            assert "nothing was saved" in response.text, kind
            assert TYPED in response.text, kind
        else:
            assert "reload the page and try again" in response.text
    saved = [select(Post.id).where(Post.body == TYPED), select(Comment.id).where(Comment.body == TYPED)]
    assert [db.session.scalar(statement) for statement in saved] == [None, None]


@pytest.mark.parametrize("route", POST_ROUTES)
def test_the_same_post_with_this_sessions_token_gets_past_the_check(admin_client, target, route):
    token = csrf_token(admin_client.get("/edit-profile").text)
    response = admin_client.post(route.format(**target), data={"csrf_token": token})
    assert response.status_code != 400


def test_every_post_route_of_the_site_is_checked(app):
    posted = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith(("main.", "auth.")) and "POST" in rule.methods
    }
    for placeholder, field in PLACEHOLDERS.items():
        posted = {rule.replace(placeholder, field) for rule in posted}
    routes = {route.replace("{user_id}", "{post_id}").replace("{comment_id}", "{post_id}") for route in POST_ROUTES}
    assert posted == routes


def test_the_api_needs_no_csrf_token_but_ignores_a_session_cookie(csrf_client, db):
    user = UserFactory()
    log_in_as(csrf_client, user)

    response = csrf_client.post("/api/v1/posts/", json={"body": "from a cookie alone"})

    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers
