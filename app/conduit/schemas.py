"""Reading Conduit request bodies and query strings, and writing Conduit resources."""

import re
from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, request

from ..exceptions import ValidationError
from ..models import TITLE_LENGTH, Comment, Post, Tag, User
from ..timestamps import isoformat_utc
from ..validation import USERNAME_PATTERN, USERNAME_RULE
from .errors import ConduitError, unprocessable

USERNAME_LENGTH = 64
EMAIL_LENGTH = 120
IMAGE_LENGTH = 512
PASSWORD_LENGTHS = (8, 64)
# Beyond this a limit or offset cannot be a SQL BIGINT.
LARGEST_NUMBER = 2**63 - 1


def body_object(key: str) -> dict[str, Any]:
    """The object under ``key`` in the JSON body, such as ``{"user": {...}}``."""
    data = request.get_json(silent=True)
    value = data.get(key) if isinstance(data, dict) else None
    if value is None:
        raise unprocessable(key, "can't be blank")
    if not isinstance(value, dict):
        raise unprocessable(key, "must be an object")
    return value


def storable(text: str) -> bool:
    """True unless ``text`` holds what no database column takes: NUL or an unpaired surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class Fields:
    """The fields of one request object, checked one by one so that every problem is reported at once."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.errors: dict[str, list[str]] = {}

    def sent(self, name: str) -> bool:
        return name in self.data

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, []).append(message)

    def text(self, name: str, max_length: int | None = None, *, nullable: bool = False, strip: bool = True) -> Any:
        """A string field; blank is refused, or read as ``None`` when ``nullable``."""
        value = self.data.get(name)
        if value is not None and not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        if value is None or not value.strip():
            if not nullable:
                self.fail(name, "can't be blank")
            return None
        if not storable(value):
            self.fail(name, "is invalid")
            return None
        if strip:
            value = value.strip()
        if max_length is not None and len(value) > max_length:
            self.fail(name, f"is too long (maximum is {max_length} characters)")
        return value

    def username(self) -> Any:
        value = self.text("username", USERNAME_LENGTH)
        if value is not None and not re.fullmatch(USERNAME_PATTERN, value):
            self.fail("username", USERNAME_RULE)
        return value

    def email(self) -> Any:
        value = self.text("email", EMAIL_LENGTH)
        if value is None:
            return None
        try:
            return validate_email(value, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            self.fail("email", "is invalid")
            return None

    def password(self) -> Any:
        shortest, longest = PASSWORD_LENGTHS
        value = self.text("password", longest, strip=False)
        if value is not None and len(value) < shortest:
            self.fail("password", f"is too short (minimum is {shortest} characters)")
        return value

    def image(self) -> Any:
        value = self.text("image", IMAGE_LENGTH, nullable=True)
        if value is not None and not value.lower().startswith(("http://", "https://")):
            self.fail("image", "must be an http or https URL")
        return value

    def tags(self) -> Any:
        value = self.data.get("tagList")
        if not isinstance(value, list) or not all(isinstance(name, str) and storable(name) for name in value):
            self.fail("tagList", "must be a list of strings")
            return None
        try:
            return Tag.clean_names(value)
        except ValidationError as error:
            self.fail("tagList", str(error))
            return None

    def valid(self, values: dict[str, Any]) -> dict[str, Any]:
        """``values``, unless a field was refused."""
        if self.errors:
            raise ConduitError(422, self.errors)
        return values


def registration() -> dict[str, Any]:
    fields = Fields(body_object("user"))
    return fields.valid({"username": fields.username(), "email": fields.email(), "password": fields.password()})


def credentials() -> tuple[str, str]:
    fields = Fields(body_object("user"))
    values = fields.valid({"email": fields.text("email"), "password": fields.text("password", strip=False)})
    return values["email"].lower(), values["password"]


def user_changes() -> dict[str, Any]:
    """The fields sent to update a user; ``bio`` and ``image`` sent blank or null become ``None``."""
    fields = Fields(body_object("user"))
    readers = {
        "username": fields.username,
        "email": fields.email,
        "password": fields.password,
        "bio": lambda: fields.text("bio", nullable=True, strip=False),
        "image": fields.image,
    }
    changes = {name: read() for name, read in readers.items() if fields.sent(name)}
    if not changes:
        fields.fail("user", "must have at least one field to change")
    return fields.valid(changes)


def article_fields(*, partial: bool) -> dict[str, Any]:
    """The article sent to create (every field but ``tagList`` required) or update (only the fields sent)."""
    fields = Fields(body_object("article"))
    readers = {
        "title": lambda: fields.text("title", TITLE_LENGTH),
        "description": lambda: fields.text("description"),
        "body": lambda: fields.text("body", strip=False),
        "tagList": fields.tags,
    }
    return fields.valid(
        {name: read() for name, read in readers.items() if fields.sent(name) or (not partial and name != "tagList")}
    )


def comment_body() -> str:
    fields = Fields(body_object("comment"))
    return fields.valid({"body": fields.text("body", strip=False)})["body"]


def query_number(name: str, default: int, smallest: int) -> int:
    """A whole number from the query string, at least ``smallest``."""
    value = request.args.get(name)
    if value is None:
        return default
    if not re.fullmatch(r"[0-9]+", value) or not smallest <= int(value) <= LARGEST_NUMBER:
        raise unprocessable(name, f"must be a whole number of at least {smallest}")
    return int(value)


def page() -> tuple[int, int]:
    """The ``limit`` (20 unless asked, at most the configured maximum) and ``offset`` of a list."""
    limit = min(query_number("limit", 20, 1), current_app.config["FLASKY_CONDUIT_MAX_LIMIT"])
    return limit, query_number("offset", 0, 0)


def query_text(name: str) -> str | None:
    """A filter from the query string; one no column could hold is refused."""
    value = request.args.get(name)
    if value is not None and not storable(value):
        raise unprocessable(name, "is invalid")
    return value


def user_json(user: User, token: str) -> dict[str, Any]:
    return {"email": user.email, "token": token, "username": user.username, "bio": user.about_me, "image": user.image}


def profile_json(user: User, following: bool) -> dict[str, Any]:
    return {"username": user.username, "bio": user.about_me, "image": user.image, "following": bool(following)}


def article_json(
    post: Post, favorites_count: int, favorited: bool, following: bool, *, with_body: bool = True
) -> dict[str, Any]:
    """An article; lists leave out the body."""
    article = {
        "slug": post.slug,
        "title": post.title,
        "description": post.description,
        "tagList": post.tag_names,
        "createdAt": isoformat_utc(post.timestamp),
        "updatedAt": isoformat_utc(post.updated_at),
        "favorited": bool(favorited),
        "favoritesCount": favorites_count,
        "author": profile_json(post.author, following),
    }
    if with_body:
        article["body"] = post.body
    return article


def comment_json(comment: Comment, following: bool) -> dict[str, Any]:
    created = isoformat_utc(comment.timestamp)
    return {
        "id": comment.id,
        "createdAt": created,
        "updatedAt": created,
        "body": comment.body,
        "author": profile_json(comment.author, following),
    }
