"""The queries behind the pages: each loads what its page shows in a fixed number of statements."""

from collections.abc import Mapping
from functools import cache
from typing import Any

from flask import current_app
from flask_sqlalchemy.pagination import Pagination
from sqlalchemy import Select, func, select
from sqlalchemy.orm import joinedload
from sqlalchemy.orm.interfaces import ORMOption

from ..extensions import db
from ..models import Comment, Follow, Post, User
from ..models.post import every_post
from ..models.user import authored_posts_of_author, followed_posts_of_follower
from ..pagination import Counting, Position, paginate


@cache
def post_card_loading() -> tuple[ORMOption, ...]:
    """What a post card shows besides its post: its author and tags, loaded with it (options built once)."""
    return (joinedload(Post.author), joinedload(Post.tag_links))


def paginate_posts(
    statement: Select, position: Position | int, params: Mapping[str, Any], *, counting: Counting = "exact"
) -> Pagination:
    """A page of the posts ``statement`` (built once, ``params`` its values) selects, newest first, with authors and
    tags (see ``app.pagination``)."""
    per_page = current_app.config["FLASKY_POSTS_PER_PAGE"]
    return paginate(statement, position, per_page, options=post_card_loading(), counting=counting, params=params)


def all_posts(position: Position | int) -> Pagination:
    """A page of every post, newest first; counted only a few pages ahead, as the table grows without end."""
    return paginate_posts(every_post(), position, {}, counting="bounded")


def followed_posts(user: User, position: Position | int) -> Pagination:
    """A page of the posts by the users ``user`` follows, newest first; counted only a few pages ahead."""
    return paginate_posts(followed_posts_of_follower(), position, {"follower_id": user.id}, counting="bounded")


def posts_by(user: User, position: Position | int) -> Pagination:
    """A page of ``user``'s posts, newest first, with their exact number (the profile shows it)."""
    return paginate_posts(authored_posts_of_author(), position, {"author_id": user.id})


def comments_on(post: Post, position: Position | int) -> Pagination:
    """A page of the comments on ``post``, oldest first, with their exact number; page -1 is the last page."""
    if isinstance(position, int):
        position = Position(position)
    if position.page == -1:
        position = Position(last_comment_page(post))
    statement = select(Comment).where(Comment.post_id == post.id)
    per_page = current_app.config["FLASKY_COMMENTS_PER_PAGE"]
    return paginate(statement, position, per_page, oldest_first=True, options=[joinedload(Comment.author)])


def last_comment_page(post: Post) -> int:
    """The number of the page that shows ``post``'s newest comment."""
    total = db.session.scalar(select(func.count()).select_from(Comment).where(Comment.post_id == post.id))
    return max((total - 1) // current_app.config["FLASKY_COMMENTS_PER_PAGE"] + 1, 1)


def newest_comments(page: int) -> Pagination:
    """A page of every comment, newest first, for moderators."""
    per_page = current_app.config["FLASKY_COMMENTS_PER_PAGE"]
    return paginate(select(Comment), page, per_page, options=[joinedload(Comment.author)])


def follows_of(user: User, position: Position | int, *, of_followers: bool) -> Pagination:
    """A page of the follows of ``user`` by others (``of_followers``) or by ``user`` of others, newest first, with
    the other user of each loaded."""
    if of_followers:
        follows, other, shown = Follow.followers_of(user.id), Follow.follower_id, Follow.follower
    else:
        follows, other, shown = Follow.followed_by(user.id), Follow.followed_id, Follow.followed
    per_page = current_app.config["FLASKY_FOLLOWERS_PER_PAGE"]
    return paginate(select(Follow).where(follows), position, per_page, key=other, options=[joinedload(shown)])
