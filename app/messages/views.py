"""The conversations page, one conversation with its reply form, and blocking and unblocking a user."""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from ..exceptions import NotAllowed
from ..extensions import csrf
from ..forms import refusals_shown_on, toggle_on_profile
from ..i18n import translated
from ..lookups import user_named
from ..main.views import page_argument
from ..services import blocks
from ..services import messages as conversations
from . import messages
from .forms import MessageForm


@messages.route("/messages")
@login_required
def index() -> str:
    """Every conversation of the user's, the one with the newest message first."""
    pagination = conversations.conversations_of(
        current_user, page_argument(), current_app.config["FLASKY_MESSAGES_PER_PAGE"]
    )
    return render_template("messages/index.html", conversations=pagination.items, pagination=pagination)


# The form checks its CSRF token itself (``FlaskyForm``): sent with a stale one, it comes back with the text typed.
@messages.route("/messages/<username>", methods=["GET", "POST"])
@login_required
@csrf.exempt
def conversation(username: str) -> tuple[str, int] | Response:
    """The messages exchanged with a user, newest at the bottom, and a form to write one; reading marks them read."""
    other = user_named(username)
    form = MessageForm()
    status = 200
    if form.validate_on_submit():
        try:
            with refusals_shown_on(form):
                conversations.send_message(current_user, other, form.body.data)
                return redirect(url_for(".conversation", username=other.username, _anchor="reply"))
        except NotAllowed as error:
            flash(translated(error.message), "danger")
            status = 403
    with conversations.reading_conversation(current_user, other):
        pagination = conversations.messages_between(
            current_user, other, page_argument(), current_app.config["FLASKY_MESSAGES_PER_PAGE"]
        )
        page = render_template(
            "messages/conversation.html",
            other=other,
            messages=list(reversed(pagination.items)),
            pagination=pagination,
            form=form,
            blocking=blocks.has_blocked(current_user, other),
        )
    return page, 400 if form.expired else status


@messages.route("/block/<username>", methods=["GET", "POST"])
@login_required
def block(username: str) -> str | Response:
    """Block a user, once asked to confirm: they can no longer message you, follow you or comment on your posts."""
    if request.method == "GET":
        return render_template("messages/block.html", user=user_named(username))
    done, already = _("You have blocked %(username)s. They are not told."), _("You have already blocked this user.")
    return toggle_on_profile(blocks.block, username, done, already)


@messages.route("/unblock/<username>", methods=["POST"])
@login_required
def unblock(username: str) -> Response:
    """Lift a block."""
    done, already = _("You have unblocked %(username)s."), _("You have not blocked this user.")
    return toggle_on_profile(blocks.unblock, username, done, already)
