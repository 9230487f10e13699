"""``flask translate compile`` builds the catalogues the site reads."""

from app.i18n import TRANSLATIONS_DIRECTORY


def test_translate_compile_builds_every_catalogue(runner):
    result = runner.invoke(args=["translate", "compile"])

    assert result.exit_code == 0, result.output
    assert "Catalogues compiled." in result.output
    for po_path in TRANSLATIONS_DIRECTORY.glob("*/LC_MESSAGES/messages.po"):
        assert po_path.with_suffix(".mo").stat().st_mtime >= po_path.stat().st_mtime


def test_translate_lists_its_commands(runner):
    result = runner.invoke(args=["translate", "--help"])

    assert result.exit_code == 0
    assert {"init", "update", "compile"} <= set(result.output.split())
