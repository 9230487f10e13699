"""Forms of the accounts pages; each validator's message tells the user what to do."""

from flask_login import current_user
from wtforms import BooleanField, EmailField, PasswordField, StringField, SubmitField, ValidationError
from wtforms.validators import DataRequired, Email, EqualTo, Length, Regexp

from ..forms import FlaskyForm
from ..lookups import email_taken, username_taken
from ..validation import USERNAME_PATTERN, USERNAME_RULE

EMAIL_TAKEN_MESSAGE = "This email address is already registered."
PASSWORDS_MUST_MATCH = "Passwords must match."
NOT_YOUR_PASSWORD = "This is not your current password."


def strip_whitespace(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def email_field(label: str = "Email") -> EmailField:
    return EmailField(label, filters=[strip_whitespace], validators=[DataRequired(), Length(1, 120), Email()])


class LoginForm(FlaskyForm):
    email = email_field()
    password = PasswordField("Password", validators=[DataRequired()])
    remember_me = BooleanField("Keep me logged in")
    submit = SubmitField("Log In")


class RegistrationForm(FlaskyForm):
    email = email_field()
    username = StringField(
        "Username",
        filters=[strip_whitespace],
        validators=[DataRequired(), Length(1, 64), Regexp(USERNAME_PATTERN, message=f"Usernames {USERNAME_RULE}.")],
    )
    password = PasswordField("Password", validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)])
    password2 = PasswordField("Confirm password", validators=[DataRequired()])
    submit = SubmitField("Register")

    def validate_email(self, field: EmailField) -> None:
        if email_taken(field.data):
            raise ValidationError(EMAIL_TAKEN_MESSAGE + " Log in, or reset your password if you forgot it.")

    def validate_username(self, field: StringField) -> None:
        if username_taken(field.data):
            raise ValidationError("This username is already in use. Please choose another.")


class ChangePasswordForm(FlaskyForm):
    old_password = PasswordField("Old password", validators=[DataRequired()])
    password = PasswordField("New password", validators=[DataRequired(), EqualTo("password2", PASSWORDS_MUST_MATCH)])
    password2 = PasswordField("Confirm new password", validators=[DataRequired()])
    submit = SubmitField("Update Password")

    def validate_old_password(self, field: PasswordField) -> None:
        if not current_user.verify_password(field.data):
            raise ValidationError(NOT_YOUR_PASSWORD)


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

    def validate_email(self, field: EmailField) -> None:
        if email_taken(field.data):
            raise ValidationError(EMAIL_TAKEN_MESSAGE)

    def validate_password(self, field: PasswordField) -> None:
        if not current_user.verify_password(field.data):
            raise ValidationError(NOT_YOUR_PASSWORD)
