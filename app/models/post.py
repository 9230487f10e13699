"""Posts with their titles, slugs and tags, and the favorites Conduit readers give them."""

import csv
import io
from collections.abc import Iterable
from datetime import datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import ForeignKey, Index, Select, String, Text, bindparam, event, func, or_, select
from sqlalchemy.orm import DynamicMapped, Mapped, Session, mapped_column, relationship

from ..converters import url_for_id
from ..exceptions import N_, ValidationError
from ..extensions import db
from ..markdown import render_markdown
from ..slugs import SLUG_LENGTH, SlugNumbering, slugify
from ..timestamps import isoformat_utc, utcnow
from .body import body_from_json
from .comment import Comment
from .role import Permission

if TYPE_CHECKING:
    from .user import AnonymousUser, User

TITLE_LENGTH = 200
TAG_LENGTH = 64
TAG_TOO_LONG = N_("tags must be at most %(maximum)d characters", maximum=TAG_LENGTH)


class Post(db.Model):
    __tablename__ = "posts"
    # Newest-first pages pick their ids on these indexes (index-only), then load just those rows: see app.pagination.
    # (author_id, timestamp, id) also serves a profile's posts and the Followed feed's per-author newest posts; the
    # author in (timestamp, id, author_id) lets the Followed feed's newest-first walk keep its authors' posts unread.
    __table_args__ = (
        Index("ix_posts_timestamp_id_author_id", "timestamp", "id", "author_id"),
        Index("ix_posts_author_id_timestamp_id", "author_id", "timestamp", "id"),
    )
    # Two requests deleting one post at once both succeed: the one that finds the row gone has nothing to do.
    __mapper_args__ = {"confirm_deleted_rows": False}

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped["User | None"] = relationship(back_populates="posts")
    comments: DynamicMapped[Comment] = relationship(back_populates="post", lazy="dynamic", cascade="all, delete-orphan")
    tag_links: Mapped[list["PostTag"]] = relationship(order_by="PostTag.position", cascade="all, delete-orphan")
    favorites: DynamicMapped["Favorite"] = relationship(lazy="dynamic", cascade="all, delete-orphan")

    @property
    def tag_names(self) -> list[str]:
        """The post's tags, in the order they were given."""
        return [link.tag.name for link in self.tag_links]

    @tag_names.setter
    def tag_names(self, names: Iterable[str]) -> None:
        names = Tag.clean_names(names)
        kept = {link.tag.name: link for link in self.tag_links}
        tags = Tag.named(name for name in names if name not in kept)
        links = [kept.get(name) or PostTag(tag=tags[name]) for name in names]
        for position, link in enumerate(links):
            link.position = position
        self.tag_links = links

    @property
    def title_follows_body(self) -> bool:
        """Whether the title is the one the body's first line gives, so that editing the body changes it too."""
        return self.title == title_from_body(self.body)

    def is_favorited_by(self, user: "User") -> bool:
        return self.favorites.filter_by(user_id=user.id).first() is not None

    def favorite(self, user: "User") -> None:
        """Add ``user``'s favorite; favoriting twice counts once."""
        if not self.is_favorited_by(user):
            self.favorites.append(Favorite(user_id=user.id))

    def unfavorite(self, user: "User") -> None:
        favorite = self.favorites.filter_by(user_id=user.id).first()
        if favorite is not None:
            db.session.delete(favorite)

    def to_json(self, comment_count: int | None = None) -> dict[str, Any]:
        """The API representation; pass ``comment_count`` when it was loaded with others, to save a query."""
        return {
            "url": url_for_id("api.get_post", self.id),
            "title": self.title,
            "body": self.body,
            "body_html": self.body_html,
            "timestamp": isoformat_utc(self.timestamp),
            "author_url": url_for_id("api.get_user", self.author_id),
            "comments_url": url_for_id("api.get_post_comments", self.id),
            "comment_count": self.comments.count() if comment_count is None else comment_count,
        }

    @staticmethod
    def comment_counts(posts: Iterable["Post"]) -> dict[int, int]:
        """The number of comments on each of ``posts``, in one grouped query (none when there are no posts)."""
        ids = [post.id for post in posts]
        if not ids:
            return {}
        rows = db.session.execute(comment_counts_of_posts(), {"post_ids": ids})
        counts = dict.fromkeys(ids, 0)
        counts.update(dict(rows.tuples().all()))
        return counts

    def editable_by(self, user: "User | AnonymousUser") -> bool:
        """Whether ``user`` may change this post: its author while allowed to write, or an administrator."""
        if user.is_administrator():
            return True
        return user.can(Permission.WRITE) and user.is_authenticated and user.id == self.author_id

    @staticmethod
    def from_json(json_post: Any) -> "Post":
        return Post(body=body_from_json(json_post, "post"))

    def __repr__(self) -> str:
        return f"<Post {self.id}>"


