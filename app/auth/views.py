"""Accounts: registration, confirmation, log in (with two-step sign-in) and out, passwords and email changes."""

import time

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from ..exceptions import Invalid
from ..extensions import db, limiter
from ..forms import refusals_shown_on, show_domain_errors
from ..models import User
from ..security import auth_rate_limit
from ..services import accounts, sessions, two_factor
from . import auth
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegistrationForm,
    TwoFactorCodeForm,
)
from .redirects import is_safe_next

CONFIRMATION_NOT_SENT = _l("We could not send the confirmation email. Please use the button below to send it again.")
# The password step of a two-step sign-in waits this many seconds, in the session, for its code.
PENDING_SIGN_IN = "pending_sign_in"
PENDING_SIGN_IN_SECONDS = 300
# Login, its code step and the password asked again share one limit: wrong codes count as wrong passwords do.
sign_in_limit = limiter.shared_limit(auth_rate_limit, scope="sign-in", methods=["POST"])


@auth.before_app_request
def before_request():
    """Record the user's activity, keep an unconfirmed account on the unconfirmed page, and send a user whose role
    must use two-step sign-in to its set-up page until it is on."""
    if request.endpoint in UNTRACKED_ENDPOINTS or request.blueprint in UNTRACKED_BLUEPRINTS:
        return None
    if not current_user.is_authenticated:
        return None
    if current_user.ping():
        db.session.commit()
    if not current_user.confirmed and needs_confirmation(request.endpoint, request.blueprint):
        return redirect(url_for("auth.unconfirmed"))
    if needs_two_factor(request.endpoint, request.blueprint) and two_factor.must_set_up(current_user):
        flash(_("Your role must use two-step sign-in: set it up to go on."), "warning")
        return redirect(url_for("auth.two_factor_setup"))
    return None


# Polled by every open page: it reads the session itself, in one statement, and a poll is no activity to record.
UNTRACKED_ENDPOINTS = {"notifications.count"}
# The probes answer without looking at the session: /healthz must not need the database, even with a cookie;
# nor must avatars, of which a page asks for dozens.
UNTRACKED_BLUEPRINTS = {"health", "avatars"}
# Accounts, probes and the token-authenticated APIs (which refuse unconfirmed users themselves) stay open.
OPEN_TO_UNCONFIRMED = {"auth", "api", "conduit", "health"}


def needs_confirmation(endpoint: str | None, blueprint: str | None) -> bool:
    """Whether an unconfirmed user is kept from this endpoint, whatever the request asks to get back."""
    return endpoint is not None and endpoint != "static" and blueprint not in OPEN_TO_UNCONFIRMED


# The pages a user who must set up two-step sign-in may still see; the APIs refuse such users themselves.
OPEN_BEFORE_TWO_FACTOR = {"auth.two_factor_setup", "auth.logout", "auth.unconfirmed", "auth.confirm", "static"}
OPEN_BEFORE_TWO_FACTOR_BLUEPRINTS = {"api", "conduit", "health"}


def needs_two_factor(endpoint: str | None, blueprint: str | None) -> bool:
    """Whether a user whose role must use two-step sign-in is kept from this endpoint until it is on."""
    return (
        endpoint is not None
        and endpoint not in OPEN_BEFORE_TWO_FACTOR
        and blueprint not in OPEN_BEFORE_TWO_FACTOR_BLUEPRINTS
    )


@auth.route("/unconfirmed")
def unconfirmed():
    """Tell a logged-in, unconfirmed user to confirm, with a button to send the link again."""
    if current_user.is_anonymous or current_user.confirmed:
        return redirect(url_for("main.index"))
    return render_template("auth/unconfirmed.html")


def start_session(user: User, remember: bool = False) -> None:
    """Log ``user`` in on a new session: nothing set before the login (by an attacker, say) survives it."""
    session.clear()
    # Flask-WTF caches the request's CSRF token on g; the cleared session no longer backs it.
    g.pop(current_app.config["WTF_CSRF_FIELD_NAME"], None)
    sessions.sign_in(user, remember=remember)
    login_user(user, remember=remember)


@auth.route("/login", methods=["GET", "POST"])
@sign_in_limit
def login():
    """Log in by email and password, then go back to the page that asked for it, if it is on this site.

    With two-step sign-in on, the password is only the first step: the code page finishes the login.
    """
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            target = request.args.get("next")
            target = target if is_safe_next(target) else url_for("main.index")
            if not two_factor.is_on(user):
                start_session(user, remember=form.remember_me.data)
                return redirect(target)
            session.clear()
            session[PENDING_SIGN_IN] = {
                "user": user.id,
                "remember": bool(form.remember_me.data),
                "next": target,
                "at": int(time.time()),
            }
            return redirect(url_for("auth.login_code"))
        flash(_("Invalid email or password."), "danger")
    return render_template("auth/login.html", form=form)


def pending_sign_in() -> tuple[User, dict] | None:
    """The user whose password this browser gave in the last few minutes, waiting for a code, and what they asked."""
    pending = session.get(PENDING_SIGN_IN)
    if not isinstance(pending, dict) or time.time() - pending.get("at", 0) > PENDING_SIGN_IN_SECONDS:
        return None
    user = db.session.get(User, pending["user"])
    return None if user is None else (user, pending)


