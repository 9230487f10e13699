"""A post or comment form sent with a stale CSRF token saves nothing, and comes back with the text to send again.

A token goes stale when it expires (``WTF_CSRF_TIME_LIMIT``) or when the session it belongs to is replaced, as
logging in again in another tab does.
"""

import time

import pytest
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from app.models import Comment, Post
from tests.apps import csrf_token
from tests.factories import PostFactory, UserFactory

SUBMIT_AGAIN = "nothing was saved"
TYPED = "A long post I typed with care"
TWO_HOURS = 2 * 60 * 60


def log_in(client, user) -> None:
    token = csrf_token(client.get("/auth/login").text)
    response = client.post("/auth/login", data={"email": user.email, "password": "cat", "csrf_token": token})
    assert response.status_code == 302


def count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def forms(db):
    """For each post form: its page, the data it sends and how many rows it has saved."""
    author = UserFactory(email="writer@example.com")
    post = PostFactory(author=author, body="The original body")
    edited = lambda: db.session.scalar(select(func.count()).select_from(Post).where(Post.body == TYPED))  # noqa: E731
    return {
        "new post": ("/", {"title": "", "body": TYPED, "tags": "", "submit": "Submit"}, lambda: count(db, Post) - 1),
        "edit post": (f"/edit/{post.id}", {"title": "", "body": TYPED, "tags": "", "submit": "Submit"}, edited),
        "comment": (f"/post/{post.id}", {"body": TYPED, "submit": "Submit"}, lambda: count(db, Comment)),
    }, author


def assert_shown_again_unsaved(response, saved) -> None:
    assert response.status_code == 400
    assert SUBMIT_AGAIN in response.text
    assert TYPED in response.text
    assert saved() == 0


@pytest.mark.parametrize("form", ["new post", "edit post", "comment"])
def test_a_form_sent_after_its_token_expired_is_shown_again_with_the_text(csrf_client, db, forms, monkeypatch, form):
    (page, data, saved), author = forms[0][form], forms[1]
    log_in(csrf_client, author)
    token = csrf_token(csrf_client.get(page).text)
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda _signer: int(time.time()) + TWO_HOURS)

    again = csrf_client.post(page, data={**data, "csrf_token": token})

    assert_shown_again_unsaved(again, saved)
    assert csrf_client.post(page, data={**data, "csrf_token": csrf_token(again.text)}).status_code == 302
    assert saved() == 1


@pytest.mark.parametrize("form", ["new post", "edit post", "comment"])
def test_a_form_sent_after_logging_in_again_elsewhere_is_shown_again_with_the_text(csrf_client, db, forms, form):
    (page, data, saved), author = forms[0][form], forms[1]
    log_in(csrf_client, author)
    token = csrf_token(csrf_client.get(page).text)
    log_in(csrf_client, author)

    again = csrf_client.post(page, data={**data, "csrf_token": token})

    assert_shown_again_unsaved(again, saved)
    assert csrf_client.post(page, data={**data, "csrf_token": csrf_token(again.text)}).status_code == 302
    assert saved() == 1
