"""Sessions and tokens: every web sign-in, remember-me cookie, API v1 token and Conduit token is a row.

A cookie or token carries only ``<id>.<secret>``, an opaque credential; the row keeps the SHA-256 digest of the
secret, never the secret itself. A row is open until it expires or is revoked, and every request reads it afresh,
so revoking it ends it at once on every instance (the database is the source of truth).
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from enum import StrEnum
from functools import cache
from typing import TYPE_CHECKING

from flask import has_request_context, request
from sqlalchemy import CheckConstraint, ColumnElement, ForeignKey, Select, String, and_, bindparam, select
from sqlalchemy.ext.hybrid import hybrid_method
from sqlalchemy.orm import Mapped, joinedload, mapped_column, relationship

from ..converters import LARGEST_ID
from ..extensions import db
from ..timestamps import utcnow

if TYPE_CHECKING:
    from .user import User


class SessionKind(StrEnum):
    WEB = "web"
    REMEMBER = "remember"
    API = "api"
    CONDUIT = "conduit"


# The kinds a browser's cookies open, and those an API's ``Authorization`` header sends: neither serves the other.
WEB_KINDS = frozenset({SessionKind.WEB, SessionKind.REMEMBER})
TOKEN_KINDS = frozenset({SessionKind.API, SessionKind.CONDUIT})
LAST_USED_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 256
# The longest IPv6 address written out, with an IPv4 tail.
ADDRESS_LENGTH = 45
SECRET_BYTES = 32
# Longer than any secret this module makes: a longer one is refused before it is hashed.
LONGEST_SECRET = 64


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def clipped(text: str | None, length: int) -> str | None:
    """``text`` cut to fit its column; ``None`` for nothing at all."""
    return text[:length] if text else None


def parse_credential(credential: object) -> tuple[int, str] | None:
    """The id and secret of ``<id>.<secret>``; ``None`` for anything no row could have made."""
    if not isinstance(credential, str) or not credential.isascii():
        return None
    id_text, _, secret = credential.partition(".")
    if not id_text.isdigit() or len(id_text) > len(str(LARGEST_ID)) or not 0 < len(secret) <= LONGEST_SECRET:
        return None
    session_id = int(id_text)
    return (session_id, secret) if session_id <= LARGEST_ID else None


class UserSession(db.Model):
    __tablename__ = "user_sessions"
    __table_args__ = (CheckConstraint(f"kind IN {tuple(kind.value for kind in SessionKind)!r}", name="kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    secret_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # When the user last proved who they are on it: the sign-in, or the password asked again for a sensitive action.
    signed_in_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    user_agent: Mapped[str | None] = mapped_column(String(USER_AGENT_LENGTH))
    client_address: Mapped[str | None] = mapped_column(String(ADDRESS_LENGTH))

    user: Mapped["User"] = relationship(back_populates="sessions")

    @classmethod
    def start(cls, user: "User", kind: SessionKind, lifetime: timedelta) -> tuple["UserSession", str]:
        """A new open row for ``user``, flushed, and the credential that names it (shown once, never stored).

        The row notes the user agent and address of the request that opens it, when a request does.
        """
        secret = secrets.token_urlsafe(SECRET_BYTES)
        now = utcnow()
        user_agent, client_address = (
            (request.user_agent.string, request.remote_addr) if has_request_context() else (None, None)
        )
        row = cls(
            user=user,
            kind=kind,
            secret_hash=secret_digest(secret),
            created_at=now,
            signed_in_at=now,
            last_used_at=now,
            expires_at=now + lifetime,
            user_agent=clipped(user_agent, USER_AGENT_LENGTH),
            client_address=clipped(client_address, ADDRESS_LENGTH),
        )
        db.session.add(row)
        db.session.flush()
        return row, f"{row.id}.{secret}"

    @classmethod
    def find(cls, credential: object, kinds: frozenset[SessionKind]) -> "UserSession | None":
        """The open row of one of ``kinds`` that ``credential`` names, read afresh from the database, not the cache."""
        parsed = parse_credential(credential)
        if parsed is None:
            return None
        session_id, secret = parsed
        row = db.session.scalars(session_with_user(), {"session_id": session_id}).one_or_none()
        if row is None or row.kind not in kinds or not row.is_open():
            return None
        return row if hmac.compare_digest(row.secret_hash, secret_digest(secret)) else None

    @hybrid_method
    def is_open(self) -> bool:
        """Neither revoked nor expired; in a query, ``UserSession.is_open()`` is the same condition in SQL, at the time
        ``now`` names (a bind parameter for a statement built once; by default, the present)."""
        return self.revoked_at is None and self.expires_at > utcnow()

    @is_open.inplace.expression
    @classmethod
    def _is_open_expression(cls, now: ColumnElement[datetime] | None = None) -> ColumnElement[bool]:
        return and_(cls.revoked_at.is_(None), cls.expires_at > (utcnow() if now is None else now))

    def touch(self) -> bool:
        """Record that it was used; writes at most once a minute. Returns whether it wrote."""
        now = utcnow()
        if now - self.last_used_at < LAST_USED_INTERVAL:
            return False
        self.last_used_at = now
        return True

    def revoke(self) -> None:
        if self.revoked_at is None:
            self.revoked_at = utcnow()

    def __repr__(self) -> str:
        return f"<UserSession {self.id} {self.kind} of user {self.user_id}>"


@cache
def session_with_user() -> Select:
    """The session row of id ``:session_id``, read afresh, with its user and the user's role in the same statement.

    Every signed-in request reads the role (two-step sign-in's check, the pages' and the APIs' permissions): loaded
    here, it costs no statement of its own. Built once: SQLAlchemy then computes its cache key once, not on every
    request (a fifth of a token-authenticated API request's time went to building and keying this lookup).
    """
    from .user import User  # user.py imports this module

    return (
        select(UserSession)
        .where(UserSession.id == bindparam("session_id"))
        .options(joinedload(UserSession.user).joinedload(User.role))
        .execution_options(populate_existing=True)
    )
