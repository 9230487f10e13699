"""Reading a page the test client got the way a reader clicks through it."""


def link_labelled(page: str, label: str) -> str:
    """The address of the page's link labelled ``label`` (``Next``, ``Previous``); ``#`` when it is disabled."""
    return page.split(f'aria-label="{label}"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
