"""With CSRF protection on, as in production, every state-changing form needs its token."""

from app.models import Comment, Post
from tests.apps import csrf_token
from tests.factories import CommentFactory, PostFactory, UserFactory
from tests.login import log_in_as


def test_post_form_without_token_is_refused(csrf_client, db):
    log_in_as(csrf_client, UserFactory())
    assert csrf_client.post("/", data={"body": "hi", "submit": "Submit"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 0


def test_post_form_with_token_is_accepted(csrf_client, db):
    log_in_as(csrf_client, UserFactory())
    token = csrf_token(csrf_client.get("/").text)
    response = csrf_client.post("/", data={"body": "hi", "submit": "Submit", "csrf_token": token})
    assert response.status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(Post)) == 1


def test_follow_without_token_is_refused(csrf_client, db):
    author = UserFactory()
    reader = UserFactory()
    log_in_as(csrf_client, reader)
    assert csrf_client.post(f"/follow/{author.username}").status_code == 400
    assert not reader.is_following(author)


def test_follow_with_the_button_token_is_accepted(csrf_client, db):
    author = UserFactory()
    log_in_as(csrf_client, UserFactory())
    token = csrf_token(csrf_client.get(f"/user/{author.username}").text)
    assert csrf_client.post(f"/follow/{author.username}", data={"csrf_token": token}).status_code == 302


def test_comment_without_token_is_refused(csrf_client, db):
    post = PostFactory()
    log_in_as(csrf_client, UserFactory())
    assert csrf_client.post(f"/post/{post.id}", data={"body": "hi"}).status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(Comment)) == 0


def test_moderation_without_token_is_refused(csrf_client, db):
    comment = CommentFactory()
    log_in_as(csrf_client, UserFactory(moderator=True))
    assert csrf_client.post(f"/moderate/disable/{comment.id}").status_code == 400
    assert csrf_client.post(f"/moderate/enable/{comment.id}").status_code == 400
    assert db.session.get(Comment, comment.id).disabled is False


def test_moderation_with_the_button_token_is_accepted(csrf_client, db):
    comment = CommentFactory()
    log_in_as(csrf_client, UserFactory(moderator=True))
    token = csrf_token(csrf_client.get("/moderate").text)
    assert csrf_client.post(f"/moderate/disable/{comment.id}", data={"csrf_token": token}).status_code == 302
    assert db.session.get(Comment, comment.id).disabled is True
