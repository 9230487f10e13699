"""The form that writes a message; the service judges what is typed."""

from flask_babel import lazy_gettext as _l
from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired

from ..forms import FlaskyForm


class MessageForm(FlaskyForm):
    body = TextAreaField(
        _l("Message"), validators=[DataRequired()], description=_l("Markdown works here, as in posts.")
    )
    submit = SubmitField(_l("Send"))
