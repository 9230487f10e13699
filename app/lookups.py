"""Finding users, posts and comments by what clients name them by; a name no column could hold finds nothing."""

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import joinedload

from .converters import LARGEST_ID
from .exceptions import NotFound
from .extensions import db
from .models import Comment, Post, User
from .validation import is_storable


def has_email(email: str) -> ColumnElement[bool]:
    """The condition that a user's address is ``email``, ignoring case and surrounding spaces."""
    return func.lower(User.email) == email.strip().lower()


def user_by_email(email: str, *, signing_in: bool = False) -> User | None:
    """The user registered with ``email``, ignoring case and surrounding spaces.

    ``signing_in`` loads, in the same statement, what a sign-in reads next: the role and the two-step settings.
    """
    if not is_storable(email):
        return None
    statement = select(User).where(has_email(email))
    if signing_in:
        statement = statement.options(joinedload(User.role), joinedload(User.two_factor))
    return db.session.scalar(statement)


def email_taken(email: str, by_other_than: User | None = None) -> bool:
    """Whether a user, other than ``by_other_than``, has ``email``, ignoring case and surrounding spaces."""
    return is_storable(email) and user_exists(has_email(email), by_other_than)


def username_taken(username: str, by_other_than: User | None = None) -> bool:
    """Whether a user, other than ``by_other_than``, has ``username``, ignoring case, so look-alikes are refused."""
    return is_storable(username) and user_exists(func.lower(User.username) == username.lower(), by_other_than)


def user_exists(condition: ColumnElement[bool], other_than: User | None = None) -> bool:
    """Whether a user, other than ``other_than`` when given, meets ``condition``."""
    statement = select(User.id).where(condition)
    if other_than is not None:
        statement = statement.where(User.id != other_than.id)
    return db.session.scalar(statement) is not None


def user_named(username: str) -> User:
    """The user called exactly ``username``; otherwise ``NotFound``."""
    user = db.session.scalar(select(User).where(User.username == username)) if is_storable(username) else None
    if user is None:
        raise NotFound(f"There is no user {username!r}.", {"profile": ["not found"]})
    return user


def user_with_id(user_id: int) -> User:
    """The user ``user_id``; otherwise ``NotFound``."""
    user = db.session.get(User, user_id) if 0 < user_id <= LARGEST_ID else None
    if user is None:
        raise NotFound(f"There is no user {user_id}.", {"user": ["not found"]})
    return user


def post_with_id(post_id: int) -> Post:
    """The post ``post_id`` with its author and tags; otherwise ``NotFound``."""
    options = [joinedload(Post.author), joinedload(Post.tag_links)]
    post = db.session.get(Post, post_id, options=options) if 0 < post_id <= LARGEST_ID else None
    if post is None:
        raise NotFound(f"There is no post {post_id}.", {"article": ["not found"]})
    return post


def post_with_slug(slug: str) -> Post:
    """The post whose slug is ``slug``; otherwise ``NotFound``."""
    post = db.session.scalar(select(Post).where(Post.slug == slug)) if is_storable(slug) else None
    if post is None:
        raise NotFound(f"There is no article {slug!r}.", {"article": ["not found"]})
    return post


def comment_with_id(comment_id: int, post: Post | None = None) -> Comment:
    """The comment ``comment_id`` (on ``post``, when given); otherwise ``NotFound``."""
    comment = db.session.get(Comment, comment_id) if 0 < comment_id <= LARGEST_ID else None
    if comment is None or (post is not None and comment.post_id != post.id):
        raise NotFound(f"There is no comment {comment_id}.", {"comment": ["not found"]})
    return comment
