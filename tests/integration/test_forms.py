"""Every web form refuses NUL characters with a form error, on every engine, before any query sees them."""

import pytest
from sqlalchemy import func, select

from app.models import Comment, Post, User
from tests.factories import PostFactory, UserFactory
from tests.login import log_in_as

NUL_TEXT = "before\x00after"
UNSTORABLE = "must be text without NUL characters or unpaired surrogates."


def test_registration_with_a_nul_in_the_username_is_a_form_error(client, db):
    response = client.post(
        "/auth/register",
        data={"email": "nul@example.com", "username": NUL_TEXT, "password": "nul-secret", "password2": "nul-secret"},
    )
    assert response.status_code == 200
    assert f"Username {UNSTORABLE}" in response.text
    assert db.session.scalar(select(User).filter_by(email="nul@example.com")) is None


def test_login_with_a_nul_in_the_email_is_a_form_error(client, db):
    response = client.post("/auth/login", data={"email": f"a{NUL_TEXT}@example.com", "password": "cat"})
    assert response.status_code == 200
    assert f"Email {UNSTORABLE}" in response.text


@pytest.mark.parametrize("field", ["title", "body", "tags"])
def test_a_post_with_a_nul_is_a_form_error(client, db, field):
    log_in_as(client, UserFactory())
    data = {"title": "A title", "body": "A body", "tags": "one", field: NUL_TEXT}
    response = client.post("/", data=data)
    assert response.status_code == 200
    assert UNSTORABLE in response.text
    assert db.session.scalar(select(func.count()).select_from(Post)) == 0


def test_a_comment_with_a_nul_is_a_form_error(client, db):
    post = PostFactory()
    log_in_as(client, UserFactory())
    response = client.post(f"/post/{post.id}", data={"body": NUL_TEXT})
    assert response.status_code == 200
    assert UNSTORABLE in response.text
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_profile_with_a_nul_is_a_form_error(client, db):
    user = UserFactory(location="Home")
    log_in_as(client, user)
    response = client.post("/edit-profile", data={"name": "Name", "location": NUL_TEXT, "about_me": "Me"})
    assert response.status_code == 200
    assert f"Location {UNSTORABLE}" in response.text
    assert db.session.get(User, user.id).location == "Home"
