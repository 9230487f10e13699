"""The base of every web form: Flask-WTF's CSRF protection plus checks that hold for all text."""

from typing import Any

from flask_wtf import FlaskForm

NUL_MESSAGE = "Text cannot contain NUL characters."


class FlaskyForm(FlaskForm):
    """A form that refuses NUL characters in any text field, which no database column can store."""

    def validate(self, extra_validators: Any = None) -> bool:
        # Checked first, so that no field validator sends such text to the database.
        fields_with_nul = [field for field in self if isinstance(field.data, str) and "\x00" in field.data]
        for field in fields_with_nul:
            field.errors = [NUL_MESSAGE]
        if fields_with_nul:
            return False
        return super().validate(extra_validators=extra_validators)
