"""Accounts: registering, signing in, confirming, and changing passwords, addresses, names and profiles."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app

from ..email import Delivery
from ..exceptions import N_, Conflict, Invalid, NotAllowed
from ..extensions import db
from ..lookups import email_taken, user_by_email, username_taken
from ..metrics import LOGIN_FAILURES
from ..models import Role, User
from ..passwords import password_problem
from ..validation import USERNAME_RULE, Problems, column_length, is_username
from . import account_mail, sessions
from .policy import Actor
from .transactions import commit_retrying

# N_ marks what web pages show translated; the APIs send it in English (app/exceptions.py).
TAKEN = N_("has already been taken")
NOT_YOUR_PASSWORD = N_("is not your current password")
# What each field of an account is called, where a profile edit may set it.
PROFILE_FIELDS = ("name", "location", "about_me", "image")
ADMIN_FIELDS = ("confirmed", "role_id")


@dataclass
class Registration:
    """A new account, and the confirmation mail on its way to it (none when it needed no confirming)."""

    user: User
    confirmation: Delivery | None


def register(email: Any, username: Any, password: Any, *, confirmed: bool = False) -> Registration:
    """Create an account; every field's problem is reported at once, and a simultaneous duplicate loses cleanly.

    An unconfirmed account is mailed a confirmation link. A confirmed one (Conduit's open registration) cannot
    take the administrator's address, which only a mailed link can prove. The account and its mails are committed
    together: neither is kept without the other.
    """
    problems = Problems()
    email = checked_email(problems, email)
    username = checked_username(problems, username)
    password = checked_password(problems, password)
    if confirmed and email is not None and is_admin_address(email):
        problems.add("email", N_("is reserved: register on the web site and confirm it by mail"))
    problems.raise_if_any(Invalid)

    def write(_attempt: int) -> Registration:
        refuse_taken(email=email, username=username)
        user = User(email=email, username=username, password=password, confirmed=confirmed)
        db.session.add(user)
        # The confirmation link names the account's id.
        db.session.flush()
        account_mail.notify_admin_of_new_user(user)
        return Registration(user, None if confirmed else account_mail.send_confirmation(user))

    return commit_retrying(write)


def resend_confirmation(user: User) -> Delivery:
    """Mail ``user`` a new link that confirms the account."""
    delivery = account_mail.send_confirmation(user)
    db.session.commit()
    return delivery


def authenticate(email: Any, password: Any) -> User | None:
    """The user with this address and password, or ``None``; a hash made with an older method is upgraded."""
    if not isinstance(email, str) or not isinstance(password, str):
        return None
    user = user_by_email(email, signing_in=True)
    if user is None or not user.verify_password(password):
        LOGIN_FAILURES.inc()
        return None
    if db.session.is_modified(user):
        db.session.commit()
    return user


def confirm(user: User, token: str) -> bool:
    """Confirm ``user``'s address from the mailed token; false when it is invalid, expired or someone else's."""
    if not user.confirm(token):
        return False
    db.session.commit()
    return True


def change_password(user: User, old_password: Any, new_password: Any) -> None:
    """Change the password, given the current one; every other session and token of the user ends."""
    problems = Problems()
    if not isinstance(old_password, str) or authenticate(user.email or "", old_password) is None:
        problems.add("old_password", NOT_YOUR_PASSWORD)
    password = checked_password(problems, new_password)
    problems.raise_if_any(Invalid)
    user.password = password
    sessions.end_other_sessions(user)
    db.session.commit()


def request_password_reset(email: Any) -> None:
    """Mail a reset link to ``email`` if an account has it; the caller learns nothing either way.

    ``Invalid`` when ``email`` is no address at all, which says nothing about who has an account.
    """
    problems = Problems()
    address = checked_email(problems, email)
    problems.raise_if_any(Invalid)
    user = user_by_email(address)
    if user is not None:
        account_mail.send_password_reset(user)
        db.session.commit()


def reset_password(token: str, new_password: Any) -> None:
    """Set a new password from a mailed reset token, which then stops working; every session and token ends."""
    problems = Problems()
    password = checked_password(problems, new_password)
    problems.raise_if_any(Invalid)
    user = User.user_for_reset_token(token)
    if user is None:
        raise Invalid("The password reset link is invalid or has expired.", {"token": ["is invalid or has expired"]})
    user.password = password
    sessions.end_all_sessions(user)
    db.session.commit()


def request_email_change(user: User, new_email: Any, password: Any) -> Delivery:
    """Mail the new address a link that moves the account there; the password proves it is the user asking."""
    problems = Problems()
    email = checked_email(problems, new_email)
    if not isinstance(password, str) or authenticate(user.email or "", password) is None:
        problems.add("password", NOT_YOUR_PASSWORD)
    problems.raise_if_any(Invalid)
    if email_taken(email, by_other_than=user):
        raise Conflict(errors={"email": [TAKEN]})
    delivery = account_mail.send_email_change(user, email)
    db.session.commit()
    return delivery


def change_email(user: User, token: str) -> bool:
    """Move the account to the address a mailed token names; false when the link is invalid or the address taken.

    Every other session and token of the user ends.
    """

    def write(_attempt: int) -> bool:
        if not user.change_email(token):
            return False
        sessions.end_other_sessions(user)
        return True

    return commit_retrying(write)


def update_account(actor: Actor, user: User, changes: Mapping[str, Any]) -> User:
    """Change the fields in ``changes``: the user's own account, or any account for an administrator.

    Fields: ``username``, ``email``, ``password``, ``name``, ``location``, ``about_me``, ``image``, ``locale`` (a
    language of ``FLASKY_LANGUAGES``, or blank to follow the browser); administrators
    also set ``confirmed`` and ``role_id``. Blank profile fields are cleared. A new password or address ends every
    other session and token of the user, and on the user's own account needs a recent sign-in.
    """
    admin = actor.is_authenticated and actor.is_administrator()
    if not (admin or (actor.is_authenticated and actor.id == user.id)):
        raise NotAllowed("Only administrators change other users' accounts.", {"user": ["forbidden"]})
    if not admin and any(name in changes for name in ADMIN_FIELDS):
        raise NotAllowed("Only administrators change roles and confirmations.", {"user": ["forbidden"]})
    values = checked_account_fields(changes, admin=admin)
    new_address = "email" in values and values["email"].lower() != (user.email or "").lower()
    ends_other_sessions = "password" in values or new_address
    if ends_other_sessions and actor.id == user.id:
        sessions.require_recent_sign_in(user)

    def write(_attempt: int) -> User:
        refuse_taken(email=values.get("email"), username=values.get("username"), other_than=user)
        for name, value in values.items():
            if name == "role_id":
                user.role = db.session.get(Role, value)
            else:
                # ``password`` too: its property hashes it.
                setattr(user, name, value)
        if ends_other_sessions:
            sessions.end_other_sessions(user)
        return user

    return commit_retrying(write)


def checked_account_fields(changes: Mapping[str, Any], *, admin: bool) -> dict[str, Any]:
    problems = Problems()
    values: dict[str, Any] = {}
    if "email" in changes:
        values["email"] = checked_email(problems, changes["email"])
        if not admin and values["email"] is not None and is_admin_address(values["email"]):
            problems.add("email", N_("is reserved: only the administrator's own account can have it"))
    if "username" in changes:
        values["username"] = checked_username(problems, changes["username"])
    if "password" in changes:
        values["password"] = checked_password(problems, changes["password"])
    for name in PROFILE_FIELDS:
        if name in changes:
            length = column_length(getattr(User, name))
            values[name] = problems.text(name, changes[name], max_length=length, required=False)
    if values.get("image") is not None and not values["image"].lower().startswith(("http://", "https://")):
        problems.add("image", N_("must be an http or https URL"))
    if "locale" in changes:
        values["locale"] = changes["locale"] or None
        if values["locale"] is not None and values["locale"] not in current_app.config["FLASKY_LANGUAGES"]:
            problems.add("locale", N_("is not a language this site speaks"))
    if "confirmed" in changes:
        values["confirmed"] = bool(changes["confirmed"])
    if "role_id" in changes:
        if db.session.get(Role, changes["role_id"]) is None:
            problems.add("role_id", N_("is not a role"))
        values["role_id"] = changes["role_id"]
    problems.raise_if_any(Invalid)
    return values


def refuse_taken(*, email: str | None, username: str | None, other_than: User | None = None) -> None:
    """``Conflict`` naming every field whose value another account has, whatever its letter case."""
    problems = Problems()
    if email is not None and email_taken(email, by_other_than=other_than):
        problems.add("email", TAKEN)
    if username is not None and username_taken(username, by_other_than=other_than):
        problems.add("username", TAKEN)
    problems.raise_if_any(Conflict)


def checked_email(problems: Problems, value: Any) -> str | None:
    """The address, stripped and with its domain normalised; a problem when it is not one."""
    text = problems.text(
        "email", value.strip() if isinstance(value, str) else value, max_length=column_length(User.email)
    )
    if text is None:
        return None
    try:
        return validate_email(text, check_deliverability=False).normalized
    except EmailNotValidError:
        problems.add("email", N_("is invalid"))
        return None


def checked_username(problems: Problems, value: Any) -> str | None:
    text = problems.text(
        "username", value.strip() if isinstance(value, str) else value, max_length=column_length(User.username)
    )
    if text is not None and not is_username(text):
        problems.add("username", USERNAME_RULE)
        return None
    return text


def checked_password(problems: Problems, value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        problems.add("password", N_("can't be blank"))
        return None
    problem = password_problem(value)
    if problem is not None:
        problems.add("password", problem)
        return None
    if problems.text("password", value) is None:
        return None
    return value


def is_admin_address(email: str) -> bool:
    admin = current_app.config["FLASKY_ADMIN"]
    return bool(admin) and email.strip().lower() == admin.strip().lower()
