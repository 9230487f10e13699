"""Blocking users: a user you block can no longer message you, follow you or comment on your posts."""

from flask import abort, g

from ..lookups import user_with_id
from ..services import blocks
from . import api
from .openapi import operation


@api.post("/users/<int:id>/block")
@operation(
    "Block a user",
    tag="users",
    status=204,
    errors=(409, 422),
    description="Ends the follows between you. The user is not told: what they are refused looks like any refusal. "
    "Blocking yourself gets 422; blocking a user you already blocked gets 409.",
)
def block_user(id: int) -> tuple[str, int]:
    user = user_with_id(id)
    if not blocks.block(g.current_user, user):
        abort(409, f"You have already blocked {user.username}.")
    return "", 204


@api.delete("/users/<int:id>/block")
@operation(
    "Unblock a user",
    tag="users",
    status=204,
    errors=(409, 422),
    description="Unblocking a user you have not blocked gets 409.",
)
def unblock_user(id: int) -> tuple[str, int]:
    user = user_with_id(id)
    if not blocks.unblock(g.current_user, user):
        abort(409, f"You have not blocked {user.username}.")
    return "", 204
