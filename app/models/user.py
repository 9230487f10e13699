"""Users: their passwords, tokens, permissions, avatars and follows."""

import hashlib
from datetime import datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Any

from flask import current_app, has_app_context, url_for
from flask_login import AnonymousUserMixin, UserMixin
from sqlalchemy import ColumnElement, ForeignKey, Index, Select, String, Text, bindparam, event, func, select
from sqlalchemy.orm import DynamicMapped, Mapped, mapped_column, relationship

from ..avatars.urls import avatar_url, gravatar_url
from ..extensions import db, login_manager
from ..markdown import render_markdown
from ..passwords import hash_password, needs_rehash, password_matches
from ..timestamps import isoformat_utc, utcnow
from ..tokens import generate_token, load_token
from .follow import Follow
from .role import Permission, Role
from .session import TOKEN_KINDS, SessionKind, UserSession
from .two_factor import RecoveryCode, TwoFactor

if TYPE_CHECKING:
    from .comment import Comment
    from .post import Post

LAST_SEEN_INTERVAL = timedelta(minutes=1)


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(String(120))
    username: Mapped[str | None] = mapped_column(String(64), index=True)
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
    # The language the site and its mail speak to this user ("en", "es"); None follows the browser.
    locale: Mapped[str | None] = mapped_column(String(8))

    # Addresses and names are unique whatever their case, so look-alikes can never be registered side by side.
    __table_args__ = (
        Index("uq_users_email_lower", func.lower(email), unique=True),
        Index("uq_users_username_lower", func.lower(username), unique=True),
    )

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
    sessions: DynamicMapped[UserSession] = relationship(
        back_populates="user", lazy="dynamic", cascade="all, delete-orphan"
    )
    two_factor: Mapped[TwoFactor | None] = relationship(back_populates="user", cascade="all, delete-orphan")
    recovery_codes: DynamicMapped[RecoveryCode] = relationship(
        back_populates="user", lazy="dynamic", cascade="all, delete-orphan"
    )

    # The credential of the session this request is signed in with (``app.services.sessions``), for ``get_id``.
    session_credential = None

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
        self.password_hash = hash_password(password)

    def verify_password(self, password: str) -> bool:
        """Check ``password``; a match stored with an older hashing method is re-hashed with the configured one."""
        if not password_matches(self.password_hash, password):
            return False
        if needs_rehash(self.password_hash):
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
        """What Flask-Login keeps in the session and remember cookies: the opaque credential of a ``UserSession``."""
        if self.session_credential is None:
            raise RuntimeError("No session is open for this user: open one with app.services.sessions.sign_in.")
        return self.session_credential

    def password_fingerprint(self) -> str:
        """A short digest of the stored hash, for reset tokens: it changes with the password and reveals nothing."""
        return hashlib.sha256((self.password_hash or "").encode()).hexdigest()[:16]

    @staticmethod
    def user_for_reset_token(token: str) -> "User | None":
        """The user a valid, unused reset token was made for."""
        data = load_token("reset", token)
        if data is None:
            return None
        user = db.session.get(User, data.get("reset")) if isinstance(data.get("reset"), int) else None
        if user is None or data.get("password") != user.password_fingerprint():
            return None
        return user

    @staticmethod
    def reset_password(token: str, new_password: str) -> bool:
        user = User.user_for_reset_token(token)
        if user is None:
            return False
        user.password = new_password
        db.session.add(user)
        return True

    def generate_email_change_token(self, new_email: str, expiration: int = 3600) -> str:
        return generate_token("change-email", {"change_email": self.id, "new_email": new_email}, expiration)

    def new_email_from_token(self, token: str) -> str | None:
        """The address a valid email change token of this user's names."""
        data = load_token("change-email", token)
        if data is None or data.get("change_email") != self.id:
            return None
        new_email = data.get("new_email")
        if not isinstance(new_email, str) or not new_email:
            return None
        return new_email

    def change_email(self, token: str) -> bool:
        """Move the account to the address a valid email change token names, unless another account has it now."""
        from ..lookups import email_taken

        new_email = self.new_email_from_token(token)
        if new_email is None or email_taken(new_email, by_other_than=self):
            return False
        self.email = new_email
        db.session.add(self)
        return True

    def generate_auth_token(self, expiration: int = 3600) -> str:
        """A new API token, saved as an open ``UserSession`` that the Security page lists and revokes."""
        _row, token = UserSession.start(self, SessionKind.API, timedelta(seconds=expiration))
        db.session.commit()
        return token

    @staticmethod
    def verify_auth_token(token: str) -> "User | None":
        """The user of an open API v1 or Conduit token."""
        row = UserSession.find(token, TOKEN_KINDS)
        return None if row is None else row.user

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
        return gravatar_url(self.avatar_hash or self.gravatar_hash(), size, default, rating)

    def avatar_url(self, size: int = 100, external: bool = False) -> str:
        """The picture pages and APIs show for this user, as ``FLASKY_AVATARS`` chooses; ``external`` for clients."""
        return avatar_url(self.avatar_hash or self.gravatar_hash(), size, external)

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
        return db.session.scalar(select(func.count()).select_from(Follow).where(Follow.followers_of(self.id)))

    @property
    def followed_count(self) -> int:
        """Users followed, not counting the user itself."""
        return db.session.scalar(select(func.count()).select_from(Follow).where(Follow.followed_by(self.id)))

    def to_json(self, post_count: int | None = None) -> dict[str, Any]:
        """The API representation; pass ``post_count`` when it was loaded with others, to save a query."""
        return {
            "url": url_for("api.get_user", id=self.id),
            "username": self.username,
            "member_since": isoformat_utc(self.member_since),
            "last_seen": isoformat_utc(self.last_seen),
            "posts_url": url_for("api.get_user_posts", id=self.id),
            "followed_posts_url": url_for("api.get_user_followed_posts", id=self.id),
            "avatar_url": self.avatar_url(),
            "post_count": self.posts.count() if post_count is None else post_count,
        }

    def __eq__(self, other: object) -> bool:
        """The same account, whatever session each side is signed in with (Flask-Login compares ``get_id``)."""
        if not isinstance(other, User):
            return NotImplemented
        return self is other or (self.id is not None and self.id == other.id)

    __hash__ = UserMixin.__hash__

    def __repr__(self) -> str:
        return f"<User {self.username!r}>"


