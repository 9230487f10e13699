"""The form that deletes an account; the service checks the password."""

from wtforms import BooleanField, PasswordField, SubmitField
from wtforms.validators import DataRequired

from ..forms import FlaskyForm


class DeleteAccountForm(FlaskyForm):
    password = PasswordField("Your password", validators=[DataRequired()])
    confirm = BooleanField(
        "I understand: the posts, comments and messages go for good.",
        validators=[DataRequired(message="Tick the box to confirm.")],
    )
    submit = SubmitField("Delete the account")
