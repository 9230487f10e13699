"""Forms of the pages: posts, comments and profiles."""

from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Email, Length, Optional, Regexp
from wtforms.validators import ValidationError as FormValidationError

from ..exceptions import ValidationError
from ..extensions import db
from ..forms import FlaskyForm
from ..lookups import email_taken, username_taken
from ..models import TITLE_LENGTH, Role, Tag, User
from ..validation import USERNAME_PATTERN, USERNAME_RULE


def blank_as_none(value: str | None) -> str | None:
    """The text without surrounding spaces, or ``None`` when nothing is left."""
    return (value or "").strip() or None


class PostForm(FlaskyForm):
    title = StringField(
        "Title",
        filters=[blank_as_none],
        validators=[Optional(), Length(max=TITLE_LENGTH)],
        description="Leave it blank to use the first line of the post.",
    )
    body = TextAreaField("What's on your mind?", validators=[DataRequired()])
    tags = StringField("Tags", description="Separate tags with commas.")
    preview = SubmitField("Preview")
    submit = SubmitField("Submit")

    def validate_tags(self, field: StringField) -> None:
        try:
            Tag.split(field.data)
        except ValidationError as error:
            raise FormValidationError(str(error)) from error


class CommentForm(FlaskyForm):
    body = StringField("Enter your comment", validators=[DataRequired()])
    submit = SubmitField("Submit")


class EditProfileForm(FlaskyForm):
    name = StringField("Real name", validators=[Optional(), Length(max=64)])
    location = StringField("Location", validators=[Optional(), Length(max=64)])
    about_me = TextAreaField("About me")
    submit = SubmitField("Submit")


class EditProfileAdminForm(FlaskyForm):
    email = StringField("Email", validators=[DataRequired(), Length(max=120), Email()])
    username = StringField(
        "Username",
        validators=[DataRequired(), Length(max=64), Regexp(USERNAME_PATTERN, message=f"Usernames {USERNAME_RULE}.")],
    )
    confirmed = BooleanField("Confirmed")
    role = SelectField("Role", coerce=int)
    name = StringField("Real name", validators=[Optional(), Length(max=64)])
    location = StringField("Location", validators=[Optional(), Length(max=64)])
    about_me = TextAreaField("About me")
    submit = SubmitField("Submit")

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.id, role.name) for role in db.session.scalars(select(Role).order_by(Role.name))]
        self.user = user
        if not self.is_submitted():
            self.role.data = user.role_id

    def validate_email(self, field: StringField) -> None:
        if email_taken(field.data, by_other_than=self.user):
            raise FormValidationError("Email already registered.")

    def validate_username(self, field: StringField) -> None:
        if username_taken(field.data, by_other_than=self.user):
            raise FormValidationError("Username already in use.")
