"""Commenting on posts, moderating comments and deleting them."""

from typing import Any

from ..exceptions import N_, Invalid, NotAllowed, NotFound
from ..extensions import db
from ..models import Comment, Permission, Post
from ..validation import Problems
from . import blocks, notifications
from .policy import Actor, require, require_confirmed
from .transactions import commit_retrying


def add_comment(actor: Actor, post: Post, body: Any) -> Comment:
    """Publish ``actor``'s comment on ``post``; ``NotFound`` when the post was deleted meanwhile."""
    author = require(actor, Permission.COMMENT)
    problems = Problems()
    text = problems.text("body", body)
    problems.raise_if_any(Invalid)
    post_id = post.id

    def write(_attempt: int) -> Comment:
        if db.session.get(Post, post_id) is None:
            raise NotFound(f"There is no post {post_id}.", {"article": ["not found"]})
        blocks.refuse_if_blocked(author, post.author_id, N_("comment on this post"))
        comment = Comment(body=text, post_id=post_id, author=author)
        db.session.add(comment)
        notifications.notify_comment(comment, post.author_id)
        return comment

    return commit_retrying(write)


def set_comment_disabled(actor: Actor, comment: Comment, disabled: bool) -> Comment:
    """Hide a comment from everyone but moderators, or show it again."""
    require(actor, Permission.MODERATE)

    def write(_attempt: int) -> Comment:
        comment.disabled = disabled
        return comment

    return commit_retrying(write)


def delete_comment(actor: Actor, comment: Comment) -> None:
    """Delete ``comment``: its author may, and so may moderators."""
    require_confirmed(actor)
    if not comment.deletable_by(actor):
        raise NotAllowed("Only the comment's author or a moderator can delete it.", {"comment": ["forbidden"]})
    db.session.delete(comment)
    db.session.commit()
