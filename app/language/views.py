"""Choosing the site's language with a cookie, then going back to the page the choice was made on."""

from urllib.parse import urlsplit

from flask import abort, current_app, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import validate_csrf
from werkzeug.wrappers import Response
from wtforms import ValidationError

from ..auth.redirects import is_safe_next
from ..extensions import csrf
from . import language
from .forms import LanguageForm


def posted_from_this_site() -> bool:
    """Whether the form was sent by one of this site's pages: its ``Origin`` is this site, or it holds a CSRF token.

    The footer's form carries no token: a token would make every signed-out page the visitor's own, so the page
    cache (``app.page_cache``) could keep none. Browsers name the page's origin on every form they post.
    """
    if not current_app.config["WTF_CSRF_ENABLED"]:
        return True
    origin = request.headers.get("Origin")
    if origin is not None:
        parts = urlsplit(origin)
        return (parts.scheme, parts.netloc) == (request.scheme, request.host)
    try:
        validate_csrf(request.form.get(current_app.config["WTF_CSRF_FIELD_NAME"]))
    except ValidationError:
        return False
    return True


@language.route("/language", methods=["POST"])
@csrf.exempt
def choose() -> Response:
    """Remember the language chosen in the footer and go back to the page it was chosen on."""
    if not posted_from_this_site():
        abort(400, _("The language can only be changed from this site's own pages: go back, reload and try again."))
    form = LanguageForm(meta={"csrf": False})
    target = form.next.data if is_safe_next(form.next.data) else url_for("main.index")
    response = redirect(target)
    if not form.validate():
        flash(_("That language is not offered here: choose English or Español."), "warning")
        return response
    response.set_cookie(
        current_app.config["FLASKY_LOCALE_COOKIE"],
        form.language.data,
        max_age=current_app.config["FLASKY_LOCALE_COOKIE_DAYS"] * 24 * 3600,
        secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
        httponly=True,
        samesite="Lax",
    )
    return response
