"""The factories build the rows the other tests arrange with."""

from app.models import Permission
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory


def test_comment_factory_builds_its_post_and_authors(db):
    comment = CommentFactory()
    assert comment.id is not None
    assert comment.post.author is not None
    assert comment.author is not comment.post.author


def test_follow_factory_links_two_users(db):
    follow = FollowFactory()
    assert follow.follower.is_following(follow.followed)
    assert follow.followed.is_followed_by(follow.follower)


def test_user_factory_makes_confirmed_writers_with_password_cat(db):
    user = PostFactory().author
    assert user.confirmed
    assert user.can(Permission.WRITE)
    assert user.verify_password("cat")


def test_user_factory_traits_choose_the_role(db):
    assert UserFactory(moderator=True).can(Permission.MODERATE)
    assert not UserFactory(moderator=True).is_administrator()
    assert UserFactory(administrator=True).is_administrator()
    assert not UserFactory(unconfirmed=True).confirmed
