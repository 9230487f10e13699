"""Slugs: the URL form of a post's title, unique among posts."""

import re
import secrets
from collections.abc import Iterable

SLUG_LENGTH = 255
# Room left at the end of a slug for a suffix that makes it unique.
SUFFIX_ROOM = 12


def slugify(title: str) -> str:
    """The URL form of a title: lower-case words joined by hyphens."""
    slug = re.sub(r"[\W_]+", "-", title.lower()).strip("-")
    return slug[: SLUG_LENGTH - SUFFIX_ROOM].strip("-") or "post"


class SlugNumbering:
    """Slugs that are not ``taken``: ``title``, then ``title-2``, ``title-3``..., counted in memory, so that giving
    slugs to many posts at once (``flask fake``) stays fast."""

    def __init__(self, taken: Iterable[str]) -> None:
        self.taken = set(taken)
        self.counters: dict[str, int] = {}

    def for_title(self, title: str) -> str:
        base = slugify(title)
        while True:
            number = self.counters.get(base, 0) + 1
            self.counters[base] = number
            slug = base if number == 1 else f"{base}-{number}"
            if slug not in self.taken:
                self.taken.add(slug)
                return slug


def random_slug(base: str) -> str:
    """``base`` with a random suffix: for a title whose numbered slugs other writers are taking at this moment."""
    return f"{base}-{secrets.token_hex(4)}"
