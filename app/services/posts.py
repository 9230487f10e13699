"""Writing, editing and deleting posts, and favoriting them."""

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import delete

from ..exceptions import Invalid, NotAllowed, ValidationError
from ..extensions import db
from ..models import Favorite, Permission, Post, Tag, title_from_body
from ..slugs import random_slug, slugify
from ..timestamps import utcnow
from ..validation import Problems, column_length
from .policy import Actor, require, require_confirmed
from .transactions import commit_retrying

POST_FIELDS = ("title", "description", "body", "tags")


def create_post(actor: Actor, body: Any, title: Any = None, description: Any = "", tags: Iterable[str] = ()) -> Post:
    """Publish a post by ``actor``; a blank title becomes the first line, and the slug is unique even in a race."""
    author = require(actor, Permission.WRITE)
    values = checked_fields({"body": body, "title": title, "description": description, "tags": tags})
    title = values["title"] or title_from_body(values["body"])

    def write(attempt: int) -> Post:
        # Later attempts lost a race for the numbered slug (or a new tag): a random suffix cannot collide again.
        slug = random_slug(slugify(title)) if attempt > 0 else None
        post = Post(author=author, body=values["body"], title=title, description=values["description"] or "")
        if slug is not None:
            post.slug = slug
        post.tag_names = values["tags"]
        db.session.add(post)
        return post

    return commit_retrying(write)


def edit_post(actor: Actor, post: Post, changes: Mapping[str, Any]) -> Post:
    """Change the fields in ``changes`` (title, description, body, tags); the slug never changes.

    A title that was the body's first line keeps following it when the body changes and no other title is given.
    """
    require_may_change(actor, post)
    values = checked_fields(changes, partial=True)
    body_changes = "body" in values and values["body"] != post.body
    if body_changes and post.title_follows_body and values.get("title") in (None, post.title):
        values["title"] = title_from_body(values["body"])
    if "title" in values and values["title"] is None:
        values["title"] = title_from_body(values.get("body", post.body))

    def write(_attempt: int) -> Post:
        for name in ("title", "description", "body"):
            if name in values:
                setattr(post, name, values[name] if values[name] is not None else "")
        if "tags" in values:
            post.tag_names = values["tags"]
        post.updated_at = utcnow()
        return post

    return commit_retrying(write)


def delete_post(actor: Actor, post: Post) -> None:
    """Delete ``post`` with its comments, even those written while it was being deleted."""
    require_may_change(actor, post)
    post_id = post.id

    def write(_attempt: int) -> None:
        current = db.session.get(Post, post_id)
        if current is not None:
            db.session.delete(current)

    commit_retrying(write)


def require_may_change(actor: Actor, post: Post) -> None:
    """``NotAllowed`` unless ``actor`` is the post's author while allowed to write, or an administrator."""
    require_confirmed(actor)
    if not post.editable_by(actor):
        raise NotAllowed("Only the post's author or an administrator can change it.", {"article": ["forbidden"]})


def favorite(actor: Actor, post: Post) -> bool:
    """Add ``actor``'s favorite to ``post``; false when it was there already."""
    user = require(actor, Permission.FOLLOW)

    def write(_attempt: int) -> bool:
        if post.is_favorited_by(user):
            return False
        db.session.add(Favorite(user_id=user.id, post_id=post.id))
        return True

    return commit_retrying(write)


def unfavorite(actor: Actor, post: Post) -> bool:
    """Take ``actor``'s favorite off ``post``; false when there was none."""
    user = require(actor, Permission.FOLLOW)
    result = db.session.execute(delete(Favorite).where(Favorite.user_id == user.id, Favorite.post_id == post.id))
    db.session.commit()
    return result.rowcount > 0


def checked_fields(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """The post fields in ``values``, checked; ``Invalid`` with every field's problem."""
    problems = Problems()
    checked: dict[str, Any] = {}
    if "body" in values or not partial:
        checked["body"] = problems.text("body", values.get("body"))
    if "title" in values or not partial:
        checked["title"] = problems.text(
            "title", values.get("title"), max_length=column_length(Post.title), required=False
        )
    if "description" in values or not partial:
        checked["description"] = problems.text("description", values.get("description"), required=False)
    if "tags" in values or not partial:
        checked["tags"] = checked_tags(problems, values.get("tags") or [])
    problems.raise_if_any(Invalid)
    return checked


def checked_tags(problems: Problems, names: Any) -> list[str]:
    if isinstance(names, str) or not all(isinstance(name, str) for name in names):
        problems.add("tags", "must be a list of strings")
        return []
    for name in names:
        problems.text("tags", name, required=False)
    try:
        return Tag.clean_names(names)
    except ValidationError as error:
        problems.add("tags", error.message)
        return []
