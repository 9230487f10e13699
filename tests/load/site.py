"""What every load client knows about the site: the fake users' password, forms' CSRF tokens, links and cookies."""

import re
from http.cookiejar import Cookie

from requests.cookies import RequestsCookieJar

PASSWORD = "flasky-demo"
QUERIES_HEADER = "X-DB-Queries"
USER_LINK = re.compile(r'href="/user/([A-Za-z0-9_.]+)"')
POST_LINK = re.compile(r'href="/post/(\d+)"')
PAGE_LINK = re.compile(r"[?&]page=(\d+)")
CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')


def csrf_token(html: str) -> str | None:
    """The value of the first ``csrf_token`` hidden input of a page."""
    match = CSRF_INPUT.search(html)
    return (match.group(1) or match.group(2)) if match else None


class PlainHttpCookieJar(RequestsCookieJar):
    """Keeps the production config's Secure cookies usable over plain HTTP, as behind a TLS-terminating proxy."""

    def set_cookie(self, cookie: Cookie, *args, **kwargs) -> None:
        cookie.secure = False
        super().set_cookie(cookie, *args, **kwargs)
