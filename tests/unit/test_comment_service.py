"""The comments service: commenting, hiding comments as a moderator, and deleting them."""

import pytest
from sqlalchemy import func, select

from app.exceptions import Invalid, NotAllowed, NotFound
from app.extensions import db as _db
from app.models import Comment, Notification, Post, Role, User
from app.services import blocks, comments
from tests.factories import CommentFactory, PostFactory, UserFactory


def count(model: type) -> int:
    return _db.session.scalar(select(func.count()).select_from(model))


def moderator() -> User:
    return UserFactory(role=Role.query.filter_by(name="Moderator").one())


def test_a_comment_is_published_and_its_post_author_told(db):
    post, reader = PostFactory(), UserFactory()
    comment = comments.add_comment(reader, post, "Nice *post*")
    _db.session.expire_all()
    saved = _db.session.get(Comment, comment.id)
    assert (saved.body, saved.post_id, saved.author_id) == ("Nice *post*", post.id, reader.id)
    notification = _db.session.scalars(select(Notification)).one()
    assert (notification.user_id, notification.actor_id) == (post.author_id, reader.id)


def test_a_blank_comment_is_refused(db):
    with pytest.raises(Invalid) as refused:
        comments.add_comment(UserFactory(), PostFactory(), "  ")
    assert refused.value.errors == {"body": ["can't be blank"]}
    assert count(Comment) == 0


def test_a_comment_on_a_deleted_post_is_not_found(db):
    post, reader = PostFactory(), UserFactory()
    _db.session.delete(post)
    _db.session.commit()
    with pytest.raises(NotFound) as refused:
        comments.add_comment(reader, post, "Too late")
    assert (refused.value.message, refused.value.errors) == (f"There is no post {post.id}.", {"article": ["not found"]})
    assert count(Comment) == 0


def test_the_blocked_and_the_unconfirmed_cannot_comment(db):
    post, reader = PostFactory(), UserFactory()
    blocks.block(post.author, reader)
    with pytest.raises(NotAllowed) as refused:
        comments.add_comment(reader, post, "Let me in")
    assert refused.value.message == "You cannot comment on this post."
    with pytest.raises(NotAllowed) as refused:
        comments.add_comment(post.author, PostFactory(author=reader), "Hello again")
    assert refused.value.message == "You have blocked this user: unblock them first to comment on this post."
    with pytest.raises(NotAllowed):
        comments.add_comment(UserFactory(confirmed=False), post, "Who am I")
    assert (count(Comment), count(Notification)) == (0, 0)


def test_only_moderators_hide_and_show_comments(db):
    comment = CommentFactory()
    with pytest.raises(NotAllowed):
        comments.set_comment_disabled(comment.author, comment, True)
    assert not comment.disabled
    mod = moderator()
    comments.set_comment_disabled(mod, comment, True)
    _db.session.expire_all()
    assert _db.session.get(Comment, comment.id).disabled
    comments.set_comment_disabled(mod, comment, False)
    _db.session.expire_all()
    assert not _db.session.get(Comment, comment.id).disabled


def test_the_author_or_a_moderator_deletes_a_comment(db):
    first, second = CommentFactory(), CommentFactory()
    with pytest.raises(NotAllowed) as refused:
        comments.delete_comment(UserFactory(), first)
    assert (refused.value.message, refused.value.errors) == (
        "Only the comment's author or a moderator can delete it.",
        {"comment": ["forbidden"]},
    )
    first.author.confirmed = False
    _db.session.commit()
    with pytest.raises(NotAllowed):
        comments.delete_comment(first.author, first)
    assert count(Comment) == 2
    comments.delete_comment(second.author, second)
    comments.delete_comment(moderator(), first)
    assert count(Comment) == 0
    assert count(Post) == 2
