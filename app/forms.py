"""The base of every web form, and the way a domain error's field messages reach the form's fields."""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, flash, redirect, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from werkzeug.wrappers import Response
from wtforms import Field

from .exceptions import Conflict, DomainError, Invalid, Message
from .extensions import csrf
from .i18n import translated
from .lookups import user_named
from .models import User
from .validation import STORABLE_RULE, is_storable

# Where an app keeps the fields of blank forms that render the same for every visitor: (class, name, language).
KEPT_FIELDS = "flasky.kept_fields"
SUBMIT_AGAIN = _l("This form had expired, so nothing was saved. Your text is still here: please submit it again.")


class FlaskyForm(FlaskForm):
    """A form that checks its CSRF token itself and refuses text no database column can store.

    Views that keep a form's typed text when its token went stale (``csrf.exempt``) rely on the first check; on
    the others Flask-WTF has already checked the same token before the view ran.
    """

    # True where a blank form's fields (labels, descriptions, no choices or defaults of anybody's) are the same for
    # every visitor but its CSRF token: the home page's post form and the post page's comment form.
    same_for_everyone = False

    def validate(self, extra_validators: Any = None) -> bool:
        if self.meta.csrf:
            try:
                csrf.protect()
            except CSRFError:
                self.csrf_token.errors = [SUBMIT_AGAIN]
                return False
        # Checked before any field validator, so that none of them sends such text on to a query.
        unstorable = [field for field in self if isinstance(field.data, str) and not is_storable(field.data)]
        for field in unstorable:
            field.errors = [field_message(field, STORABLE_RULE)]
        if unstorable:
            return False
        return super().validate(extra_validators=extra_validators)

    @property
    def expired(self) -> bool:
        """Whether the form was refused for its CSRF token: expired, or of a session replaced since."""
        return bool(self.meta.csrf and self.csrf_token.errors)


def kept_field(form: FlaskForm, field: Field, caller: Callable[[], str]) -> Markup:
    """``field`` as ``caller`` renders it, kept once per language while it is blank on a ``same_for_everyone`` form."""
    blank = (
        getattr(form, "same_for_everyone", False)
        and field.type != "CSRFTokenField"
        and not form.is_submitted()
        and not field.raw_data
        and (field.data is None or field.data is False or field.data == "")
        and not field.errors
    )
    if not blank:
        return caller()
    kept: dict[tuple[type, str, str], str] = current_app.extensions[KEPT_FIELDS]
    key = (type(form), field.name, str(get_locale()))
    html = kept.get(key)
    if html is None:
        html = kept[key] = str(caller())
    # Rendered by _forms.html, escaped there, and kept only here.
    return Markup(html)  # noqa: S704


def init_forms(app: Flask) -> None:
    """Give templates ``kept_field``, keeping the fields it renders once for this app."""
    app.extensions[KEPT_FIELDS] = {}
    app.jinja_env.globals["kept_field"] = kept_field


def field_message(field: Field, message: str) -> str:
    """A domain message such as ``has already been taken`` as a sentence about ``field``, in the reader's language."""
    return _("%(field)s %(problem)s.", field=field.label.text, problem=translated(message))


def show_domain_errors(form: FlaskForm, error: DomainError, renamed: Mapping[str, str] | None = None) -> None:
    """Put each field message of ``error`` on the form field it is about; ``renamed`` maps domain names to fields.

    What is about no field of the form is flashed, so that it is never lost: the error's own message when it has one
    (it reads whole in every language), else each field's message after the field's name.
    """
    renamed = renamed or {}
    unplaced: dict[str, list[str]] = {}
    for name, messages in error.errors.items():
        field = form._fields.get(renamed.get(name, name))
        if field is None:
            unplaced[name] = messages
        else:
            field.errors = [*field.errors, *(field_message(field, message) for message in messages)]
    if isinstance(error.message, Message) and (unplaced or not error.errors):
        flash(translated(error.message), "danger")
        return
    for name, messages in unplaced.items():
        for message in messages:
            flash(
                _("%(field)s %(problem)s.", field=name.replace("_", " ").capitalize(), problem=translated(message)),
                "danger",
            )
    if not error.errors:
        flash(translated(error.message), "danger")


@contextmanager
def refusals_shown_on(form: FlaskForm, renamed: Mapping[str, str] | None = None) -> Iterator[None]:
    """Run the block; when a service refuses it (``Invalid``, ``Conflict``), show why on ``form`` and go on after it.

    So a view writes the happy path inside the block, ending in its redirect, and renders the form again below.
    """
    try:
        yield
    except (Invalid, Conflict) as error:
        show_domain_errors(form, error, renamed)


def toggle_on_profile(action: Callable[[Any, User], bool], username: str, done: str, already: str) -> Response:
    """Run a toggle such as follow or block by the signed-in user on the user ``username``, flash what it did, and go
    back to that user's profile.

    The message is ``done`` (which may name the user as ``%(username)s``), ``already`` (nothing to change), or the
    domain's refusal of an invalid one (such as following yourself).
    """
    user = user_named(username)
    try:
        if action(current_user, user):
            flash(done % {"username": user.username}, "success")
        else:
            flash(already, "info")
    except Invalid as error:
        flash(translated(error.message), "warning")
    return redirect(url_for("main.user", username=user.username))
