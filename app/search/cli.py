"""``flask search reindex``: build the full-text indexes again, for a database whose indexes are missing or stale."""

import click

from ..extensions import db
from ..models import rebuild_search_index
from . import search


@search.cli.command("reindex")
def reindex() -> None:
    """Rebuild the full-text indexes from every post's title and body and every user's username and name."""
    with db.engine.begin() as connection:
        posts, users = rebuild_search_index(connection)
    click.echo(f"Search indexes rebuilt: {posts} post(s) and {users} user(s) indexed.")
