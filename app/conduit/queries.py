"""The queries behind Conduit's pages; each list takes a fixed number of queries, whatever its length."""

from typing import Any

from sqlalchemy import ColumnElement, Select, and_, exists, false, func, select
from sqlalchemy.orm import aliased, contains_eager, selectinload

from ..exceptions import NotFound
from ..extensions import db
from ..models import Comment, Favorite, Follow, Post, PostTag, Tag, User
from ..validation import is_storable


def follows(viewer: User | None, author_id: Any) -> ColumnElement[bool]:
    """Whether ``viewer`` follows the author, in SQL; never true of the viewer's own work."""
    if viewer is None:
        return false()
    return and_(
        author_id != viewer.id,
        exists().where(Follow.follower_id == viewer.id, Follow.followed_id == author_id),
    )


def is_following(viewer: User | None, user: User) -> bool:
    return bool(db.session.scalar(select(follows(viewer, user.id))))


def articles(viewer: User | None) -> Select:
    """Posts with author and tags, favorites count, whether ``viewer`` favorited them and follows the author."""
    favorites_count = select(func.count()).where(Favorite.post_id == Post.id).correlate(Post).scalar_subquery()
    favorited = (
        false() if viewer is None else exists().where(Favorite.post_id == Post.id, Favorite.user_id == viewer.id)
    )
    return (
        select(Post, favorites_count, favorited, follows(viewer, Post.author_id))
        .join(Post.author)
        .options(contains_eager(Post.author), selectinload(Post.tag_links).joinedload(PostTag.tag))
    )


def article_row(slug: str, viewer: User | None) -> Any:
    """The row of ``articles()`` for ``slug``; otherwise ``NotFound``."""
    row = db.session.execute(articles(viewer).where(Post.slug == slug)).first() if is_storable(slug) else None
    if row is None:
        raise NotFound(f"There is no article {slug!r}.", {"article": ["not found"]})
    return row


def article_filters(
    viewer: User | None,
    *,
    tag: str | None = None,
    author: str | None = None,
    favorited_by: str | None = None,
    feed: bool = False,
) -> list[ColumnElement[bool]]:
    """Conditions on posts joined to their author: by tag, author, favoriting user, or the viewer's feed."""
    conditions: list[ColumnElement[bool]] = []
    if tag is not None:
        conditions.append(Post.id.in_(select(PostTag.post_id).join(PostTag.tag).where(Tag.name == tag)))
    if author is not None:
        conditions.append(User.username == author)
    if favorited_by is not None:
        fan = aliased(User)
        conditions.append(
            Post.id.in_(
                select(Favorite.post_id).join(fan, Favorite.user_id == fan.id).where(fan.username == favorited_by)
            )
        )
    if feed and viewer is not None:
        conditions.append(Post.author_id != viewer.id)
        conditions.append(Post.author_id.in_(select(Follow.followed_id).where(Follow.follower_id == viewer.id)))
    return conditions


def article_page(viewer: User | None, conditions: list[ColumnElement[bool]], limit: int, offset: int) -> tuple:
    """One page of articles, newest first, and how many match in all: three queries."""
    total = db.session.scalar(select(func.count(Post.id)).join(Post.author).where(*conditions))
    rows = db.session.execute(
        articles(viewer).where(*conditions).order_by(Post.timestamp.desc(), Post.id.desc()).limit(limit).offset(offset)
    ).all()
    return rows, total


def comment_rows(post: Post, viewer: User | None) -> list:
    """The post's comments that moderators left visible, newest first, with whether ``viewer`` follows each author."""
    return list(
        db.session.execute(
            select(Comment, follows(viewer, Comment.author_id))
            .join(Comment.author)
            .options(contains_eager(Comment.author))
            .where(Comment.post_id == post.id, Comment.disabled.is_(False))
            .order_by(Comment.timestamp.desc(), Comment.id.desc())
        ).all()
    )


def popular_tags() -> list[str]:
    """Tags in use, the most used first."""
    return list(
        db.session.scalars(
            select(Tag.name).join(PostTag).group_by(Tag.id, Tag.name).order_by(func.count().desc(), Tag.name)
        )
    )
