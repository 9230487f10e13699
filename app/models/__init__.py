"""The data model, one module per aggregate; ``from app.models import User, Post, ...`` keeps working."""

from .comment import Comment
from .follow import Follow
from .post import TAG_LENGTH, TITLE_LENGTH, Favorite, Post, PostTag, Tag, title_from_body
from .role import Permission, Role
from .user import AnonymousUser, User, gravatar_hash, load_user

__all__ = [
    "TAG_LENGTH",
    "TITLE_LENGTH",
    "AnonymousUser",
    "Comment",
    "Favorite",
    "Follow",
    "Permission",
    "Post",
    "PostTag",
    "Role",
    "Tag",
    "User",
    "gravatar_hash",
    "load_user",
    "title_from_body",
]
