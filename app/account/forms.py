"""The form that deletes an account; the service checks the password."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired

from ..forms import FlaskyForm


class DeleteAccountForm(FlaskyForm):
    password = PasswordField(_l("Your password"), validators=[DataRequired()])
    confirm = BooleanField(
        _l("I understand: the posts, comments and messages go for good."),
        validators=[DataRequired(message=_l("Tick the box to confirm."))],
    )
    submit = SubmitField(_l("Delete the account"))
