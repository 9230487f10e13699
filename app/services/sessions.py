"""Signing in and out: opening, resuming, listing and ending the sessions and tokens of ``app.models.UserSession``.

Each interface resumes the credential a request carries (``resume``): the web pages through Flask-Login's user
loader, API v1 and Conduit from their ``Authorization`` header. The row found is the request's *current session*
(``current``): the one a password or email change keeps while every other session and token of the user ends, and
the one whose sign-in must be recent for a sensitive action (``require_recent_sign_in``).
"""

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import delete, or_, update

from ..exceptions import N_, Invalid, NotFound, ReauthenticationRequired
from ..extensions import db, login_manager
from ..models import SessionKind, User, UserSession
from ..models.session import WEB_KINDS
from ..timestamps import utcnow


def lifetime(kind: SessionKind, expiration: int | None = None) -> timedelta:
    """How long a new session or token of ``kind`` lasts: ``expiration`` seconds if given, else the configured time."""
    if expiration is not None:
        return timedelta(seconds=expiration)
    config = current_app.config
    lifetimes = {
        SessionKind.WEB: config["PERMANENT_SESSION_LIFETIME"],
        SessionKind.REMEMBER: config["REMEMBER_COOKIE_DURATION"],
        SessionKind.API: timedelta(seconds=config["FLASKY_API_TOKEN_EXPIRATION"]),
        SessionKind.CONDUIT: timedelta(seconds=config["FLASKY_CONDUIT_TOKEN_EXPIRATION"]),
    }
    return lifetimes[kind]


def sign_in(user: User, *, remember: bool = False) -> UserSession:
    """Open a web session for ``user``, the request's current one; ``login_user`` then stores its credential."""
    kind = SessionKind.REMEMBER if remember else SessionKind.WEB
    row, credential = UserSession.start(user, kind, lifetime(kind))
    db.session.commit()
    user.session_credential = credential
    g.user_session = row
    return row


def issue_token(user: User, kind: SessionKind, expiration: int | None = None) -> str:
    """A new API v1 or Conduit token for ``user``; it lasts ``expiration`` seconds, or the configured time."""
    _row, token = UserSession.start(user, kind, lifetime(kind, expiration))
    db.session.commit()
    return token


def resume(credential: object, kinds: frozenset[SessionKind]) -> UserSession | None:
    """The open session ``credential`` names, now the request's current one; its last use is noted once a minute."""
    row = UserSession.find(credential, kinds)
    if row is None:
        return None
    if row.touch():
        db.session.commit()
    row.user.session_credential = credential
    g.user_session = row
    return row


@login_manager.user_loader
def load_user(credential: str) -> User | None:
    """The user of the web session or remember-me cookie ``credential`` names, while that session is open."""
    row = resume(credential, WEB_KINDS)
    return None if row is None else row.user


def current() -> UserSession | None:
    """The session or token this request is signed in with; ``None`` for a password sent with it, or nobody."""
    return g.get("user_session")


def sign_out() -> None:
    """End the request's current session."""
    row = current()
    if row is not None:
        row.revoke()
        db.session.commit()
        g.pop("user_session")


def active_sessions(user: User) -> list[UserSession]:
    """``user``'s open sessions and tokens, the most recently used first."""
    statement = (
        db.select(UserSession)
        .where(UserSession.user_id == user.id, UserSession.is_open())
        .order_by(UserSession.last_used_at.desc(), UserSession.id.desc())
    )
    return list(db.session.scalars(statement))


def revoke(user: User, session_id: int) -> None:
    """End one of ``user``'s open sessions or tokens; ``NotFound`` when it is no open session of theirs."""
    row = db.session.get(UserSession, session_id)
    if row is None or row.user_id != user.id or not row.is_open():
        raise NotFound(N_("That session has ended already, or is not yours."), {"session": ["not found"]})
    row.revoke()
    db.session.commit()


def revoke_others(user: User) -> int:
    """End every session and token of ``user`` but the current one, after a recent sign-in. Returns how many ended."""
    require_recent_sign_in(user)
    ended = end_other_sessions(user)
    db.session.commit()
    return ended


def end_other_sessions(user: User) -> int:
    """Revoke every open session and token of ``user`` but the request's current one, uncommitted."""
    row = current()
    keep = row.id if row is not None and row.user_id == user.id else None
    return end_sessions(user, keep)


def end_all_sessions(user: User) -> int:
    """Revoke every open session and token of ``user``, uncommitted."""
    return end_sessions(user, None)


def end_sessions(user: User, keep: int | None) -> int:
    statement = update(UserSession).where(UserSession.user_id == user.id, UserSession.revoked_at.is_(None))
    if keep is not None:
        statement = statement.where(UserSession.id != keep)
    return db.session.execute(statement.values(revoked_at=utcnow())).rowcount


def signed_in_recently(user: User) -> bool:
    """Whether this request proved who ``user`` is lately: a sign-in or a password asked again, or a password sent now.

    A request with no current session (API v1 with HTTP Basic) carries the password itself.
    """
    row = current()
    if row is None or row.user_id != user.id:
        return True
    limit = timedelta(seconds=current_app.config["FLASKY_REAUTHENTICATE_AFTER"])
    return utcnow() - row.signed_in_at <= limit


def require_recent_sign_in(user: User) -> None:
    """``ReauthenticationRequired`` unless ``user`` signed in or gave the password again lately."""
    if not signed_in_recently(user):
        minutes = current_app.config["FLASKY_REAUTHENTICATE_AFTER"] // 60
        raise ReauthenticationRequired(
            f"Confirm your password first: you signed in more than {minutes} minutes ago.",
            {"password": [f"must be given again: you signed in more than {minutes} minutes ago"]},
        )


def reauthenticate(user: User, password: object) -> None:
    """Start the current session's sign-in afresh once ``user`` gives the password again."""
    # Imported here: accounts ends sessions through this module.
    from .accounts import NOT_YOUR_PASSWORD, authenticate

    if authenticate(user.email, password) != user:
        raise Invalid(errors={"password": [NOT_YOUR_PASSWORD]})
    row = current()
    if row is not None:
        row.signed_in_at = utcnow()
    db.session.commit()


def purge() -> int:
    """Delete the rows of expired and revoked sessions and tokens. Returns how many."""
    statement = delete(UserSession).where(or_(UserSession.revoked_at.is_not(None), UserSession.expires_at <= utcnow()))
    deleted = db.session.execute(statement).rowcount
    db.session.commit()
    return deleted
