"""Private messages: the conversations, one conversation's messages, sending one, and marking them read."""

from typing import Any

from flask import g, url_for

from ..lookups import user_with_id
from ..services import messages
from . import api
from .openapi import operation
from .queries import page_links, page_size
from .schemas import ConversationPageSchema, MessageInputSchema, MessagePageSchema, MessageSchema, PageQuerySchema

BLOCKS = "A user who blocked you, or whom you blocked, cannot be written to: 403."


@api.get("/conversations/")
@operation(
    "List your conversations, the newest message first",
    tag="messages",
    response=ConversationPageSchema,
    query=PageQuerySchema,
    description="One per user you exchanged messages with, with the newest message and how many you have not read.",
)
def get_conversations(args: dict[str, Any]) -> dict[str, Any]:
    pagination = messages.conversations_of(g.current_user, args["page"], page_size(args, "FLASKY_MESSAGES_PER_PAGE"))
    return {
        "conversations": [conversation.to_json() for conversation in pagination.items],
        **page_links(pagination, "api.get_conversations"),
    }


@api.get("/conversations/<int:id>")
@operation(
    "List the messages you and a user exchanged, newest first",
    tag="messages",
    response=MessagePageSchema,
    query=PageQuerySchema,
    description="`id` is the other user's. Reading them does not mark them read: `POST .../read` does.",
)
def get_conversation(id: int, args: dict[str, Any]) -> dict[str, Any]:
    other = user_with_id(id)
    pagination = messages.messages_between(
        g.current_user, other, args["page"], page_size(args, "FLASKY_MESSAGES_PER_PAGE")
    )
    return {
        "messages": [message.to_json() for message in pagination.items],
        **page_links(pagination, "api.get_conversation", id=id),
    }


@api.post("/conversations/<int:id>")
@operation(
    "Send a user a message",
    tag="messages",
    response=MessageSchema,
    status=201,
    body=MessageInputSchema,
    description=f"`id` is the recipient's; the body is Markdown, sanitised as posts are. Writing to yourself gets "
    f"422. {BLOCKS}",
)
def send_message(id: int, data: dict[str, Any]) -> tuple[dict[str, Any], int, dict[str, str]]:
    message = messages.send_message(g.current_user, user_with_id(id), data["body"])
    return message.to_json(), 201, {"Location": url_for("api.get_message", id=message.id, _external=True)}


@api.post("/conversations/<int:id>/read")
@operation("Mark a user's messages to you read", tag="messages", status=204)
def mark_conversation_read(id: int) -> tuple[str, int]:
    messages.mark_conversation_read(g.current_user, user_with_id(id))
    return "", 204


@api.get("/messages/<int:id>")
@operation(
    "Get a message",
    tag="messages",
    response=MessageSchema,
    description="Only its sender and its recipient can read a message; to anyone else it does not exist (404).",
)
def get_message(id: int) -> dict[str, Any]:
    return messages.message_for(g.current_user, id).to_json()
