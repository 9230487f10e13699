"""The catalogues: Spanish translates every message the sources hold, and they are built when the app starts."""

import json
import os
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from app.exceptions import N_
from app.i18n import TRANSLATIONS_DIRECTORY, compile_catalogues, extract_messages, translated
from config import Config

LANGUAGES = [language for language in Config.FLASKY_LANGUAGES if language != Config.BABEL_DEFAULT_LOCALE]


def catalogue(language: str):
    with (TRANSLATIONS_DIRECTORY / language / "LC_MESSAGES" / "messages.po").open("rb") as po_file:
        return read_po(po_file, locale=language)


def message_ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The messages the sources hold now, extracted as ``flask translate update`` does."""
    template = tmp_path_factory.mktemp("extracted") / "messages.pot"
    extract_messages(template)
    with template.open("rb") as pot_file:
        return read_po(pot_file)


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_catalogue_holds_exactly_the_messages_of_the_sources(extracted, language):
    held = message_ids(catalogue(language))
    wanted = message_ids(extracted)
    assert sorted(map(str, wanted - held)) == [], "new messages: run flask translate update, then translate them"
    assert sorted(map(str, held - wanted)) == [], "messages gone from the sources: run flask translate update"


def test_the_template_in_the_repository_matches_the_sources(extracted):
    with (TRANSLATIONS_DIRECTORY / "messages.pot").open("rb") as pot_file:
        assert message_ids(read_po(pot_file)) == message_ids(extracted), "run flask translate update"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    untranslated = [
        message.id
        for message in catalogue(language)
        if message.id and (not all(message.string) if isinstance(message.string, tuple) else not message.string)
    ]
    fuzzy = [message.id for message in catalogue(language) if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_the_placeholders_of_its_message(language):
    catalog = catalogue(language)
    problems = [(message.id, [str(error) for error in errors]) for message, errors in catalog.check()]
    assert problems == []


def copy_of_the_catalogues(directory: Path) -> Path:
    for po_path in TRANSLATIONS_DIRECTORY.glob("*/LC_MESSAGES/messages.po"):
        copy = directory / po_path.relative_to(TRANSLATIONS_DIRECTORY)
        copy.parent.mkdir(parents=True)
        copy.write_bytes(po_path.read_bytes())
    return directory


def test_a_missing_compiled_catalogue_is_built(tmp_path):
    directory = copy_of_the_catalogues(tmp_path)

    written = compile_catalogues(directory)

    assert written == sorted(directory.glob("*/LC_MESSAGES/messages.mo"))
    assert all(path.stat().st_size > 0 for path in written)


def test_an_up_to_date_compiled_catalogue_is_left_alone(tmp_path):
    directory = copy_of_the_catalogues(tmp_path)
    compile_catalogues(directory)

    assert compile_catalogues(directory) == []


def test_a_compiled_catalogue_older_than_its_source_is_built_again(tmp_path):
    directory = copy_of_the_catalogues(tmp_path)
    [compiled] = compile_catalogues(directory)
    source = compiled.with_suffix(".po")
    os.utime(compiled, (source.stat().st_mtime - 60, source.stat().st_mtime - 60))

    assert compile_catalogues(directory) == [compiled]


def test_a_domain_message_is_its_english_text_for_the_apis(app):
    message = N_("is too long (maximum is %(maximum)d characters)", maximum=64)

    assert message == "is too long (maximum is 64 characters)"
    assert json.loads(json.dumps({"title": [message]})) == {"title": ["is too long (maximum is 64 characters)"]}


def test_a_page_shows_a_domain_message_in_the_readers_language(app):
    message = N_("is too long (maximum is %(maximum)d characters)", maximum=64)

    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert translated(message) == "tiene demasiados caracteres (el máximo son 64)"


def test_a_domain_message_naming_an_action_translates_the_action_too(app):
    message = N_("You cannot %(action)s yourself.", action=N_("follow"))

    assert message == "You cannot follow yourself."
    with app.test_request_context(headers={"Accept-Language": "es"}):
        assert translated(message) == "No puedes seguirte a ti mismo."


def test_a_catalogue_that_cannot_be_written_is_logged_and_left_out(tmp_path, monkeypatch, caplog):
    directory = copy_of_the_catalogues(tmp_path)

    def read_only(*_arguments):
        raise PermissionError("Read-only file system")

    monkeypatch.setattr("app.i18n.write_mo", read_only)

    assert compile_catalogues(directory) == []
    assert "Could not compile" in caplog.text
    assert list(directory.glob("*/LC_MESSAGES/messages.mo*")) == []
