"""Identicons: a symmetric 5 by 5 pattern and a colour, both read from an email hash, drawn as SVG."""

import colorsys
import re

HASH_LENGTH = 32
HASH_PATTERN = re.compile(rf"[0-9a-f]{{{HASH_LENGTH}}}")
GRID = 5
# Around the pattern, in cells, so it never touches the edge of a rounded avatar.
MARGIN = 0.5
BACKGROUND = "#f0f0f0"


def is_avatar_hash(value: str) -> bool:
    """Whether ``value`` is an email hash as avatar URLs carry it: 32 lower-case hexadecimal digits."""
    return HASH_PATTERN.fullmatch(value) is not None


def identicon_cells(digest: str) -> list[tuple[int, int]]:
    """The (column, row) cells filled for ``digest``: the left three columns from its digits, mirrored right."""
    cells = []
    half = (GRID + 1) // 2
    for column in range(half):
        for row in range(GRID):
            if int(digest[column * GRID + row], 16) % 2 == 0:
                cells.append((column, row))
                if column != GRID - 1 - column:
                    cells.append((GRID - 1 - column, row))
    return sorted(cells)


def identicon_colour(digest: str) -> str:
    """The colour of the pattern: a hue from the hash's last digits, dark enough to stand out on the background."""
    hue = int(digest[-7:], 16) / 0xFFFFFFF
    red, green, blue = colorsys.hls_to_rgb(hue, 0.45, 0.55)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def identicon_svg(digest: str, size: int) -> str:
    """The identicon of ``digest`` as an SVG document ``size`` pixels square; the same input gives the same bytes."""
    if not is_avatar_hash(digest):
        raise ValueError(f"not an avatar hash: {digest!r}")
    extent = GRID + 2 * MARGIN
    cells = "".join(
        f'<rect x="{column + MARGIN}" y="{row + MARGIN}" width="1" height="1"/>'
        for column, row in identicon_cells(digest)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 {extent} {extent}"'
        ' shape-rendering="crispEdges">'
        f'<rect width="{extent}" height="{extent}" fill="{BACKGROUND}"/>'
        f'<g fill="{identicon_colour(digest)}">{cells}</g>'
        "</svg>"
    )
