"""The footer's language switch: the language chosen and the page to go back to."""

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, SubmitField

from ..forms import FlaskyForm
from ..i18n import language_choices


class LanguageForm(FlaskyForm):
    language = SelectField(_l("Language"), choices=language_choices)
    next = HiddenField()
    submit = SubmitField(_l("Change"))