@auth.route("/login/code", methods=["GET", "POST"])
@sign_in_limit
def login_code():
    """The second step of a login: the code of the user's authenticator app, or one of their recovery codes."""
    waiting = pending_sign_in()
    if waiting is None:
        flash(_("Please log in again: the login waited too long for its code."), "warning")
        return redirect(url_for("auth.login"))
    user, pending = waiting
    form = TwoFactorCodeForm()
    if form.validate_on_submit():
        if two_factor.verify(user, form.code.data):
            start_session(user, remember=pending["remember"])
            return redirect(pending["next"])
        form.code.errors = [_("That code is not right, or was used already: type the code your app shows now.")]
    return render_template("auth/login_code.html", form=form)


@auth.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out: the session ends on the server, and everything the browser's session held is forgotten."""
    sessions.sign_out()
    session.clear()
    logout_user()
    flash(_("You have been logged out."))
    return redirect(url_for("main.index"))


@auth.route("/register", methods=["GET", "POST"])
@limiter.limit(auth_rate_limit, methods=["POST"])
def register():
    """Create an account, log it in and mail it a confirmation link."""
    form = RegistrationForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            registration = accounts.register(form.email.data, form.username.data, form.password.data)
            start_session(registration.user)
            if registration.confirmation.failed():
                flash(_("Your account has been created. %(problem)s", problem=CONFIRMATION_NOT_SENT), "warning")
            else:
                flash(_("A confirmation email has been sent to you by email."))
            return redirect(url_for("auth.unconfirmed"))
    return render_template("auth/register.html", form=form)


@auth.route("/confirm/<token>")
@login_required
def confirm(token: str):
    """Confirm the account from the link in the confirmation email."""
    if current_user.confirmed:
        return redirect(url_for("main.index"))
    if accounts.confirm(current_user, token):
        flash(_("You have confirmed your account. Thanks!"))
        return redirect(url_for("main.index"))
    flash(_("The confirmation link is invalid or has expired. Use the button below to get a new one."), "danger")
    return redirect(url_for("auth.unconfirmed"))


@auth.route("/confirm", methods=["POST"])
@limiter.limit(auth_rate_limit, methods=["POST"])
@login_required
def resend_confirmation():
    """Mail the confirmation link again."""
    if current_user.confirmed:
        return redirect(url_for("main.index"))
    if accounts.resend_confirmation(current_user._get_current_object()).failed():
        flash(str(CONFIRMATION_NOT_SENT), "danger")
    else:
        flash(_("A new confirmation email has been sent to you by email."))
    return redirect(url_for("auth.unconfirmed"))


@auth.route("/change-password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password, given the current one; the user's other sessions and tokens end, this one stays."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            accounts.change_password(user, form.old_password.data, form.password.data)
            flash(_("Your password has been updated. Every other session and token of yours has been signed out."))
            return redirect(url_for("main.index"))
    return render_template("auth/change_password.html", form=form)


@auth.route("/reset", methods=["GET", "POST"])
@limiter.limit(auth_rate_limit, methods=["POST"])
def password_reset_request():
    """Mail a reset link; the answer is the same whether or not the address is known."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = PasswordResetRequestForm()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            # Never ask whether it went: a different answer would tell who has an account. Failures are logged.
            accounts.request_password_reset(form.email.data)
            flash(_("If that address has an account, an email with instructions to reset your password is on its way."))
            return redirect(url_for("auth.login"))
    return render_template("auth/reset_password_request.html", form=form)


@auth.route("/reset/<token>", methods=["GET", "POST"])
def password_reset(token: str):
    """Choose a new password from the link in the reset email."""
    if current_user.is_authenticated:
        return redirect(url_for("main.index"))
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            accounts.reset_password(token, form.password.data)
        except Invalid as error:
            if "token" not in error.errors:
                show_domain_errors(form, error)
                return render_template("auth/reset_password.html", form=form)
            flash(_("The password reset link is invalid or has expired. Please ask for a new one."), "danger")
            return redirect(url_for("auth.password_reset_request"))
        flash(_("Your password has been updated. You can log in with it now."))
        return redirect(url_for("auth.login"))
    return render_template("auth/reset_password.html", form=form)


@auth.route("/change-email", methods=["GET", "POST"])
@login_required
def change_email_request():
    """Mail a link to the new address; the email changes only when that link is followed."""
    form = ChangeEmailForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            delivery = accounts.request_email_change(user, form.email.data, form.password.data)
            if delivery.failed():
                flash(_("We could not send the email to your new address. Please try again."), "danger")
                return redirect(url_for("auth.change_email_request"))
            flash(_("An email with instructions to confirm your new email address has been sent to it."))
            return redirect(url_for("main.index"))
    return render_template("auth/change_email.html", form=form)


@auth.route("/change-email/<token>")
@login_required
def change_email(token: str):
    """Move the account to the new address from the link mailed there; the user's other sessions end."""
    if accounts.change_email(current_user._get_current_object(), token):
        flash(_("Your email address has been updated. Every other session and token of yours has been signed out."))
    else:
        flash(_("The email change link is invalid or has expired. Please ask for a new one."), "danger")
    return redirect(url_for("main.index"))
