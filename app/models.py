"""The data model and the rules that go with it: permissions, tokens, follows, feeds."""

import functools
import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from flask import current_app, has_app_context, url_for
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import ColumnElement, ForeignKey, Index, Select, String, Text, event, func, or_, select
from sqlalchemy.orm import DynamicMapped, Mapped, Session, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from .exceptions import ValidationError
from .extensions import db, login_manager
from .markdown import render_markdown
from .tokens import generate_token, load_token

LAST_SEEN_INTERVAL = timedelta(minutes=1)
TITLE_LENGTH = 200
SLUG_LENGTH = 255
TAG_LENGTH = 64
# The web forms and the Conduit API both hold usernames to this rule.
USERNAME_PATTERN = r"^[A-Za-z][A-Za-z0-9_.]*$"
USERNAME_RULE = "must start with a letter and have only letters, numbers, dots or underscores"


def utcnow() -> datetime:
    """The current time in UTC, naive, as every timestamp column stores it."""
    return datetime.now(UTC).replace(tzinfo=None)


def isoformat_utc(moment: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z``, as the API shows timestamps."""
    if moment is None:
        return None
    return moment.replace(microsecond=moment.microsecond // 1000 * 1000).isoformat(timespec="milliseconds") + "Z"


class Permission:
    FOLLOW = 1
    COMMENT = 2
    WRITE = 4
    MODERATE = 8
    ADMIN = 16


class Role(db.Model):
    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    default: Mapped[bool] = mapped_column(default=False, index=True)
    permissions: Mapped[int] = mapped_column(default=0)
    users: DynamicMapped["User"] = relationship(back_populates="role", lazy="dynamic")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.permissions is None:
            self.permissions = 0

    ROLES = {
        "User": [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE],
        "Moderator": [Permission.FOLLOW, Permission.COMMENT, Permission.WRITE, Permission.MODERATE],
        "Administrator": [
            Permission.FOLLOW,
            Permission.COMMENT,
            Permission.WRITE,
            Permission.MODERATE,
            Permission.ADMIN,
        ],
    }
    DEFAULT_ROLE = "User"

    @classmethod
    def insert_roles(cls) -> None:
        """Create or repair the standard roles; running it again changes nothing."""
        for name, permissions in cls.ROLES.items():
            role = db.session.scalar(select(cls).filter_by(name=name))
            if role is None:
                role = cls(name=name)
            role.reset_permissions()
            for permission in permissions:
                role.add_permission(permission)
            role.default = name == cls.DEFAULT_ROLE
            db.session.add(role)
        db.session.commit()

    def add_permission(self, perm: int) -> None:
        if not self.has_permission(perm):
            self.permissions += perm

    def remove_permission(self, perm: int) -> None:
        if self.has_permission(perm):
            self.permissions -= perm

    def reset_permissions(self) -> None:
        self.permissions = 0

    def has_permission(self, perm: int) -> bool:
        return self.permissions & perm == perm

    def __repr__(self) -> str:
        return f"<Role {self.name!r}>"


class Follow(db.Model):
    __tablename__ = "follows"

    follower_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    followed_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True, index=True)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    follower: Mapped["User"] = relationship(foreign_keys=[follower_id], back_populates="followed")
    followed: Mapped["User"] = relationship(foreign_keys=[followed_id], back_populates="followers")


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(120), unique=True, index=True)
    username: Mapped[str | None] = mapped_column(String(64), unique=True, index=True)
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id"))
    password_hash: Mapped[str | None] = mapped_column(String(256))
    confirmed: Mapped[bool] = mapped_column(default=False)
    name: Mapped[str | None] = mapped_column(String(64))
    location: Mapped[str | None] = mapped_column(String(64))
    about_me: Mapped[str | None] = mapped_column(Text)
    about_me_html: Mapped[str | None] = mapped_column(Text)
    member_since: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    avatar_hash: Mapped[str | None] = mapped_column(String(32))
    image: Mapped[str | None] = mapped_column(String(512))

    # Setting a role leaves Role.users alone, so a user built but never added cannot make autoflush warn.
    role: Mapped[Role | None] = relationship(back_populates="users", sync_backref=False)
    posts: DynamicMapped["Post"] = relationship(back_populates="author", lazy="dynamic", cascade="all, delete-orphan")
    comments: DynamicMapped["Comment"] = relationship(
        back_populates="author", lazy="dynamic", cascade="all, delete-orphan"
    )
    followed: DynamicMapped[Follow] = relationship(
        foreign_keys=[Follow.follower_id],
        back_populates="follower",
        lazy="dynamic",
        cascade="all, delete-orphan",
    )
    followers: DynamicMapped[Follow] = relationship(
        foreign_keys=[Follow.followed_id],
        back_populates="followed",
        lazy="dynamic",
        cascade="all, delete-orphan",
    )

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if self.confirmed is None:
            self.confirmed = False
        if self.role is None and has_app_context():
            admin = current_app.config["FLASKY_ADMIN"]
            if self.email is not None and admin and self.email.strip().lower() == admin.strip().lower():
                self.role = db.session.scalar(select(Role).filter_by(name="Administrator"))
            if self.role is None:
                self.role = db.session.scalar(select(Role).filter_by(default=True))
        self.follow(self)

    # Passwords

    @property
    def password(self) -> str:
        raise AttributeError("password is not a readable attribute")

    @password.setter
    def password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password, method=password_hash_method())

    def verify_password(self, password: str) -> bool:
        """Check ``password``; a match stored with an older hashing method is re-hashed with the configured one."""
        if self.password_hash is None or not check_password_hash(self.password_hash, password):
            return False
        if hash_method_of(self.password_hash) != hash_method_of(hash_template(password_hash_method())):
            self.password = password
        return True

    # Tokens

    def generate_confirmation_token(self, expiration: int = 3600) -> str:
        return generate_token("confirm", {"confirm": self.id}, expiration)

    def confirm(self, token: str) -> bool:
        data = load_token("confirm", token)
        if data is None or data.get("confirm") != self.id:
            return False
        self.confirmed = True
        db.session.add(self)
        return True

    def generate_reset_token(self, expiration: int = 3600) -> str:
        """A reset token that stops working once the password changes, so each link resets at most once."""
        return generate_token("reset", {"reset": self.id, "password": self.password_fingerprint()}, expiration)

    def get_id(self) -> str:
        """The id Flask-Login keeps in sessions and remember cookies; a password change ends them all."""
        return f"{self.id}:{self.password_fingerprint()}"

    def password_fingerprint(self) -> str:
        """A short digest of the stored hash: it changes with the password and reveals nothing of it."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    @staticmethod
    def reset_password(token: str, new_password: str) -> bool:
        data = load_token("reset", token)
        if data is None:
            return False
        user = db.session.get(User, data.get("reset"))
        if user is None or data.get("password") != user.password_fingerprint():
            return False
        user.password = new_password
        db.session.add(user)
        return True

    def generate_email_change_token(self, new_email: str, expiration: int = 3600) -> str:
        return generate_token("change-email", {"change_email": self.id, "new_email": new_email}, expiration)

    def change_email(self, token: str) -> bool:
        data = load_token("change-email", token)
        if data is None or data.get("change_email") != self.id:
            return False
        new_email = data.get("new_email")
        if not isinstance(new_email, str) or not new_email:
            return False
        if email_taken(new_email, by_other_than=self):
            return False
        self.email = new_email
        db.session.add(self)
        return True

    def generate_auth_token(self, expiration: int = 3600) -> str:
        """An API token; it stops working when the password changes, as every session does."""
        return generate_token("auth", {"id": self.id, "password": self.password_fingerprint()}, expiration)

    @staticmethod
    def verify_auth_token(token: str) -> "User | None":
        data = load_token("auth", token)
        if data is None:
            return None
        user = db.session.get(User, data.get("id"))
        if user is None or data.get("password") != user.password_fingerprint():
            return None
        return user

    # Permissions

    def can(self, perm: int) -> bool:
        return self.role is not None and self.role.has_permission(perm)

    def is_administrator(self) -> bool:
        return self.can(Permission.ADMIN)

    # Activity and avatars

    def ping(self) -> bool:
        """Record activity; writes at most once a minute. Returns whether it wrote."""
        now = utcnow()
        if self.last_seen is not None and now - self.last_seen < LAST_SEEN_INTERVAL:
            return False
        self.last_seen = now
        db.session.add(self)
        return True

    def gravatar_hash(self) -> str:
        return gravatar_hash(self.email)

    def gravatar(self, size: int = 100, default: str = "identicon", rating: str = "g") -> str:
        hash_ = self.avatar_hash or self.gravatar_hash()
        return f"https://secure.gravatar.com/avatar/{hash_}?" + urlencode({"s": size, "d": default, "r": rating})

    # Follows

    def follow(self, user: "User") -> None:
        if not self.is_following(user):
            self.followed.append(Follow(followed=user))

    def unfollow(self, user: "User") -> None:
        if user.id is None or self.id is None:
            for follow in list(self.followed):
                if follow.followed is user:
                    self.followed.remove(follow)
            return
        follow = self.followed.filter_by(followed_id=user.id).first()
        if follow is not None:
            db.session.delete(follow)

    def is_following(self, user: "User") -> bool:
        if user.id is None or self.id is None:
            return any(follow.followed is user for follow in self.followed)
        return self.followed.filter_by(followed_id=user.id).first() is not None

    def is_followed_by(self, user: "User") -> bool:
        if user.id is None or self.id is None:
            return any(follow.follower is user for follow in self.followers)
        return self.followers.filter_by(follower_id=user.id).first() is not None

    @property
    def follower_count(self) -> int:
        """Followers, not counting the user's own self-follow."""
        return db.session.scalar(
            select(func.count()).select_from(Follow).where(Follow.followed_id == self.id, Follow.follower_id != self.id)
        )

    @property
    def followed_count(self) -> int:
        """Users followed, not counting the user itself."""
        return db.session.scalar(
            select(func.count()).select_from(Follow).where(Follow.follower_id == self.id, Follow.followed_id != self.id)
        )

    @property
    def followed_posts(self) -> Select:
        """A select of the posts by the users this user follows (itself included), newest first."""
        return (
            select(Post)
            .join(Follow, Follow.followed_id == Post.author_id)
            .where(Follow.follower_id == self.id)
            .order_by(Post.timestamp.desc(), Post.id.desc())
        )

    def to_json(self, post_count: int | None = None) -> dict[str, Any]:
        """The API representation; pass ``post_count`` when it was loaded with others, to save a query."""
        return {
            "url": url_for("api.get_user", id=self.id),
            "username": self.username,
            "member_since": isoformat_utc(self.member_since),
            "last_seen": isoformat_utc(self.last_seen),
            "posts_url": url_for("api.get_user_posts", id=self.id),
            "followed_posts_url": url_for("api.get_user_followed_posts", id=self.id),
            "post_count": self.posts.count() if post_count is None else post_count,
        }

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"


def has_email(email: str) -> ColumnElement[bool]:
    """The condition that a user's address is ``email``, ignoring case and surrounding spaces."""
    return func.lower(User.email) == email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The user registered with ``email``, ignoring case and surrounding spaces."""
    return db.session.scalar(select(User).where(has_email(email)))


def email_taken(email: str, by_other_than: User | None = None) -> bool:
    """Whether a user, other than ``by_other_than``, has ``email``, ignoring case and surrounding spaces."""
    return user_exists(has_email(email), by_other_than)


def username_taken(username: str, by_other_than: User | None = None) -> bool:
    """Whether a user, other than ``by_other_than``, has ``username``, ignoring case, so look-alikes are refused."""
    return user_exists(func.lower(User.username) == username.lower(), by_other_than)


def user_exists(condition: ColumnElement[bool], other_than: User | None = None) -> bool:
    """Whether a user, other than ``other_than`` when given, meets ``condition``."""
    statement = select(User.id).where(condition)
    if other_than is not None:
        statement = statement.where(User.id != other_than.id)
    return db.session.scalar(statement) is not None


def gravatar_hash(email: str | None) -> str:
    """The Gravatar hash of an email address."""
    return hashlib.md5((email or "").strip().lower().encode("utf-8")).hexdigest()


def hash_method_of(password_hash: str) -> str:
    """The method part of a Werkzeug hash, such as ``scrypt:131072:8:1``."""
    return password_hash.split("$", 1)[0]


@functools.cache
def hash_template(method: str) -> str:
    """A hash made with ``method``, whose prefix shows how Werkzeug spells that method in full."""
    return generate_password_hash("", method=method)


def password_hash_method() -> str:
    """The configured Werkzeug hashing method; the strong default outside an application."""
    if has_app_context():
        return current_app.config["FLASKY_PASSWORD_HASH_METHOD"]
    return "scrypt:131072:8:1"


@event.listens_for(User.email, "set")
def _cache_avatar_hash(target: User, value: str | None, oldvalue: Any, initiator: Any) -> None:
    target.avatar_hash = gravatar_hash(value) if value is not None else None


@event.listens_for(User.about_me, "set")
def _render_about_me(target: User, value: str | None, oldvalue: Any, initiator: Any) -> None:
    target.about_me_html = render_markdown(value)


class AnonymousUser(AnonymousUserMixin):
    def can(self, permissions: int) -> bool:
        return False

    def is_administrator(self) -> bool:
        return False


login_manager.anonymous_user = AnonymousUser


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session, while the password is the one the session was opened with."""
    id_, _, fingerprint = user_id.partition(":")
    try:
        user = db.session.get(User, int(id_))
    except ValueError:
        return None
    if user is None or fingerprint != user.password_fingerprint():
        return None
    return user


class Post(db.Model):
    __tablename__ = "posts"
    # Newest-first pages pick their ids on these indexes (index-only), then load just those rows: see app.pagination.
    # (author_id, timestamp, id) also serves a profile's posts and the Followed feed's per-author newest posts.
    __table_args__ = (
        Index("ix_posts_timestamp_id", "timestamp", "id"),
        Index("ix_posts_author_id_timestamp_id", "author_id", "timestamp", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="", server_default="")
    slug: Mapped[str] = mapped_column(String(SLUG_LENGTH), unique=True, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    author: Mapped[User | None] = relationship(back_populates="posts")
    comments: DynamicMapped["Comment"] = relationship(
        back_populates="post", lazy="dynamic", cascade="all, delete-orphan"
    )
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

    def is_favorited_by(self, user: User) -> bool:
        return self.favorites.filter_by(user_id=user.id).first() is not None

    def favorite(self, user: User) -> None:
        """Add ``user``'s favorite; favoriting twice counts once."""
        if not self.is_favorited_by(user):
            self.favorites.append(Favorite(user_id=user.id))

    def unfavorite(self, user: User) -> None:
        favorite = self.favorites.filter_by(user_id=user.id).first()
        if favorite is not None:
            db.session.delete(favorite)

    def to_json(self, comment_count: int | None = None) -> dict[str, Any]:
        """The API representation; pass ``comment_count`` when it was loaded with others, to save a query."""
        return {
            "url": url_for("api.get_post", id=self.id),
            "body": self.body,
            "body_html": self.body_html,
            "timestamp": isoformat_utc(self.timestamp),
            "author_url": url_for("api.get_user", id=self.author_id),
            "comments_url": url_for("api.get_post_comments", id=self.id),
            "comment_count": self.comments.count() if comment_count is None else comment_count,
        }

    @staticmethod
    def comment_counts(posts: Iterable["Post"]) -> dict[int, int]:
        """The number of comments on each of ``posts``, in one grouped query (none when there are no posts)."""
        ids = [post.id for post in posts]
        if not ids:
            return {}
        rows = db.session.execute(
            select(Comment.post_id, func.count()).where(Comment.post_id.in_(ids)).group_by(Comment.post_id)
        )
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
        return Post(body=_body_from_json(json_post, "post"))

    def __repr__(self) -> str:
        return f"<Post {self.id}>"


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(Text)
    body_html: Mapped[str | None] = mapped_column(Text)
    timestamp: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    disabled: Mapped[bool] = mapped_column(default=False)
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    post_id: Mapped[int | None] = mapped_column(ForeignKey("posts.id"), index=True)

    author: Mapped[User | None] = relationship(back_populates="comments")
    post: Mapped[Post | None] = relationship(back_populates="comments")

    def to_json(self, reader: "User | AnonymousUser | None" = None) -> dict[str, Any]:
        """The comment as the API shows it; a disabled comment's text only to a ``reader`` who moderates."""
        hidden = self.disabled and not (reader is not None and reader.can(Permission.MODERATE))
        return {
            "url": url_for("api.get_comment", id=self.id),
            "post_url": url_for("api.get_post", id=self.post_id),
            "body": None if hidden else self.body,
            "body_html": None if hidden else self.body_html,
            "disabled": self.disabled,
            "timestamp": isoformat_utc(self.timestamp),
            "author_url": url_for("api.get_user", id=self.author_id),
        }

    @staticmethod
    def from_json(json_comment: Any) -> "Comment":
        return Comment(body=_body_from_json(json_comment, "comment"))

    def __repr__(self) -> str:
        return f"<Comment {self.id}>"


def _body_from_json(data: Any, kind: str) -> str:
    if not isinstance(data, dict):
        raise ValidationError(f"A {kind} must be a JSON object with a 'body'.")
    body = data.get("body")
    if body is None:
        raise ValidationError(f"A {kind} needs a 'body'.")
    if not isinstance(body, str):
        raise ValidationError(f"The {kind}'s 'body' must be a string.")
    if not body.strip():
        raise ValidationError(f"The {kind}'s 'body' must not be empty.")
    if "\x00" in body or _has_lone_surrogate(body):
        raise ValidationError(f"The {kind}'s 'body' must be text without NUL characters or unpaired surrogates.")
    return body


def _has_lone_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


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
                raise ValidationError(f"tags must be at most {TAG_LENGTH} characters")
            if name and name not in cleaned:
                cleaned.append(name)
        return cleaned

    @staticmethod
    def split(text: str | None) -> list[str]:
        """The tags typed in one comma-separated field, cleaned."""
        return Tag.clean_names((text or "").split(","))

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


def slugify(title: str) -> str:
    """The URL form of a title: lower-case words joined by hyphens."""
    slug = re.sub(r"[\W_]+", "-", title.lower()).strip("-")
    return slug[: SLUG_LENGTH - 12].strip("-") or "post"


def unique_slug(session: Session, title: str, taken: set[str]) -> str:
    """A slug for ``title`` that no post has and that is not in ``taken``: ``title``, ``title-2``, ``title-3``..."""
    base = slugify(title)
    with session.no_autoflush:
        existing = set(session.scalars(select(Post.slug).where(or_(Post.slug == base, Post.slug.like(f"{base}-%")))))
    existing |= taken
    slug, number = base, 1
    while slug in existing:
        number += 1
        slug = f"{base}-{number}"
    return slug


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
