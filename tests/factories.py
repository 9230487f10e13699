"""factory-boy factories for every model, bound lazily to the application's session."""

import factory
from sqlalchemy import select

from app.extensions import db
from app.models import Comment, Favorite, Follow, Post, Role, Tag, User


def role_named(name: str) -> Role:
    return db.session.scalar(select(Role).filter_by(name=name))


class BaseFactory(factory.alchemy.SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class RoleFactory(BaseFactory):
    class Meta:
        model = Role

    name = factory.Sequence(lambda n: f"Role {n}")
    permissions = 0


class UserFactory(BaseFactory):
    class Meta:
        model = User
        exclude = ("role_name",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    username = factory.Sequence(lambda n: f"user{n}")
    password = "cat"
    confirmed = True
    name = factory.Faker("name")
    location = factory.Faker("city")
    about_me = factory.Faker("sentence")
    role_name = "User"
    role = factory.LazyAttribute(lambda user: role_named(user.role_name))

    class Params:
        moderator = factory.Trait(role_name="Moderator")
        administrator = factory.Trait(role_name="Administrator")
        unconfirmed = factory.Trait(confirmed=False)


class PostFactory(BaseFactory):
    class Meta:
        model = Post

    body = factory.Faker("paragraph")
    author = factory.SubFactory(UserFactory)


class CommentFactory(BaseFactory):
    class Meta:
        model = Comment

    body = factory.Faker("sentence")
    author = factory.SubFactory(UserFactory)
    post = factory.SubFactory(PostFactory)
    disabled = False


class FollowFactory(BaseFactory):
    class Meta:
        model = Follow

    follower = factory.SubFactory(UserFactory)
    followed = factory.SubFactory(UserFactory)


class TagFactory(BaseFactory):
    class Meta:
        model = Tag

    name = factory.Sequence(lambda n: f"tag{n}")


class FavoriteFactory(BaseFactory):
    class Meta:
        model = Favorite

    user_id = factory.LazyFunction(lambda: UserFactory().id)
    post_id = factory.LazyFunction(lambda: PostFactory().id)
