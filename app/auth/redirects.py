"""Where to send a user after logging in: only ever to a path on this site."""

import unicodedata


def is_safe_next(target: str | None) -> bool:
    """True only for a path on this site, such as ``/user/john?page=2``; never for a scheme or a host.

    A path starts with one ``/``; anything else either names a scheme (``https:``, ``javascript:``) or is
    relative to the login page. Browsers forgive a lot: they drop tabs and newlines inside URLs, read a
    backslash as ``/`` and take any run of leading slashes as the start of a host, so ``//evil.example``,
    ``////evil.example``, ``/\\evil.example`` and ``/<tab>/evil.example`` all lead off-site. A second leading
    slash, any whitespace or control character and any backslash are therefore refused outright, never cleaned up.
    """
    if not target or not target.startswith("/") or target.startswith("//"):
        return False
    return "\\" not in target and not any(is_invisible(char) for char in target)


def is_invisible(char: str) -> bool:
    """Whitespace or a control or format character, which a browser may drop from a URL."""
    return char.isspace() or unicodedata.category(char).startswith("C")
