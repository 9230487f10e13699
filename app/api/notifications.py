"""Notifications: follows, comments on your posts and messages to you."""

from typing import Any

from flask import g

from ..services import notifications
from . import api
from .openapi import operation
from .queries import page_links, page_size
from .schemas import NotificationCountSchema, NotificationPageSchema, PageQuerySchema


@api.get("/notifications/")
@operation(
    "List your notifications, newest first",
    tag="notifications",
    response=NotificationPageSchema,
    query=PageQuerySchema,
    description="A notification goes when what it tells of does: an unfollow, or a comment a moderator disabled.",
)
def get_notifications(args: dict[str, Any]) -> dict[str, Any]:
    pagination = notifications.notifications_of(
        g.current_user, args["page"], page_size(args, "FLASKY_NOTIFICATIONS_PER_PAGE")
    )
    return {
        "notifications": [notification.to_json() for notification in pagination.items],
        **page_links(pagination, "api.get_notifications"),
    }


@api.get("/notifications/count")
@operation("Count your unread notifications", tag="notifications", response=NotificationCountSchema)
def get_notification_count() -> dict[str, Any]:
    return {"unread": notifications.unread_count(g.current_user)}


@api.post("/notifications/read")
@operation("Mark all your notifications read", tag="notifications", status=204)
def mark_notifications_read() -> tuple[str, int]:
    notifications.mark_all_read(g.current_user)
    return "", 204
