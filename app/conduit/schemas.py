"""Reading Conduit requests with marshmallow schemas, and writing Conduit resources.

The schemas read what the specification sends: the object a body wraps, each field's type, and the fields it
requires that the domain layer leaves optional (an article's title and description, the login fields). Every rule
about the values themselves (lengths, names, passwords, addresses) is the domain layer's.
"""

from typing import Any

from flask import request
from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate, validates_schema

from ..models import Comment, Post, User
from ..timestamps import isoformat_utc
from ..validation import is_storable

BLANK = "can't be blank"
NOT_TAGS = "must be a list of strings"
# Beyond this a limit or offset cannot be a SQL BIGINT.
LARGEST_NUMBER = 2**63 - 1
# Conduit's names for the fields the domain layer names otherwise.
CONDUIT_NAMES = {"about_me": "bio", "tags": "tagList"}


class Text(fields.String):
    """A string a column can store: no NUL character, no unpaired surrogate; ``blank=False`` refuses blank text."""

    default_error_messages = {
        "required": BLANK,
        "null": BLANK,
        "blank": BLANK,
        "invalid": "must be a string",
        "unstorable": "is invalid",
    }

    def __init__(self, *, blank: bool = True, strip: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.blank = blank
        self.strip = strip

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> str:
        text = super()._deserialize(value, attr, data, **kwargs)
        if not is_storable(text):
            raise self.make_error("unstorable")
        if not self.blank and not text.strip():
            raise self.make_error("blank")
        return text.strip() if self.strip else text


def required_text(**kwargs: Any) -> Text:
    """A field the specification requires, refused when missing, null or blank."""
    return Text(required=True, blank=False, **kwargs)


class TagList(fields.Field):
    """A list of tag names, each a string a column can store."""

    default_error_messages = {"invalid": NOT_TAGS, "null": NOT_TAGS}

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> list[str]:
        if not isinstance(value, list) or not all(isinstance(name, str) and is_storable(name) for name in value):
            raise self.make_error("invalid")
        return value


class RequestObject(Schema):
    """An object of a request; fields the specification does not name are ignored."""

    class Meta:
        unknown = EXCLUDE

    error_messages = {"type": "must be an object"}


class NewUser(RequestObject):
    username = Text(load_default=None)
    email = Text(load_default=None)
    password = Text(load_default=None)


class Credentials(RequestObject):
    email = required_text()
    password = required_text()
    # Flasky's own field: the 6-digit code of an authenticator app, or a recovery code, for two-step sign-in.
    code = Text(load_default=None)


class UserChanges(RequestObject):
    """The fields of the current user to change; ``bio`` and ``image`` sent blank or null clear them."""

    username = Text(allow_none=True)
    email = Text(allow_none=True)
    password = Text(allow_none=True)
    about_me = Text(allow_none=True, data_key=CONDUIT_NAMES["about_me"])
    image = Text(allow_none=True)

    @validates_schema
    def something_to_change(self, data: dict[str, Any], **kwargs: Any) -> None:
        if not data:
            raise ValidationError("must have at least one field to change", "user")


class ArticleChanges(RequestObject):
    """The fields of an article to change: only those sent; a ``tagList`` sent empty clears the tags."""

    title = Text(blank=False, strip=True)
    description = Text(blank=False, strip=True)
    body = Text(blank=False)
    tags = TagList(data_key=CONDUIT_NAMES["tags"])


class NewArticle(ArticleChanges):
    title = required_text(strip=True)
    description = required_text(strip=True)
    body = required_text()
    tags = TagList(load_default=list, data_key=CONDUIT_NAMES["tags"])


class NewComment(RequestObject):
    body = Text(load_default=None)


class Envelope:
    """A JSON body that wraps one object, such as ``{"user": {...}}``."""

    def __init__(self, key: str, content: type[Schema]) -> None:
        self.key = key
        wrapped = fields.Nested(content, required=True, error_messages={"required": BLANK, "null": BLANK})
        self.schema = RequestObject.from_dict({key: wrapped}, name=f"{content.__name__}Body")()

    def load(self) -> dict[str, Any]:
        """The wrapped object of this request's body, checked; a body that is no JSON object wraps nothing."""
        body = request.get_json(silent=True)
        return self.schema.load(body if isinstance(body, dict) else {})[self.key]


registration = Envelope("user", NewUser)
credentials = Envelope("user", Credentials)
user_changes = Envelope("user", UserChanges)
new_article = Envelope("article", NewArticle)
article_changes = Envelope("article", ArticleChanges)
new_comment = Envelope("comment", NewComment)


def whole_number(default: int, smallest: int) -> fields.Integer:
    message = f"must be a whole number of at least {smallest}"
    return fields.Integer(
        load_default=default,
        validate=validate.Range(min=smallest, max=LARGEST_NUMBER, error=message),
        error_messages={"invalid": message, "too_large": message},
    )


class PageQuery(RequestObject):
    """``?limit=`` (20 unless asked) and ``?offset=`` of a list."""

    limit = whole_number(20, 1)
    offset = whole_number(0, 0)


class ArticleQuery(PageQuery):
    """A page of articles, filtered by tag, author or the user who favorited them."""

    tag = Text(load_default=None)
    author = Text(load_default=None)
    favorited = Text(load_default=None)


def query(schema: type[Schema]) -> dict[str, Any]:
    """The query string, checked by ``schema``."""
    return schema().load(request.args)


def image_url(user: User) -> str:
    """The picture the user chose, else the avatar every other page shows of them."""
    return user.image or user.avatar_url(external=True)


def user_json(user: User, token: str) -> dict[str, Any]:
    return {
        "email": user.email,
        "token": token,
        "username": user.username,
        "bio": user.about_me,
        "image": image_url(user),
    }


def profile_json(user: User, following: bool) -> dict[str, Any]:
    return {"username": user.username, "bio": user.about_me, "image": image_url(user), "following": bool(following)}


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
