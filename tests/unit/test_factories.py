from app.models import Permission, User
from tests.factories import CommentFactory, FollowFactory, PostFactory, UserFactory


def test_factories_build_related_rows(db):
    comment = CommentFactory()
    follow = FollowFactory()
    post = PostFactory()
    assert comment.post.author is not None
    assert follow.follower.is_following(follow.followed)
    assert post.author.can(Permission.WRITE)
    assert UserFactory(moderator=True).can(Permission.MODERATE)
    assert UserFactory(administrator=True).is_administrator()


def test_user_built_without_commit_has_password_only(db):
    user = User(password="cat")
    assert user.verify_password("cat")
    assert not user.verify_password("dog")
