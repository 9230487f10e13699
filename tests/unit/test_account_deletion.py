"""The account deletion service: who may delete which account, the password first, the last administrator kept, and
everything of the user's gone in both directions while everyone else's stays."""

import pytest
from sqlalchemy import select

from app.exceptions import Conflict, Invalid, NotAllowed
from app.extensions import db as _db
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
    PostTag,
    User,
)
from app.services import account_deletion, blocks, comments, follows, messages, posts
from app.services.accounts import NOT_YOUR_PASSWORD
from tests.factories import FavoriteFactory, UserFactory

PASSWORD = "cat"  # noqa: S105 (the factories' password)


def names() -> dict[int, str]:
    return {user.id: user.username for user in _db.session.scalars(select(User))}


def rows(model: type, *user_columns: str) -> set[tuple[str, ...]]:
    """The rows of ``model`` as the usernames their ``user_columns`` name."""
    _db.session.expire_all()
    users = names()
    return {tuple(users[getattr(row, column)] for column in user_columns) for row in _db.session.scalars(select(model))}


def test_deleting_an_account_removes_the_users_rows_both_ways_and_keeps_everyone_elses(db):
    leaving, friend, other, blocked = (UserFactory(username=name) for name in ("leaving", "friend", "other", "blocked"))
    leaving_post = posts.create_post(leaving, "leaving's post", tags=["shared"])
    friend_post = posts.create_post(friend, "friend's post", tags=["shared"])
    for author, post in ((friend, leaving_post), (leaving, friend_post), (other, friend_post)):
        comments.add_comment(author, post, f"{author.username} on {post.body}")
    for user, post in ((friend, leaving_post), (leaving, friend_post), (other, friend_post)):
        FavoriteFactory(user_id=user.id, post_id=post.id)
    for follower, followed in ((leaving, friend), (friend, leaving), (other, friend)):
        follows.follow(follower, followed)
    for sender, recipient in ((leaving, friend), (friend, leaving), (other, friend)):
        messages.send_message(sender, recipient, f"{sender.username} to {recipient.username}")
    blocks.block(leaving, blocked)
    blocks.block(blocked, leaving)
    blocks.block(other, blocked)
    _db.session.add_all([DataExport(user_id=leaving.id), DataExport(user_id=friend.id)])
    _db.session.commit()

    account_deletion.delete_account(leaving, leaving, PASSWORD)

    assert set(names().values()) == {"friend", "other", "blocked"}
    assert {post.body for post in _db.session.scalars(select(Post))} == {"friend's post"}
    assert {comment.body for comment in _db.session.scalars(select(Comment))} == {"other on friend's post"}
    favorites = _db.session.scalars(select(Favorite)).all()
    assert [(names()[row.user_id], row.post_id) for row in favorites] == [("other", friend_post.id)]
    assert [row.post_id for row in _db.session.scalars(select(PostTag))] == [friend_post.id]
    follows_left = rows(Follow, "follower_id", "followed_id") - {(name, name) for name in names().values()}
    assert follows_left == {("other", "friend")}
    assert {message.body for message in _db.session.scalars(select(Message))} == {"other to friend"}
    assert rows(Conversation, "user_id", "other_id") == {("other", "friend"), ("friend", "other")}
    notified = {(row.user_id, row.actor_id, row.kind) for row in _db.session.scalars(select(Notification))}
    assert notified == {(friend.id, other.id, kind) for kind in ("comment", "follow", "message")}
    assert rows(Block, "blocker_id", "blocked_id") == {("other", "blocked")}
    assert [export.user_id for export in _db.session.scalars(select(DataExport))] == [friend.id]


def test_signed_out_nobody_deletes_an_account(db):
    user = UserFactory()
    with pytest.raises(NotAllowed) as refused:
        account_deletion.delete_account(AnonymousUser(), user, PASSWORD)
    assert (refused.value.message, refused.value.errors) == ("Sign in first.", {"user": ["must be signed in"]})
    assert _db.session.get(User, user.id) is not None


@pytest.mark.parametrize("role", ["user", "moderator"])
def test_only_an_administrator_deletes_another_users_account(db, role):
    actor, user = UserFactory(moderator=role == "moderator"), UserFactory()
    with pytest.raises(NotAllowed) as refused:
        account_deletion.delete_account(actor, user, PASSWORD)
    assert (refused.value.message, refused.value.errors) == (
        "Only administrators delete other users' accounts.",
        {"user": ["forbidden"]},
    )
    assert _db.session.get(User, user.id) is not None


def test_an_administrator_deletes_another_users_account_with_their_own_password(db):
    administrator = UserFactory(administrator=True)
    user = UserFactory(password="the user's own")  # noqa: S106
    with pytest.raises(Invalid) as refused:
        account_deletion.delete_account(administrator, user, "the user's own")
    assert refused.value.errors == {"password": [NOT_YOUR_PASSWORD]}
    account_deletion.delete_account(administrator, user, PASSWORD)
    assert set(names().values()) == {administrator.username}


@pytest.mark.parametrize("password", [None, 42, "", "dog"])
def test_a_wrong_or_missing_password_deletes_nothing(db, password):
    user = UserFactory()
    with pytest.raises(Invalid) as refused:
        account_deletion.delete_account(user, user, password)
    assert refused.value.errors == {"password": [NOT_YOUR_PASSWORD]}
    assert _db.session.get(User, user.id) is not None


def test_the_last_administrator_is_kept_and_the_one_before_is_not(db):
    first, second = UserFactory(administrator=True), UserFactory(administrator=True)
    UserFactory(moderator=True)
    UserFactory()
    account_deletion.delete_account(first, first, PASSWORD)
    with pytest.raises(Conflict) as refused:
        account_deletion.delete_account(second, second, PASSWORD)
    assert refused.value.message == (
        "This is the last administrator's account: make another user an administrator before deleting it."
    )
    assert refused.value.errors == {"user": ["is the last administrator"]}
    assert _db.session.get(User, second.id) is not None
    assert len(names()) == 3


def test_deleting_an_account_costs_the_same_statements_however_much_the_user_wrote(db, count_queries):
    quiet, busy, friend = UserFactory(), UserFactory(), UserFactory()
    for _ in range(3):
        post = posts.create_post(busy, "busy's post")
        comments.add_comment(friend, post, "friend on busy's post")
        comments.add_comment(busy, posts.create_post(friend, "friend's post"), "busy on friend's post")
    follows.follow(busy, friend)
    follows.follow(friend, busy)
    busy_id, quiet_id = busy.id, quiet.id

    def statements_to_delete(user_id: int) -> int:
        with count_queries() as log:
            user = _db.session.get(User, user_id)
            account_deletion.delete_account(user, user, PASSWORD)
        return log.count

    assert statements_to_delete(busy_id) == statements_to_delete(quiet_id)
    assert {post.body for post in _db.session.scalars(select(Post))} == {"friend's post"}
