"""Deleting an account through the web pages and API v1: the password first, then everything the user wrote goes,
every session and token ends at once, and the last administrator stays."""

import pytest

from app.exceptions import NotAllowed
from app.extensions import db
from app.models import (
    AnonymousUser,
    Block,
    Comment,
    Conversation,
    DataExport,
    Favorite,
    Follow,
    Message,
    Notification,
    Post,
    User,
    UserSession,
)
from app.services import account_deletion
from tests.factories import CommentFactory, FavoriteFactory, FollowFactory, PostFactory, UserFactory
from tests.integration.api.conftest import basic_auth, token_auth
from tests.login import log_in_as


def count(model, *conditions) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model).where(*conditions))


@pytest.fixture
def leaving(client, db):
    """A user with posts, comments, messages, follows, a block, a favorite and an export; and someone they knew."""
    user, friend = UserFactory(username="leaving"), UserFactory(username="friend")
    own_post = PostFactory(author=user)
    CommentFactory(post=own_post, author=friend, body="Friend's comment on the leaving user's post")
    CommentFactory(post=PostFactory(author=friend), author=user, body="The leaving user's comment")
    CommentFactory(post=PostFactory(author=friend), author=friend, body="Friend talking to themself")
    FavoriteFactory(user_id=friend.id, post_id=own_post.id)
    FollowFactory(follower=user, followed=friend)
    FollowFactory(follower=friend, followed=user)
    db.session.add_all([Block(blocker_id=user.id, blocked_id=UserFactory().id), DataExport(user_id=user.id)])
    db.session.commit()
    for sender, recipient in ((user, friend), (friend, user)):
        client.post(f"/api/v1/conversations/{recipient.id}", json={"body": "Hello"}, headers=token_auth(sender))
    return user, friend


def test_deleting_the_account_removes_what_the_user_wrote_and_keeps_the_rest(db, actions, leaving):
    user, friend = leaving

    response = actions.delete_account(user, user)

    assert response.status_code == actions.done("delete")
    assert db.session.get(User, user.id) is None
    assert count(Post, Post.author_id == user.id) == 0
    assert [comment.body for comment in db.session.scalars(db.select(Comment))] == ["Friend talking to themself"]
    for model in (Message, Conversation, Block, Favorite, DataExport, Notification):
        assert count(model) == 0, model
    assert count(Follow, Follow.follower_id != Follow.followed_id) == 0
    assert count(Post, Post.author_id == friend.id) == 2


def test_every_session_and_token_ends_at_once(client, app, db, actions, leaving):
    user, _friend = leaving
    other_browser = app.test_client()
    log_in_as(other_browser, user)
    token = token_auth(user)
    assert other_browser.get("/messages").status_code == 200

    actions.delete_account(user, user)

    assert count(UserSession, UserSession.user_id == user.id) == 0
    assert "/auth/login" in other_browser.get("/messages").headers["Location"]
    assert other_browser.get("/notifications/count").status_code == 401
    assert client.get("/api/v1/conversations/", headers=token).status_code == 401


def test_the_deleted_user_cannot_log_in(client, db, actions, leaving):
    user, _friend = leaving
    email = user.email

    actions.delete_account(user, user)

    assert client.post("/auth/login", data={"email": email, "password": "cat"}).status_code == 200
    assert client.get("/api/v1/conversations/", headers=basic_auth(email, "cat")).status_code == 401


def test_the_web_page_logs_the_user_out_and_says_goodbye(client, db, leaving):
    user, _friend = leaving
    log_in_as(client, user)
    assert 'id="password"' in client.get("/account/delete").get_data(as_text=True)

    page = client.post("/account/delete", data={"password": "cat", "confirm": "y"}, follow_redirects=True)

    assert "Your account has been deleted." in page.get_data(as_text=True)
    assert "/auth/login" in client.get("/messages").headers["Location"]


def test_a_wrong_password_deletes_nothing(db, actions, leaving):
    user, _friend = leaving

    response = actions.delete_account(user, user, password="not my password")

    if actions.interface == "web":
        assert response.status_code == 200
        assert "Your password is not your current password." in response.get_data(as_text=True)
    else:
        assert response.status_code == 422
        assert response.json["errors"] == {"password": ["is not your current password"]}
    assert db.session.get(User, user.id) is not None


def test_the_web_form_asks_for_the_confirmation_box(client, db, leaving):
    user, _friend = leaving
    log_in_as(client, user)

    page = client.post("/account/delete", data={"password": "cat"}).get_data(as_text=True)

    assert "Tick the box to confirm." in page
    assert db.session.get(User, user.id) is not None


def test_a_user_cannot_delete_another_users_account(db, actions):
    user, other = UserFactory(), UserFactory()

    response = actions.delete_account(user, other)

    assert response.status_code == 403
    assert db.session.get(User, other.id) is not None


def test_an_administrator_deletes_another_users_account_with_their_own_password(db, actions):
    administrator, user = UserFactory(administrator=True), UserFactory()
    PostFactory(author=user)

    response = actions.delete_account(administrator, user)

    assert response.status_code == actions.done("delete")
    assert db.session.get(User, user.id) is None
    assert count(Post) == 0
    assert db.session.get(User, administrator.id) is not None


def test_the_last_administrator_cannot_be_deleted(client, db, actions):
    administrator = UserFactory(administrator=True)

    response = actions.delete_account(administrator, administrator)

    if actions.interface == "web":
        assert response.status_code == 200
        assert "the last administrator" in response.get_data(as_text=True)
    else:
        assert response.status_code == 409
        assert response.json["errors"] == {"user": ["is the last administrator"]}
    assert db.session.get(User, administrator.id) is not None


def test_an_administrator_may_leave_when_another_remains(db, actions):
    administrator, _other = UserFactory(administrator=True), UserFactory(administrator=True)

    response = actions.delete_account(administrator, administrator)

    assert response.status_code == actions.done("delete")
    assert db.session.get(User, administrator.id) is None


def test_the_rule_refuses_anyone_not_signed_in(db):
    user = UserFactory()

    with pytest.raises(NotAllowed):
        account_deletion.delete_account(AnonymousUser(), user, "cat")

    assert db.session.get(User, user.id) is not None
