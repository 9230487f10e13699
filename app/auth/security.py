"""The Security page: where the user is signed in, two-step sign-in, and giving the password again for what needs it."""

from urllib.parse import urlsplit

from flask import flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, logout_user
from werkzeug.wrappers import Response

from ..exceptions import Conflict, NotFound, ReauthenticationRequired
from ..forms import refusals_shown_on
from ..i18n import translated
from ..services import sessions, two_factor
from . import auth
from .forms import PasswordConfirmForm, TwoFactorSetupForm
from .redirects import is_safe_next
from .views import sign_in_limit


def page_before() -> str:
    """Where to come back to after giving the password: this page, or for a form the page it was sent from."""
    if request.method == "GET":
        return request.full_path.rstrip("?")
    referrer = urlsplit(request.referrer or "")
    same_site = referrer.netloc == request.host and is_safe_next(referrer.path)
    return referrer.path if same_site else url_for("auth.security")


@auth.app_errorhandler(ReauthenticationRequired)
def confirm_password_first(error: ReauthenticationRequired) -> Response:
    """A sensitive action on a sign-in too old for it: ask for the password, then go back to try again."""
    flash(_("%(problem)s Then try again.", problem=translated(error.message)), "warning")
    return redirect(url_for("auth.reauthenticate", next=page_before()))


@auth.route("/reauthenticate", methods=["GET", "POST"])
@sign_in_limit
@login_required
def reauthenticate() -> str | Response:
    """Ask for the password again, so that sensitive actions are allowed for a while."""
    form = PasswordConfirmForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            sessions.reauthenticate(current_user._get_current_object(), form.password.data)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("auth.security"))
    return render_template("auth/reauthenticate.html", form=form)


@auth.route("/security")
@login_required
def security() -> str:
    """The sessions and tokens the user is signed in with, the current one marked, and two-step sign-in."""
    return render_template(
        "auth/security.html",
        signed_in=sessions.active_sessions(current_user),
        current=sessions.current(),
        two_factor_on=two_factor.is_on(current_user),
        recovery_codes_left=two_factor.recovery_codes_left(current_user),
    )


@auth.route("/security/sessions/<int:id>/revoke", methods=["POST"])
@login_required
def revoke_session(id: int) -> Response:
    """End one session or token; ending this very session logs out."""
    current = sessions.current()
    try:
        sessions.revoke(current_user, id)
    except NotFound as error:
        flash(translated(error.message), "danger")
        return redirect(url_for("auth.security"))
    if current is not None and current.id == id:
        session.clear()
        logout_user()
        flash(_("You have been logged out."))
        return redirect(url_for("auth.login"))
    flash(_("That session has been ended: it is signed out everywhere now."))
    return redirect(url_for("auth.security"))


@auth.route("/security/revoke-others", methods=["POST"])
@login_required
def revoke_other_sessions() -> Response:
    """End every session and token but this one (asks for the password when the sign-in is old)."""
    ended = sessions.revoke_others(current_user)
    flash(
        ngettext(
            "Signed out everywhere else: %(num)d other session or token ended.",
            "Signed out everywhere else: %(num)d other sessions and tokens ended.",
            ended,
        )
    )
    return redirect(url_for("auth.security"))


@auth.route("/two-factor", methods=["GET", "POST"])
@login_required
def two_factor_setup() -> str | Response:
    """Turn on two-step sign-in: scan the QR code or type the secret, then confirm with a first code."""
    user = current_user._get_current_object()
    try:
        setup = two_factor.setup(user)
    except Conflict:
        flash(_("Two-step sign-in is on already."))
        return redirect(url_for("auth.security"))
    form = TwoFactorSetupForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            codes = two_factor.turn_on(user, form.code.data)
            return render_template("auth/recovery_codes.html", codes=codes)
    return render_template("auth/two_factor_setup.html", form=form, setup=setup)


@auth.route("/two-factor/disable", methods=["POST"])
@login_required
def two_factor_disable() -> Response:
    """Turn two-step sign-in off (asks for the password when the sign-in is old)."""
    two_factor.turn_off(current_user)
    flash(_("Two-step sign-in is off: your password alone signs you in now."), "warning")
    return redirect(url_for("auth.security"))
