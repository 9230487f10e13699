"""Following and unfollowing users."""

from sqlalchemy import delete

from ..exceptions import N_, Invalid
from ..extensions import db
from ..models import Follow, Permission, User
from . import blocks, notifications
from .policy import Actor, require
from .transactions import commit_retrying


def follow(actor: Actor, user: User) -> bool:
    """Make ``actor`` follow ``user``; false when already following (a request at the same moment included)."""
    follower = require(actor, Permission.FOLLOW)
    refuse_self(follower, user, N_("follow"))

    def write(_attempt: int) -> bool:
        blocks.refuse_if_blocked(follower, user.id, N_("follow this user"))
        if follower.is_following(user):
            return False
        db.session.add(Follow(follower_id=follower.id, followed_id=user.id))
        notifications.notify_follow(follower, user.id)
        return True

    return commit_retrying(write)


def unfollow(actor: Actor, user: User) -> bool:
    """Make ``actor`` stop following ``user``; false when not following."""
    follower = require(actor, Permission.FOLLOW)
    refuse_self(follower, user, N_("unfollow"))
    result = db.session.execute(delete(Follow).where(Follow.follower_id == follower.id, Follow.followed_id == user.id))
    db.session.commit()
    return result.rowcount > 0


def refuse_self(follower: User, user: User, action: str) -> None:
    if follower.id == user.id:
        raise Invalid(
            N_("You cannot %(action)s yourself: your own posts are always on your timeline.", action=action),
            {"profile": [N_("is your own: you cannot %(action)s yourself", action=action)]},
        )
