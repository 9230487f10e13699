"""The password policy at its bounds: 8 to 128 characters, with a message saying which bound was missed."""

import pytest

from app.passwords import password_problem


@pytest.mark.parametrize("length", [8, 9, 127, 128])
def test_passwords_of_8_to_128_characters_are_accepted(length):
    assert password_problem("a" * length) is None


def test_a_password_of_7_characters_is_too_short():
    assert str(password_problem("a" * 7)) == "is too short (minimum is 8 characters)"


def test_a_password_of_129_characters_is_too_long():
    assert str(password_problem("a" * 129)) == "is too long (maximum is 128 characters)"
