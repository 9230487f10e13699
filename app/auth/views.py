"""Accounts: registration, confirmation, log in and out, passwords and email changes."""

from flask import current_app, flash, g, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from ..exceptions import Invalid
from ..extensions import db, limiter
from ..forms import refusals_shown_on, show_domain_errors
from ..models import User
from ..security import auth_rate_limit
from ..services import accounts
from . import auth
from .forms import (
    ChangeEmailForm,
    ChangePasswordForm,
    LoginForm,
    PasswordResetForm,
    PasswordResetRequestForm,
    RegistrationForm,
)
from .redirects import is_safe_next

CONFIRMATION_NOT_SENT = "We could not send the confirmation email. Please use the button below to send it again."


@auth.before_app_request
def before_request():
    """Record the user's activity and keep an unconfirmed account on the unconfirmed page."""
    if not current_user.is_authenticated:
        return None
    if current_user.ping():
        db.session.commit()
    if current_user.confirmed or not needs_confirmation(request.endpoint, request.blueprint):
        return None
    return redirect(url_for("auth.unconfirmed"))


# Accounts, probes and the token-authenticated APIs (which refuse unconfirmed users themselves) stay open.
OPEN_TO_UNCONFIRMED = {"auth", "api", "conduit", "health"}


def needs_confirmation(endpoint: str | None, blueprint: str | None) -> bool:
    """Whether an unconfirmed user is kept from this endpoint, whatever the request asks to get back."""
    return endpoint is not None and endpoint != "static" and blueprint not in OPEN_TO_UNCONFIRMED


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
    login_user(user, remember=remember)


def keep_this_session(user: User) -> None:
    """Carry this session on when the user's password hash changed, by a new password or an upgraded hash.

    Sessions are bound to the hash (``User.get_id``), so every other session of the user ends with the old one.
    """
    if session.get("_user_id") != user.get_id():
        login_user(user)


@auth.route("/login", methods=["GET", "POST"])
@limiter.limit(auth_rate_limit, methods=["POST"])
def login():
    """Log in by email and password, then go back to the page that asked for it, if it is on this site."""
    form = LoginForm()
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            start_session(user, remember=form.remember_me.data)
            target = request.args.get("next")
            return redirect(target if is_safe_next(target) else url_for("main.index"))
        flash("Invalid email or password.", "danger")
    return render_template("auth/login.html", form=form)


@auth.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out and forget everything the session held."""
    session.clear()
    logout_user()
    flash("You have been logged out.")
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
                flash("Your account has been created. " + CONFIRMATION_NOT_SENT, "warning")
            else:
                flash("A confirmation email has been sent to you by email.")
            return redirect(url_for("auth.unconfirmed"))
    return render_template("auth/register.html", form=form)


@auth.route("/confirm/<token>")
@login_required
def confirm(token: str):
    """Confirm the account from the link in the confirmation email."""
    if current_user.confirmed:
        return redirect(url_for("main.index"))
    if accounts.confirm(current_user, token):
        flash("You have confirmed your account. Thanks!")
        return redirect(url_for("main.index"))
    flash("The confirmation link is invalid or has expired. Use the button below to get a new one.", "danger")
    return redirect(url_for("auth.unconfirmed"))


@auth.route("/confirm", methods=["POST"])
@limiter.limit(auth_rate_limit, methods=["POST"])
@login_required
def resend_confirmation():
    """Mail the confirmation link again."""
    if current_user.confirmed:
        return redirect(url_for("main.index"))
    if accounts.resend_confirmation(current_user._get_current_object()).failed():
        flash(CONFIRMATION_NOT_SENT, "danger")
    else:
        flash("A new confirmation email has been sent to you by email.")
    return redirect(url_for("auth.unconfirmed"))


@auth.route("/change-password", methods=["GET", "POST"])
@login_required
def change_password():
    """Change the password, given the current one."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    if form.validate_on_submit():
        with refusals_shown_on(form):
            try:
                accounts.change_password(user, form.old_password.data, form.password.data)
            finally:
                keep_this_session(user)
            flash("Your password has been updated.")
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
            flash("If that address has an account, an email with instructions to reset your password is on its way.")
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
            flash("The password reset link is invalid or has expired. Please ask for a new one.", "danger")
            return redirect(url_for("auth.password_reset_request"))
        flash("Your password has been updated. You can log in with it now.")
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
            try:
                delivery = accounts.request_email_change(user, form.email.data, form.password.data)
            finally:
                keep_this_session(user)
            if delivery.failed():
                flash("We could not send the email to your new address. Please try again.", "danger")
                return redirect(url_for("auth.change_email_request"))
            flash("An email with instructions to confirm your new email address has been sent to it.")
            return redirect(url_for("main.index"))
    return render_template("auth/change_email.html", form=form)


@auth.route("/change-email/<token>")
@login_required
def change_email(token: str):
    """Move the account to the new address from the link mailed there."""
    if accounts.change_email(current_user, token):
        flash("Your email address has been updated.")
    else:
        flash("The email change link is invalid or has expired. Please ask for a new one.", "danger")
    return redirect(url_for("main.index"))