def gravatar_hash(email: str | None) -> str:
    """The Gravatar hash of an email address."""
    return hashlib.md5((email or "").strip().lower().encode("utf-8")).hexdigest()


@event.listens_for(User.email, "set")
def _cache_avatar_hash(target: User, value: str | None, oldvalue: Any, initiator: Any) -> None:
    target.avatar_hash = gravatar_hash(value) if value is not None else None


@event.listens_for(User.about_me, "set")
def _render_about_me(target: User, value: str | None, oldvalue: Any, initiator: Any) -> None:
    target.about_me_html = render_markdown(value)


def authored_posts_of(author_id: int | ColumnElement[int]) -> Select:
    """A select of the posts the user ``author_id`` wrote."""
    from .post import Post

    return select(Post).where(Post.author_id == author_id)


@cache
def authored_posts_of_author() -> Select:
    """``authored_posts_of`` of ``:author_id``, built once: every profile page and the API's lists of a user's posts
    run it."""
    return authored_posts_of(bindparam("author_id"))


def followed_posts_of(follower_id: int | ColumnElement[int]) -> Select:
    """A select of the posts by the users ``follower_id`` follows (itself included), newest first."""
    from .post import Post

    return (
        select(Post)
        .join(Follow, Follow.followed_id == Post.author_id)
        .where(Follow.follower_id == follower_id)
        .order_by(Post.timestamp.desc(), Post.id.desc())
    )


@cache
def followed_posts_of_follower() -> Select:
    """``followed_posts_of`` of ``:follower_id``, built once: every Followed feed and API timeline runs it."""
    return followed_posts_of(bindparam("follower_id"))


class AnonymousUser(AnonymousUserMixin):
    def can(self, permissions: int) -> bool:
        return False

    def is_administrator(self) -> bool:
        return False


login_manager.anonymous_user = AnonymousUser
