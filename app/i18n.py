"""The site's languages: which one a request is answered in, the catalogues it is answered from, and the domain
layer's English messages shown in the reader's language."""

import logging
import os
from pathlib import Path

from babel import Locale
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale, get_translations, gettext
from flask_login import current_user
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .exceptions import Message
from .extensions import login_manager

logger = logging.getLogger(__name__)

PROJECT_DIRECTORY = Path(__file__).resolve().parent.parent
TRANSLATIONS_DIRECTORY = Path(__file__).resolve().parent / "translations"
# Besides pybabel's own (_, gettext, ngettext, N_...): lazy_gettext for form labels and module constants.
EXTRA_KEYWORDS = ("lazy_gettext", "_l")


def select_locale() -> str:
    """The language of this request: the user's own setting, else the footer's cookie, else the browser's best
    match, else the default (English)."""
    languages = current_app.config["FLASKY_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    if not has_request_context():
        return default
    # The page has loaded current_user already (its menu shows it): asking again costs no query.
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return language_without_user()


def language_without_user() -> str:
    """The footer's cookie, else the browser's best match, else the default: what needs no database."""
    languages = current_app.config["FLASKY_LANGUAGES"]
    default = current_app.config["BABEL_DEFAULT_LOCALE"]
    chosen = request.cookies.get(current_app.config["FLASKY_LOCALE_COOKIE"])
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or default


def language_name(code: str) -> str:
    """A language's name in itself, such as "English" or "Español"."""
    name = Locale.parse(code).get_display_name(code)
    return name[:1].upper() + name[1:]


def language_choices() -> list[tuple[str, str]]:
    """Every language the site speaks, as (code, name) choices for a form."""
    return [(code, language_name(code)) for code in current_app.config["FLASKY_LANGUAGES"]]


def current_language() -> str:
    """The language code of this request, for ``<html lang>`` and moment.js."""
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def translated(message: str) -> str:
    """A domain message in the reader's language: APIs send it in English as it is; web pages show it so."""
    if isinstance(message, Message):
        # A value may be a message too, such as the action in "You cannot %(action)s.".
        values = {
            name: translated(value) if isinstance(value, Message) else value for name, value in message.params.items()
        }
        return gettext(message.msgid, **values)
    return gettext(message) if message else message


@pass_context
def template_gettext(context: Context, string: str, **variables: object) -> str:
    """Jinja's ``_`` and ``gettext`` (as its ``newstyle`` ones do) from the catalogue the render was given."""
    return formatted(context, context["render_translations"].ugettext(string), variables)


@pass_context
def template_ngettext(context: Context, singular: str, plural: str, num: int, **variables: object) -> str:
    """Jinja's ``ngettext`` (as its ``newstyle`` one does) from the catalogue the render was given."""
    variables.setdefault("num", num)
    return formatted(context, context["render_translations"].ungettext(singular, plural, num), variables)


def formatted(context: Context, message: str, variables: dict[str, object]) -> str:
    """The message with its values, escaped as the template escapes (as Jinja's own ``newstyle`` functions do)."""
    if context.eval_ctx.autoescape:
        message = Markup(message)  # noqa: S704 - the catalogue's own text, trusted as Jinja's i18n trusts it
    return message % variables


def render_translations() -> dict[str, object]:
    """The catalogue of the language in force, looked up once per render: Flask-Babel's own template functions
    look it up afresh for each of a page's messages (through its request context, three times each)."""
    return {
        "render_translations": get_translations(),
        "gettext": template_gettext,
        "ngettext": template_ngettext,
    }


def pybabel(*arguments: str) -> None:
    """Run a ``pybabel`` command (extract, init, update, compile) in this process, from the project directory."""
    previous = Path.cwd()
    os.chdir(PROJECT_DIRECTORY)
    try:
        CommandLineInterface().run(["pybabel", "--quiet", *arguments])
    finally:
        os.chdir(previous)


def extract_messages(template: Path) -> None:
    """Write every translatable message of the sources (``babel.cfg``) to ``template``, a ``.pot`` file."""
    keywords = [argument for keyword in EXTRA_KEYWORDS for argument in ("-k", keyword)]
    pybabel(
        "extract", "-F", "babel.cfg", *keywords, "--add-location=file", "--sort-output", "--no-wrap",
        "--project=Flasky", "--copyright-holder=the Flasky authors", "-o", str(template), ".",
    )  # fmt: skip


def compile_catalogues(directory: Path = TRANSLATIONS_DIRECTORY) -> list[Path]:
    """Write each ``messages.mo`` that is missing or older than its ``messages.po``; return those written.

    The ``.mo`` files are built, never committed, so that a clean clone speaks every language from its first start.
    Where the code is read-only (the Docker image builds them as it is made), one that cannot be written is logged
    and that language falls back to English.
    """
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/messages.po")):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # Written aside and moved in place, so that workers starting together never read half a file.
        partial = mo_path.with_name(f"messages.mo.{os.getpid()}")
        try:
            with partial.open("wb") as mo_file:
                write_mo(mo_file, catalog)
            partial.replace(mo_path)
        except OSError as error:
            partial.unlink(missing_ok=True)
            logger.warning(
                "Could not compile %s (%s): run flask translate compile where it can be written", po_path, error
            )
            continue
        written.append(mo_path)
    return written


def init_i18n(app: Flask) -> None:
    """Translate Flask-Login's messages, give templates the language."""
    login_manager.localize_callback = gettext
    app.jinja_env.globals.update(
        current_language=current_language, language_choices=language_choices, language_name=language_name
    )
    app.context_processor(render_translations)
