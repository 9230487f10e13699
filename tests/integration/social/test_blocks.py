"""Blocking, in each place it applies and through each interface: a blocked user cannot message the blocker, follow
them or comment on their posts, and is never told why."""

from app.extensions import db
from app.models import Block, Comment, Follow, Message
from tests.factories import FollowFactory, PostFactory, UserFactory
from tests.login import log_in_as

GENERIC = {"message": "You cannot message this user.", "follow": "You cannot follow this user."}


def rows(model) -> int:
    db.session.expire_all()
    return db.session.scalar(db.select(db.func.count()).select_from(model))


def blocked(blocker, user) -> None:
    db.session.add(Block(blocker_id=blocker.id, blocked_id=user.id))
    db.session.commit()


def test_blocking_ends_the_follows_both_ways(db, actions):
    ann, bob, cat = UserFactory(), UserFactory(), UserFactory()
    FollowFactory(follower=ann, followed=bob)
    FollowFactory(follower=bob, followed=ann)
    FollowFactory(follower=cat, followed=ann)

    response = actions.block(ann, bob)

    assert response.status_code == actions.done("block")
    assert db.session.get(Block, (ann.id, bob.id)) is not None
    assert db.session.get(Follow, (ann.id, bob.id)) is None
    assert db.session.get(Follow, (bob.id, ann.id)) is None
    assert db.session.get(Follow, (cat.id, ann.id)) is not None


def test_a_blocked_user_cannot_message_the_blocker_and_is_not_told_why(db, actions):
    ann, bob = UserFactory(), UserFactory()
    blocked(ann, bob)

    response = actions.message(bob, ann)

    assert response.status_code == 403
    told = actions.refusal(response)
    assert GENERIC["message"] in told
    assert "block" not in told.lower()
    assert rows(Message) == 0


def test_the_blocker_cannot_message_the_blocked_user_until_unblocking(db, actions):
    ann, bob = UserFactory(), UserFactory()
    blocked(ann, bob)

    refused = actions.message(ann, bob)
    assert refused.status_code == 403
    assert "unblock them first" in actions.refusal(refused)

    assert actions.unblock(ann, bob).status_code == actions.done("unblock")
    assert actions.message(ann, bob).status_code == actions.done("message")
    assert rows(Message) == 1


def test_a_blocked_user_cannot_follow_the_blocker(db, every_interface):
    ann, bob = UserFactory(), UserFactory()
    blocked(ann, bob)

    response = every_interface.follow(bob, ann)

    assert response.status_code == 403
    assert "block" not in every_interface.refusal(response).lower()
    assert db.session.get(Follow, (bob.id, ann.id)) is None


def test_a_blocked_user_cannot_comment_on_the_blockers_posts(db, every_interface):
    ann, bob = UserFactory(), UserFactory()
    post = PostFactory(author=ann)
    blocked(ann, bob)

    response = every_interface.comment(bob, post)

    assert response.status_code == 403
    assert "block" not in every_interface.refusal(response).lower()
    assert rows(Comment) == 0


def test_a_blocked_user_still_comments_on_other_posts(db, every_interface):
    ann, bob = UserFactory(), UserFactory()
    blocked(ann, bob)

    response = every_interface.comment(bob, PostFactory())

    assert response.status_code == every_interface.done("comment")
    assert rows(Comment) == 1


def test_after_unblocking_the_user_may_follow_again(db, actions):
    ann, bob = UserFactory(), UserFactory()
    blocked(ann, bob)

    assert actions.unblock(ann, bob).status_code == actions.done("unblock")

    assert actions.follow(bob, ann).status_code == actions.done("follow")
    assert db.session.get(Follow, (bob.id, ann.id)) is not None


def test_blocking_twice_keeps_one_block(client, db, actions):
    ann, bob = UserFactory(), UserFactory()
    blocked(ann, bob)

    response = actions.block(ann, bob)

    if actions.interface == "web":
        assert "You have already blocked this user." in client.get(response.headers["Location"]).get_data(as_text=True)
    else:
        assert response.status_code == 409
    assert rows(Block) == 1


def test_unblocking_someone_not_blocked_changes_nothing(client, db, actions):
    ann, bob = UserFactory(), UserFactory()

    response = actions.unblock(ann, bob)

    if actions.interface == "web":
        assert "You have not blocked this user." in client.get(response.headers["Location"]).get_data(as_text=True)
    else:
        assert response.status_code == 409


def test_blocking_yourself_is_refused(client, db, actions):
    ann = UserFactory()

    response = actions.block(ann, ann)

    if actions.interface == "web":
        assert "You cannot block yourself." in client.get(response.headers["Location"]).get_data(as_text=True)
    else:
        assert response.status_code == 422
    assert rows(Block) == 0


def test_an_unconfirmed_user_cannot_block(db, actions):
    ann, bob = UserFactory(unconfirmed=True), UserFactory()

    response = actions.block(ann, bob)

    assert response.status_code in {302, 403}
    assert rows(Block) == 0


def test_the_block_button_asks_first_and_says_what_blocking_does(client, db):
    log_in_as(client, UserFactory())
    UserFactory(username="bob")

    page = client.get("/block/bob").get_data(as_text=True)

    assert "bob will no longer be able to message you, follow you or comment on your posts" in page
    assert 'action="/block/bob"' in page
    assert rows(Block) == 0


def test_the_profile_offers_message_and_block_or_unblock(client, db):
    ann, bob = UserFactory(), UserFactory(username="bob")
    log_in_as(client, ann)

    page = client.get("/user/bob").get_data(as_text=True)
    assert 'href="/messages/bob">Message</a>' in page
    assert 'href="/block/bob">Block</a>' in page

    blocked(ann, bob)
    page = client.get("/user/bob").get_data(as_text=True)
    assert 'action="/unblock/bob"' in page
    assert 'href="/block/bob"' not in page


def test_the_blocked_user_sees_nothing_of_the_block_on_the_blockers_profile(client, db):
    ann, bob = UserFactory(username="ann"), UserFactory()
    blocked(ann, bob)
    log_in_as(client, bob)

    page = client.get("/user/ann").get_data(as_text=True)

    assert 'action="/unblock/ann"' not in page
    assert "blocked you" not in page.lower()
    assert 'href="/block/ann">Block</a>' in page  # bob's own Block button, as on any profile


def test_unblocking_yourself_is_refused(client, db):
    ann = UserFactory()
    log_in_as(client, ann)

    response = client.post(f"/unblock/{ann.username}", follow_redirects=True)

    assert "You cannot unblock yourself." in response.get_data(as_text=True)
