"""Identicons: the same email hash always draws the same picture, a valid SVG of the size asked for."""

import xml.etree.ElementTree as ET

import pytest

from app.avatars.identicon import GRID, identicon_cells, identicon_colour, identicon_svg, is_avatar_hash
from app.models import gravatar_hash

SVG = "{http://www.w3.org/2000/svg}"
SUSAN = gravatar_hash("susan@example.com")


def parse(svg: str) -> ET.Element:
    """The SVG as a tree; our own output, so the standard parser is safe here."""
    return ET.fromstring(svg)  # noqa: S314


JOHN = gravatar_hash("john@example.com")


def test_the_same_hash_and_size_give_the_same_bytes():
    assert identicon_svg(SUSAN, 80) == identicon_svg(SUSAN, 80)


def test_different_hashes_give_different_pictures():
    assert identicon_svg(SUSAN, 80) != identicon_svg(JOHN, 80)


def test_the_svg_is_a_document_of_the_size_asked_for():
    root = parse(identicon_svg(SUSAN, 64))
    assert root.tag == f"{SVG}svg"
    assert (root.get("width"), root.get("height")) == ("64", "64")


def test_the_svg_draws_one_square_per_filled_cell_in_the_hash_colour():
    root = parse(identicon_svg(SUSAN, 64))
    pattern = root.find(f"{SVG}g")
    assert pattern.get("fill") == identicon_colour(SUSAN)
    assert len(pattern.findall(f"{SVG}rect")) == len(identicon_cells(SUSAN))


def test_the_pattern_is_mirrored_left_to_right():
    cells = set(identicon_cells(SUSAN))
    assert cells == {(GRID - 1 - column, row) for column, row in cells}


def test_the_colour_is_a_hex_rgb_colour():
    assert all(len(colour) == 7 and colour[0] == "#" for colour in (identicon_colour(SUSAN), identicon_colour(JOHN)))
    assert identicon_colour(SUSAN) != identicon_colour(JOHN)


def test_a_hash_is_32_lower_case_hexadecimal_digits():
    assert is_avatar_hash(SUSAN)
    assert not is_avatar_hash(SUSAN.upper())
    assert not is_avatar_hash(SUSAN[:-1])
    assert not is_avatar_hash(SUSAN + "0")
    assert not is_avatar_hash("g" * 32)


def test_drawing_refuses_what_is_not_a_hash():
    with pytest.raises(ValueError, match="not an avatar hash"):
        identicon_svg("../../etc/passwd", 10)
