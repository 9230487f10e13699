"""Blocking: the user someone blocked can no longer message them, follow them or comment on their posts.

A block is private: the blocked user is refused with the same words whichever rule refused them, and nothing on
any page or API answer tells them that they were blocked.
"""

from sqlalchemy import ColumnElement, and_, delete, exists, or_, select
from sqlalchemy.orm import InstrumentedAttribute

from ..exceptions import N_, Invalid, NotAllowed
from ..extensions import db
from ..models import Block, Follow, User
from .policy import Actor, require_confirmed
from .transactions import commit_retrying


def block(actor: Actor, user: User) -> bool:
    """Make ``actor`` block ``user``, ending the follows between them; false when already blocked."""
    blocker = require_confirmed(actor)
    refuse_self(blocker, user, N_("block"))
    blocker_id, blocked_id = blocker.id, user.id

    def write(_attempt: int) -> bool:
        # Held until commit: a follow, comment or message checking for blocks (``refuse_if_blocked``) waits for it.
        db.session.execute(select(User.id).where(User.id == blocker_id).with_for_update())
        if db.session.get(Block, (blocker_id, blocked_id)) is not None:
            return False
        db.session.add(Block(blocker_id=blocker_id, blocked_id=blocked_id))
        db.session.execute(
            delete(Follow).where(either_way(Follow.follower_id, Follow.followed_id, blocker_id, blocked_id))
        )
        return True

    return commit_retrying(write)


def unblock(actor: Actor, user: User) -> bool:
    """Lift ``actor``'s block of ``user``; false when there was none."""
    blocker = require_confirmed(actor)
    refuse_self(blocker, user, N_("unblock"))
    result = db.session.execute(delete(Block).where(Block.blocker_id == blocker.id, Block.blocked_id == user.id))
    db.session.commit()
    return result.rowcount > 0


def has_blocked(blocker: Actor, user: User) -> bool:
    """Whether ``blocker`` (signed in) has blocked ``user``."""
    if not blocker.is_authenticated:
        return False
    return db.session.get(Block, (blocker.id, user.id)) is not None


def refuse_if_blocked(actor: User, owner_id: int | None, action: str) -> None:
    """``NotAllowed`` when ``actor`` and the user ``owner_id`` (whom ``actor`` would ``action``) are kept apart.

    The owner having blocked ``actor`` gets the same refusal as any rule would give; ``actor`` having blocked the
    owner is told to unblock first. Called in the action's transaction: the owner's row is held (FOR KEY SHARE, which
    leaves the row's other updates free) so that a block being written at the same moment is waited for and seen.
    """
    if owner_id is None or owner_id == actor.id:
        return
    blocked_by_owner = exists().where(Block.blocker_id == owner_id, Block.blocked_id == actor.id)
    blocked_by_actor = exists().where(Block.blocker_id == actor.id, Block.blocked_id == owner_id)
    statement = (
        select(blocked_by_owner, blocked_by_actor)
        .select_from(User)
        .where(User.id == owner_id)
        .with_for_update(read=True, key_share=True, of=User)
    )
    row = db.session.execute(statement).first()
    if row is None:
        return
    if row[0]:
        raise NotAllowed(N_("You cannot %(action)s.", action=action), {"user": ["forbidden"]})
    if row[1]:
        raise NotAllowed(
            N_("You have blocked this user: unblock them first to %(action)s.", action=action),
            {"user": ["blocked by you"]},
        )


def either_way(
    first: InstrumentedAttribute[int], second: InstrumentedAttribute[int], one: int, other: int
) -> ColumnElement[bool]:
    """The condition that the columns ``first`` and ``second`` hold ``one`` and ``other``, in either order."""
    return or_(and_(first == one, second == other), and_(first == other, second == one))


def refuse_self(blocker: User, user: User, action: str) -> None:
    if blocker.id == user.id:
        raise Invalid(
            N_("You cannot %(action)s yourself.", action=action),
            {"profile": [N_("is your own: you cannot %(action)s yourself", action=action)]},
        )
