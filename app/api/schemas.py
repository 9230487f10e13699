"""Marshmallow schemas: they validate what clients send and describe every body in the OpenAPI document."""

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from ..models import Post
from ..pagination import Cursor
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


def readable_cursor(value: str) -> None:
    if Cursor.parse(value) is None:
        raise ValidationError("Not a cursor: send the after or before of a list's next or prev link as it is.")


class ListQuerySchema(PageQuerySchema):
    """A list of posts or comments: a page by number or by cursor, and its exact total only when asked for."""

    after = fields.String(
        validate=readable_cursor,
        metadata={
            "description": "The page after this item (its timestamp and id); `next` links carry it.",
            "example": "2026-12-01T13:00:00.123456,42",
        },
    )
    before = fields.String(
        validate=readable_cursor,
        metadata={
            "description": "The page before this item (its timestamp and id); `prev` links carry it.",
            "example": "2026-12-01T13:00:00.123456,42",
        },
    )
    count = fields.String(
        validate=validate.OneOf(["exact"]),
        metadata={
            "description": "`exact` adds the list's total as `count`, at the cost of counting the whole list; "
            "without it `count` is null."
        },
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
    avatar_url = fields.String(
        metadata={
            "description": "The user's picture, 100 pixels square; other sizes with s=1 to 512.",
            "example": "/avatar/d4c74594d841139328695756648b6bd6?s=100",
        }
    )
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
    count = fields.Integer(
        allow_none=True,
        metadata={
            "description": "How many items there are on all pages; in lists of posts and comments, null unless the "
            "request asked for `?count=exact`."
        },
    )


class PostPageSchema(PageSchema):
    posts = fields.List(fields.Nested(PostSchema))


class CommentPageSchema(PageSchema):
    comments = fields.List(fields.Nested(CommentSchema))


class TokenRequestSchema(Schema):
    """What a client may send to get a token: the second step of an account that uses two-step sign-in."""

    class Meta:
        unknown = EXCLUDE

    code = fields.String(
        load_default=None,
        validate=storable,
        metadata={
            "description": "Needed when the account uses two-step sign-in: the 6-digit code of the authenticator "
            "app, or one of the recovery codes. Each code is accepted once.",
            "example": "123456",
        },
    )


class TokenSchema(Schema):
    token = fields.String(
        metadata={
            "description": "Send it as the Basic username, with an empty password. It works until it expires, or "
            "until it is revoked: by `DELETE /api/v1/tokens/`, on the Security page, or by a password change made "
            "elsewhere."
        }
    )
    expiration = fields.Integer(metadata={"description": "Seconds until the token expires."})


class ErrorSchema(Schema):
    error = fields.String(metadata={"example": "not found"})
    message = fields.String(metadata={"example": "There is no post 42."})
    errors = fields.Dict(
        keys=fields.String(),
        metadata={"description": "For 409 and 422: the messages for each field at fault."},
    )


class MessageInputSchema(BodySchema):
    """A new private message."""


class MessageSchema(Schema):
    url = fields.String(metadata={"example": "/api/v1/messages/1"})
    sender_url = fields.String()
    recipient_url = fields.String()
    body = fields.String()
    body_html = fields.String(allow_none=True, metadata={"description": "The body rendered to sanitised HTML."})
    timestamp = fields.DateTime()
    read_at = fields.DateTime(allow_none=True, metadata={"description": "When the recipient read it; null till then."})


class ConversationSchema(Schema):
    url = fields.String(metadata={"description": "The messages exchanged.", "example": "/api/v1/conversations/2"})
    user_url = fields.String(metadata={"description": "The other user."})
    username = fields.String(allow_none=True)
    unread_count = fields.Integer(metadata={"description": "How many of the other user's messages you have not read."})
    last_message = fields.Nested(MessageSchema)


class ConversationPageSchema(PageSchema):
    conversations = fields.List(fields.Nested(ConversationSchema))


class MessagePageSchema(PageSchema):
    messages = fields.List(fields.Nested(MessageSchema))


class NotificationSchema(Schema):
    kind = fields.String(validate=validate.OneOf(["follow", "comment", "message"]))
    summary = fields.String(metadata={"example": "susan followed you"})
    actor_url = fields.String(metadata={"description": "Who did it."})
    subject_url = fields.String(metadata={"description": "The follower, the comment or the message."})
    page_url = fields.String(metadata={"description": "Where the web pages show it."})
    timestamp = fields.DateTime()
    read = fields.Boolean()


class NotificationPageSchema(PageSchema):
    notifications = fields.List(fields.Nested(NotificationSchema))


class NotificationCountSchema(Schema):
    unread = fields.Integer(metadata={"description": "Unread notifications, counted up to 100: 100 means 100 or more."})


class ExportSchema(Schema):
    status = fields.String(validate=validate.OneOf(["pending", "running", "done", "failed"]))
    progress = fields.Integer(metadata={"description": "Percent done, 0 to 100."})
    created_at = fields.DateTime()
    finished_at = fields.DateTime(allow_none=True)
    expires_at = fields.DateTime(allow_none=True, metadata={"description": "The archive can be downloaded until then."})
    archive_url = fields.String(allow_none=True, metadata={"description": "The ZIP archive, once done."})


class PasswordSchema(Schema):
    """Your own password, given again to confirm an action that cannot be undone."""

    password = fields.String(required=True, validate=[validate.Length(min=1), storable])
