"""Marshmallow schemas: they validate what clients send and describe every body in the OpenAPI document."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..models import Post
from ..validation import STORABLE_RULE, column_length, is_storable

MAX_PAGE = 1_000_000
MAX_PER_PAGE = 100
# The domain's rule, as a sentence like marshmallow's own messages.
STORABLE_MESSAGE = f"{STORABLE_RULE[:1].upper()}{STORABLE_RULE[1:]}."


def storable(value: str) -> None:
    """Refuse text no database column can store."""
    if not is_storable(value):
        raise ValidationError(STORABLE_MESSAGE)


def not_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be empty.")


class PageQuerySchema(Schema):
    """``?page=`` and ``?per_page=``; the default page size comes from the configuration."""

    class Meta:
        unknown = EXCLUDE

    page = fields.Integer(
        load_default=1, validate=validate.Range(min=1, max=MAX_PAGE), metadata={"description": "Page number, from 1."}
    )
    per_page = fields.Integer(
        validate=validate.Range(min=1, max=MAX_PER_PAGE),
        metadata={"description": f"Items per page, 1 to {MAX_PER_PAGE}; the default is the server's page size."},
    )


class BodySchema(Schema):
    """What a client sends to write a post or a comment."""

    body = fields.String(
        required=True,
        validate=[validate.Length(min=1), not_blank, storable],
        metadata={"description": "Markdown text.", "example": "Hello, **world**!"},
    )


class PostInputSchema(BodySchema):
    """A new or edited post."""

    title = fields.String(
        validate=[validate.Length(max=column_length(Post.title)), storable],
        metadata={
            "description": "Left out or blank: the body's first line, which it follows when the body is edited.",
            "example": "Hello, world",
        },
    )


class CommentInputSchema(BodySchema):
    """A new comment."""


class PostSchema(Schema):
    url = fields.String(metadata={"example": "/api/v1/posts/1"})
    title = fields.String(metadata={"description": "Given, or else the body's first line."})
    body = fields.String()
    body_html = fields.String(allow_none=True, metadata={"description": "The body rendered to sanitised HTML."})
    timestamp = fields.DateTime(metadata={"description": "ISO 8601 in UTC."})
    author_url = fields.String()
    comments_url = fields.String()
    comment_count = fields.Integer()


class UserSchema(Schema):
    url = fields.String(metadata={"example": "/api/v1/users/1"})
    username = fields.String(allow_none=True)
    member_since = fields.DateTime()
    last_seen = fields.DateTime()
    posts_url = fields.String()
    followed_posts_url = fields.String()
    post_count = fields.Integer()


class CommentSchema(Schema):
    url = fields.String(metadata={"example": "/api/v1/comments/1"})
    post_url = fields.String()
    body = fields.String(
        allow_none=True, metadata={"description": "Null when a moderator disabled the comment, unless you moderate."}
    )
    body_html = fields.String(allow_none=True)
    disabled = fields.Boolean(metadata={"description": "Whether a moderator disabled the comment."})
    timestamp = fields.DateTime()
    author_url = fields.String()


class PageSchema(Schema):
    prev = fields.String(allow_none=True, metadata={"description": "The previous page, or null on the first."})
    next = fields.String(allow_none=True, metadata={"description": "The next page, or null on the last."})
    count = fields.Integer(metadata={"description": "How many items there are on all pages."})


class PostPageSchema(PageSchema):
    posts = fields.List(fields.Nested(PostSchema))


class CommentPageSchema(PageSchema):
    comments = fields.List(fields.Nested(CommentSchema))


class TokenSchema(Schema):
    token = fields.String(metadata={"description": "Send it as the Basic username, with an empty password."})
    expiration = fields.Integer(metadata={"description": "Seconds until the token expires."})


class ErrorSchema(Schema):
    error = fields.String(metadata={"example": "not found"})
    message = fields.String(metadata={"example": "There is no post 42."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "For 409 and 422: the messages for each field at fault."},
    )
