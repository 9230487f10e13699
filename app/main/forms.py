"""Forms of the pages: posts, comments and profiles. They parse what is typed; the services judge it."""

from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import ValidationError as FormValidationError

from ..exceptions import ValidationError
from ..extensions import db
from ..forms import FlaskyForm
from ..models import Role, Tag, User


def blank_as_none(value: str | None) -> str | None:
    """The text without surrounding spaces, or ``None`` when nothing is left."""
    return (value or "").strip() or None


class PostForm(FlaskyForm):
    title = StringField(
        "Title", filters=[blank_as_none], description="Leave it blank to use the first line of the post."
    )
    body = TextAreaField("What's on your mind?", validators=[DataRequired()])
    tags = StringField("Tags", description='Separate tags with commas; write a tag that has a comma "in quotes".')
    preview = SubmitField("Preview")
    submit = SubmitField("Submit")

    tag_names: list[str] = []

    def validate_tags(self, field: StringField) -> None:
        """Read the typed tags into ``tag_names``, as ``Tag.split`` reads them."""
        try:
            self.tag_names = Tag.split(field.data)
        except ValidationError as error:
            raise FormValidationError(str(error)) from error


class CommentForm(FlaskyForm):
    body = StringField("Enter your comment", validators=[DataRequired()])
    submit = SubmitField("Submit")


class EditProfileForm(FlaskyForm):
    name = StringField("Real name")
    location = StringField("Location")
    about_me = TextAreaField("About me")
    submit = SubmitField("Submit")


class EditProfileAdminForm(FlaskyForm):
    email = StringField("Email", validators=[DataRequired()])
    username = StringField("Username", validators=[DataRequired()])
    confirmed = BooleanField("Confirmed")
    role = SelectField("Role", coerce=int)
    name = StringField("Real name")
    location = StringField("Location")
    about_me = TextAreaField("About me")
    submit = SubmitField("Submit")

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [(role.id, role.name) for role in db.session.scalars(select(Role).order_by(Role.name))]
        if not self.is_submitted():
            self.role.data = user.role_id
