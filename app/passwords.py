"""Passwords: the one policy every interface enforces, and hashing with the configured Werkzeug method."""

import functools

from flask import current_app, has_app_context
from werkzeug.security import check_password_hash, generate_password_hash

from .exceptions import N_

# Werkzeug's scrypt and pbkdf2 hash a password of any length; the maximum bounds the work one request can ask for
# and is generous for pass phrases and password managers.
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 128
DEFAULT_HASH_METHOD = "scrypt:131072:8:1"


def password_problem(password: str) -> str | None:
    """What is wrong with ``password`` as a new password, or ``None`` when the policy accepts it."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return N_("is too short (minimum is %(minimum)d characters)", minimum=PASSWORD_MIN_LENGTH)
    if len(password) > PASSWORD_MAX_LENGTH:
        return N_("is too long (maximum is %(maximum)d characters)", maximum=PASSWORD_MAX_LENGTH)
    return None


def password_hash_method() -> str:
    """The configured Werkzeug hashing method; the strong default outside an application."""
    if has_app_context():
        return current_app.config["FLASKY_PASSWORD_HASH_METHOD"]
    return DEFAULT_HASH_METHOD


def hash_password(password: str) -> str:
    """A hash of ``password`` made with the configured method."""
    return generate_password_hash(password, method=password_hash_method())


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` is the one ``password_hash`` was made from."""
    return password_hash is not None and check_password_hash(password_hash, password)


def needs_rehash(password_hash: str) -> bool:
    """Whether ``password_hash`` was made with another method than the configured one."""
    return hash_method_of(password_hash) != hash_method_of(hash_template(password_hash_method()))


def hash_method_of(password_hash: str) -> str:
    """The method part of a Werkzeug hash, such as ``scrypt:131072:8:1``."""
    return password_hash.split("$", 1)[0]


@functools.cache
def hash_template(method: str) -> str:
    """A hash made with ``method``, whose prefix shows how Werkzeug spells that method in full."""
    return generate_password_hash("", method=method)
