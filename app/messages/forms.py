"""The form that writes a message; the service judges what is typed."""

from wtforms import SubmitField, TextAreaField
from wtforms.validators import DataRequired

from ..forms import FlaskyForm


class MessageForm(FlaskyForm):
    body = TextAreaField("Message", validators=[DataRequired()], description="Markdown works here, as in posts.")
    submit = SubmitField("Send")