@cache
def every_post() -> Select:
    """A select of every post, built once: the home page and the API's posts list run it on every request."""
    return select(Post)


@cache
def comment_counts_of_posts() -> Select:
    """The number of comments on each post of ``:post_ids``, built once: every list of posts runs it."""
    post_ids = bindparam("post_ids", expanding=True)
    return select(Comment.post_id, func.count()).where(Comment.post_id.in_(post_ids)).group_by(Comment.post_id)


@event.listens_for(Post.body, "set")
@event.listens_for(Comment.body, "set")
def _render_body(target: Post | Comment, value: str | None, oldvalue: Any, initiator: Any) -> None:
    target.body_html = render_markdown(value)


class Tag(db.Model):
    __tablename__ = "tags"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(TAG_LENGTH), unique=True)

    @staticmethod
    def clean_names(names: Iterable[str]) -> list[str]:
        """Strip each name and drop blanks and repeats, keeping the order; refuse names that are too long."""
        cleaned: list[str] = []
        for name in (name.strip() for name in names):
            if len(name) > TAG_LENGTH:
                raise ValidationError(TAG_TOO_LONG)
            if name and name not in cleaned:
                cleaned.append(name)
        return cleaned

    @staticmethod
    def split(text: str | None) -> list[str]:
        """The tags typed in one comma-separated field, cleaned; a tag with a comma is written in double quotes."""
        rows = list(csv.reader(io.StringIO((text or "").replace("\r", " ").replace("\n", " ")), skipinitialspace=True))
        return Tag.clean_names(rows[0] if rows else [])

    @staticmethod
    def join(names: Iterable[str]) -> str:
        """The tags as one comma-separated field that ``split`` reads back to the same tags."""
        return ", ".join(
            f'"{name.replace(chr(34), chr(34) * 2)}"' if {",", '"'} & set(name) else name for name in names
        )

    @staticmethod
    def named(names: Iterable[str]) -> dict[str, "Tag"]:
        """The tags with these names, created when they do not exist yet."""
        wanted = list(names)
        if not wanted:
            return {}
        # Pending tags count too: a post being built must not be flushed half-made to look for them.
        tags = {obj.name: obj for obj in db.session.new if isinstance(obj, Tag) and obj.name in wanted}
        with db.session.no_autoflush:
            tags.update((tag.name, tag) for tag in db.session.scalars(select(Tag).where(Tag.name.in_(wanted))))
        for name in wanted:
            tags.setdefault(name, Tag(name=name))
        return tags

    def __repr__(self) -> str:
        return f"<Tag {self.name!r}>"


class PostTag(db.Model):
    """A tag on a post, at its place in the post's list of tags."""

    __tablename__ = "post_tags"

    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True)
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True, index=True)
    position: Mapped[int] = mapped_column(default=0)

    tag: Mapped[Tag] = relationship(lazy="joined")


class Favorite(db.Model):
    """A user's favorite post."""

    __tablename__ = "favorites"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"), primary_key=True, index=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)


def title_from_body(body: str | None) -> str:
    """A title for a post written without one: its first non-blank line, without Markdown heading marks."""
    for line in (body or "").splitlines():
        text = line.strip().lstrip("#").strip()
        if text:
            return text[:TITLE_LENGTH]
    return "Untitled"


def unique_slug(session: Session, title: str, taken: set[str]) -> str:
    """A slug for ``title`` that no post has and that is not in ``taken``: ``title``, ``title-2``, ``title-3``..."""
    base = slugify(title)
    with session.no_autoflush:
        existing = set(session.scalars(select(Post.slug).where(or_(Post.slug == base, Post.slug.like(f"{base}-%")))))
    return SlugNumbering(existing | taken).for_title(title)


@event.listens_for(Session, "before_flush")
def _complete_posts(session: Session, flush_context: Any, instances: Any) -> None:
    """Give every post a title (from its first line when it has none); new posts get a slug that never changes."""
    taken: set[str] = set()
    for post in [obj for obj in session.dirty if isinstance(obj, Post)]:
        if not (post.title or "").strip():
            post.title = title_from_body(post.body)
    for post in [obj for obj in session.new if isinstance(obj, Post)]:
        if not (post.title or "").strip():
            post.title = title_from_body(post.body)
        if post.timestamp is None:
            post.timestamp = utcnow()
        if post.updated_at is None:
            post.updated_at = post.timestamp
        if not post.slug:
            post.slug = unique_slug(session, post.title, taken)
        taken.add(post.slug)
