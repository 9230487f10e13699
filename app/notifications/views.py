"""The notifications page, which marks what it shows read, and the count the bell asks for."""

from collections.abc import Callable

from flask import current_app, jsonify, render_template, request, session
from flask_login import current_user, login_required
from werkzeug.http import quote_etag
from werkzeug.wrappers import Response

from ..errors import json_error
from ..main.views import page_argument
from ..services import notifications as notices
from . import notifications


@notifications.route("/notifications")
@login_required
def index() -> str:
    """The user's notifications, newest first; those on the page are read once it is shown."""
    pagination = notices.notifications_of(
        current_user, page_argument(), current_app.config["FLASKY_NOTIFICATIONS_PER_PAGE"]
    )
    with notices.reading(current_user, pagination.items) as new:
        return render_template(
            "notifications/index.html", notifications=pagination.items, new=new, pagination=pagination
        )


@notifications.route("/notifications/count")
def count() -> Response:
    """``{"unread": n}`` for the bell's script, with an ETag: 304 Not Modified while the count stays the same.

    Polled by every open page, so it costs one indexed statement: it reads the session's credential itself rather
    than loading the user, and records no activity.
    """
    found = notices.unread_count_for_session(session.get("_user_id"))
    if found is None:
        return json_error(401, "Sign in to see your notifications.")
    user_id, unread = found
    response = jsonify(unread=unread)
    response.set_etag(count_tag(user_id, unread))
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("Cookie")
    return response.make_conditional(request)


def count_tag(user_id: int, unread: int) -> str:
    """The entity tag of a user's count: it changes exactly when the answer would."""
    return f"{user_id}-{unread}"


def notification_bell() -> dict[str, object]:
    """What the navbar's bell shows: the unread count, as a label ("99+" past the limit), and its ETag."""
    unread = notices.unread_count(current_user)
    label = f"{notices.COUNT_LIMIT - 1}+" if unread >= notices.COUNT_LIMIT else str(unread)
    return {"count": unread, "label": label, "etag": quote_etag(count_tag(current_user.id, unread))}


@notifications.app_context_processor
def inject_bell() -> dict[str, Callable[[], dict[str, object]]]:
    """``notification_bell()`` for the navbar, counted only where a page shows the bell."""
    return {"notification_bell": notification_bell}
