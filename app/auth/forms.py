"""Forms of the accounts pages. They parse what is typed; the account services judge it (``app.services.accounts``)."""

from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo

from ..forms import FlaskyForm

PASSWORDS_MUST_MATCH = "Passwords must match."


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email") -> EmailField:
    return EmailField(label, filters=[strip_whitespace], validators=[DataRequired()])


class LoginForm(FlaskyForm):
    email = email_field()
    password = PasswordField("Password", validators=[DataRequired()])
    remember_me = BooleanField("Keep me logged in")
    submit = SubmitField("Log In")


class RegistrationForm(FlaskyForm):
    email = email_field()
    username = StringField("Username", filters=[strip_whitespace], validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)])
    password2 = PasswordField("Confirm password", validators=[DataRequired()])
    submit = SubmitField("Register")


class ChangePasswordForm(FlaskyForm):
    old_password = PasswordField("Old password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)])
    password2 = PasswordField("Confirm new password", validators=[DataRequired()])
    submit = SubmitField("Update Password")


class PasswordResetRequestForm(FlaskyForm):
    email = email_field()
    submit = SubmitField("Reset Password")


class PasswordResetForm(FlaskyForm):
    password = PasswordField("New password", validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)])
    password2 = PasswordField("Confirm new password", validators=[DataRequired()])
    submit = SubmitField("Reset Password")


class ChangeEmailForm(FlaskyForm):
    email = email_field("New email")
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Update Email Address")


def code_field(label: str) -> StringField:
    """A one-time code, as an authenticator app shows it (browsers may fill it in from a text message, never here)."""
    return StringField(
        label, filters=[strip_whitespace], validators=[DataRequired()], render_kw={"autocomplete": "one-time-code"}
    )


class TwoFactorCodeForm(FlaskyForm):
    code = code_field("Code from your app, or a recovery code")
    submit = SubmitField("Log In")


class TwoFactorSetupForm(FlaskyForm):
    code = code_field("Code from your app")
    submit = SubmitField("Turn On Two-Step Sign-In")


class PasswordConfirmForm(FlaskyForm):
    password = PasswordField("Password", validators=[DataRequired()])
    submit = SubmitField("Confirm")
