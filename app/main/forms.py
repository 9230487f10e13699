"""Forms of the pages: posts, comments and profiles. They parse what is typed; the services judge it."""

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import BooleanField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import ValidationError as FormValidationError

from ..exceptions import ValidationError
from ..extensions import db
from ..forms import FlaskyForm
from ..i18n import language_choices, translated
from ..models import Role, Tag, User

# The standard roles as the profile editor names them; the stored names (``Role.ROLES``) stay English.
ROLE_NAMES = {"User": _l("User"), "Moderator": _l("Moderator"), "Administrator": _l("Administrator")}


def blank_as_none(value: str | None) -> str | None:
    """The text without surrounding spaces, or ``None`` when nothing is left."""
    return (value or "").strip() or None


class PostForm(FlaskyForm):
    same_for_everyone = True
    title = StringField(
        _l("Title"), filters=[blank_as_none], description=_l("Leave it blank to use the first line of the post.")
    )
    body = TextAreaField(_l("What's on your mind?"), validators=[DataRequired()])
    tags = StringField(
        _l("Tags"), description=_l('Separate tags with commas; write a tag that has a comma "in quotes".')
    )
    preview = SubmitField(_l("Preview"))
    submit = SubmitField(_l("Submit"))

    tag_names: list[str] = []

    def validate_tags(self, field: StringField) -> None:
        """Read the typed tags into ``tag_names``, as ``Tag.split`` reads them."""
        try:
            self.tag_names = Tag.split(field.data)
        except ValidationError as error:
            raise FormValidationError(translated(error.message)) from error


class CommentForm(FlaskyForm):
    same_for_everyone = True
    body = StringField(_l("Enter your comment"), validators=[DataRequired()])
    submit = SubmitField(_l("Submit"))


def profile_language_choices() -> list[tuple[str, str]]:
    """The site's languages, and following the browser's."""
    return [("", _l("The browser's language")), *language_choices()]


class EditProfileForm(FlaskyForm):
    name = StringField(_l("Real name"))
    location = StringField(_l("Location"))
    about_me = TextAreaField(_l("About me"))
    # The service judges the choice (``accounts.update_account``), as it does for every interface.
    locale = SelectField(_l("Language"), choices=profile_language_choices, validate_choice=False)
    submit = SubmitField(_l("Submit"))


class EditProfileAdminForm(FlaskyForm):
    email = StringField(_l("Email"), validators=[DataRequired()])
    username = StringField(_l("Username"), validators=[DataRequired()])
    confirmed = BooleanField(_l("Confirmed"))
    role = SelectField(_l("Role"), coerce=int)
    name = StringField(_l("Real name"))
    location = StringField(_l("Location"))
    about_me = TextAreaField(_l("About me"))
    submit = SubmitField(_l("Submit"))

    def __init__(self, user: User, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.role.choices = [
            (role.id, ROLE_NAMES.get(role.name, role.name))
            for role in db.session.scalars(select(Role).order_by(Role.name))
        ]
        if not self.is_submitted():
            self.role.data = user.role_id
