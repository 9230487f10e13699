"""The blocks service: blocking ends the follows between two users only, and refuses with the words each side sees."""

import pytest
from sqlalchemy import select

from app.exceptions import Invalid, NotAllowed
from app.extensions import db as _db
from app.models import AnonymousUser, Block, Follow
from app.services import blocks
from tests.factories import FollowFactory, UserFactory


def pairs(model: type[Block] | type[Follow]) -> set[tuple[int, int]]:
    if model is Block:
        return {(row.blocker_id, row.blocked_id) for row in _db.session.scalars(select(Block))}
    return {(row.follower_id, row.followed_id) for row in _db.session.scalars(select(Follow))}


def test_blocking_ends_the_follows_between_the_two_and_no_others(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    for follower, followed in ((ann, bob), (bob, ann), (ann, cy), (cy, bob), (bob, cy), (cy, ann)):
        FollowFactory(follower=follower, followed=followed)
    assert blocks.block(ann, bob)
    others = {(ann.id, cy.id), (cy.id, bob.id), (bob.id, cy.id), (cy.id, ann.id)}
    assert pairs(Follow) - {(user.id, user.id) for user in (ann, bob, cy)} == others
    assert not blocks.block(ann, bob)
    assert pairs(Block) == {(ann.id, bob.id)}


def test_unblock_lifts_only_the_actors_block_of_that_user(db):
    ann, bob, cy = UserFactory(), UserFactory(), UserFactory()
    blocks.block(ann, bob)
    blocks.block(ann, cy)
    blocks.block(cy, bob)
    assert blocks.unblock(ann, bob)
    assert not blocks.unblock(ann, bob)
    assert pairs(Block) == {(ann.id, cy.id), (cy.id, bob.id)}


def test_nobody_signed_out_has_blocked_anyone(db):
    assert not blocks.has_blocked(AnonymousUser(), UserFactory())


@pytest.mark.parametrize("action", [blocks.block, blocks.unblock])
def test_blocking_or_unblocking_yourself_is_refused_in_words(db, action):
    ann = UserFactory()
    with pytest.raises(Invalid) as refused:
        action(ann, ann)
    verb = action.__name__
    assert (refused.value.message, refused.value.errors) == (
        f"You cannot {verb} yourself.",
        {"profile": [f"is your own: you cannot {verb} yourself"]},
    )


def test_each_side_of_a_block_is_refused_with_its_own_words(db):
    owner, actor = UserFactory(), UserFactory()
    blocks.block(owner, actor)
    with pytest.raises(NotAllowed) as refused:
        blocks.refuse_if_blocked(actor, owner.id, "message this user")
    assert (refused.value.message, refused.value.errors) == ("You cannot message this user.", {"user": ["forbidden"]})
    with pytest.raises(NotAllowed) as refused:
        blocks.refuse_if_blocked(owner, actor.id, "message this user")
    assert (refused.value.message, refused.value.errors) == (
        "You have blocked this user: unblock them first to message this user.",
        {"user": ["blocked by you"]},
    )


def test_blocks_of_third_users_refuse_nothing(db):
    owner, actor, other = UserFactory(), UserFactory(), UserFactory()
    blocks.block(owner, other)
    blocks.block(other, owner)
    blocks.block(actor, other)
    blocks.block(other, actor)
    blocks.refuse_if_blocked(actor, owner.id, "message this user")
    blocks.refuse_if_blocked(owner, actor.id, "message this user")
