"""The data model, one module per aggregate; ``from app.models import User, Post, ...`` keeps working."""

from .block import Block
from .comment import Comment
from .export import DataExport
from .follow import Follow
from .message import Conversation, Message
from .notification import Notification
from .outbox import OutboxMessage
from .post import TAG_LENGTH, TITLE_LENGTH, Favorite, Post, PostTag, Tag, title_from_body
from .role import Permission, Role
from .search_index import rebuild_search_index
from .session import SessionKind, UserSession
from .two_factor import RecoveryCode, TwoFactor
from .user import AnonymousUser, User, gravatar_hash

__all__ = [
    "TAG_LENGTH",
    "TITLE_LENGTH",
    "AnonymousUser",
    "Block",
    "Comment",
    "Conversation",
    "DataExport",
    "Favorite",
    "Follow",
    "Message",
    "Notification",
    "OutboxMessage",
    "Permission",
    "Post",
    "PostTag",
    "RecoveryCode",
    "Role",
    "SessionKind",
    "Tag",
    "TwoFactor",
    "User",
    "UserSession",
    "gravatar_hash",
    "rebuild_search_index",
    "title_from_body",
]
