"""Blocking users: a user you block can no longer message you, follow you or comment on your posts."""

from ..services import blocks
from . import api
from .openapi import operation
from .users import toggle


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
    return toggle(blocks.block, id, "You have already blocked {username}.")


@api.delete("/users/<int:id>/block")
@operation(
    "Unblock a user",
    tag="users",
    status=204,
    errors=(409, 422),
    description="Unblocking a user you have not blocked gets 409.",
)
def unblock_user(id: int) -> tuple[str, int]:
    return toggle(blocks.unblock, id, "You have not blocked {username}.")
