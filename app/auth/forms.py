"""Forms of the accounts pages. They parse what is typed; the account services judge it (``app.services.accounts``)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from ..forms import FlaskyForm

PASSWORDS_MUST_MATCH = _l("Passwords must match.")


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = _l("Email")) -> EmailField:
    return EmailField(label, filters=[strip_whitespace], validators=[DataRequired()])


class LoginForm(FlaskyForm):
    email = email_field()
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    remember_me = BooleanField(_l("Keep me logged in"))
    submit = SubmitField(_l("Log In"))


class RegistrationForm(FlaskyForm):
    email = email_field()
    username = StringField(_l("Username"), filters=[strip_whitespace], validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)])
    password2 = PasswordField(_l("Confirm password"), validators=[DataRequired()])
    submit = SubmitField(_l("Register"))


class ChangePasswordForm(FlaskyForm):
    old_password = PasswordField(_l("Old password"), validators=[DataRequired()])
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)]
    )
    password2 = PasswordField(_l("Confirm new password"), validators=[DataRequired()])
    submit = SubmitField(_l("Update Password"))


class PasswordResetRequestForm(FlaskyForm):
    email = email_field()
    submit = SubmitField(_l("Reset Password"))


class PasswordResetForm(FlaskyForm):
    password = PasswordField(
        _l("New password"), validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)]
    )
    password2 = PasswordField(_l("Confirm new password"), validators=[DataRequired()])
    submit = SubmitField(_l("Reset Password"))


class ChangeEmailForm(FlaskyForm):
    email = email_field(_l("New email"))
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Update Email Address"))


def code_field(label: str) -> StringField:
    """A one-time code, as an authenticator app shows it (browsers may fill it in from a text message, never here)."""
    return StringField(
        label, filters=[strip_whitespace], validators=[DataRequired()], render_kw={"autocomplete": "one-time-code"}
    )


class TwoFactorCodeForm(FlaskyForm):
    code = code_field(_l("Code from your app, or a recovery code"))
    submit = SubmitField(_l("Log In"))


class TwoFactorSetupForm(FlaskyForm):
    code = code_field(_l("Code from your app"))
    submit = SubmitField(_l("Turn On Two-Step Sign-In"))


class PasswordConfirmForm(FlaskyForm):
    password = PasswordField(_l("Password"), validators=[DataRequired()])
    submit = SubmitField(_l("Confirm"))
