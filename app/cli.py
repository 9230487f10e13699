"""Commands added to ``flask``: ``deploy``, ``fake``, ``mail failed`` and ``mail retry``, ``translate init``,
``translate update`` and ``translate compile``, ``sessions purge``."""

import time

import click
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import func, insert, select

from . import fake as fake_data
from . import i18n, outbox
from .email import MAIL_TASK
from .extensions import db
from .models import Follow, Role, User
from .services import sessions
from .statistics import analyze


def repair_self_follows() -> int:
    """Make every user follow itself, so its own posts are in its feed. Returns the rows added."""
    missing = select(User.id, User.id).where(
        ~select(Follow.follower_id).where(Follow.follower_id == User.id, Follow.followed_id == User.id).exists()
    )
    count = db.session.scalar(select(func.count()).select_from(missing.subquery()))
    if count:
        db.session.execute(insert(Follow).from_select(["follower_id", "followed_id"], missing))
        db.session.commit()
    return count


def register_commands(app: Flask) -> None:
    @app.cli.command()
    def deploy() -> None:
        """Upgrade the database, insert roles, repair self-follows and bring the planner's statistics up to date."""
        upgrade()
        Role.insert_roles()
        added = repair_self_follows()
        # A release may follow a bulk import or a migration that rewrote tables: plan from what they hold now.
        analyze()
        click.echo(f"Database at head, roles in place, {added} self-follow(s) repaired. Planner statistics updated.")

    @app.cli.command()
    @click.option("--users", default=100, show_default=True, type=click.IntRange(min=0), help="Users to add.")
    @click.option("--posts", default=1000, show_default=True, type=click.IntRange(min=0), help="Posts to add.")
    @click.option("--follows", default=20, show_default=True, type=click.IntRange(min=0), help="Follows per new user.")
    @click.option("--comments", type=click.IntRange(min=0), help="Comments to add [default: 3 per post].")
    @click.option("--seed", type=int, help="Seed for the same data on every run.")
    @click.option("--if-empty", is_flag=True, help="Do nothing when the database already has users.")
    def fake(users: int, posts: int, follows: int, comments: int | None, seed: int | None, if_empty: bool) -> None:
        """Add realistic fake users, posts, follows and comments."""
        if if_empty and db.session.scalar(select(User.id).limit(1)) is not None:
            click.echo(f"The database has users already: log in as demo@example.com / {fake_data.DEMO_PASSWORD!r}.")
            return
        started = time.perf_counter()
        counts = fake_data.generate(users=users, posts=posts, follows_per_user=follows, comments=comments, seed=seed)
        elapsed = time.perf_counter() - started
        click.echo(
            f"Added {counts.users} users, {counts.posts} posts, {counts.follows} follows "
            f"and {counts.comments} comments in {elapsed:.1f} s."
        )
        accounts = ", ".join(email for email, _, _ in fake_data.DEMO_ACCOUNTS)
        click.echo(f"Log in as {accounts} (or any fake user) with the password {fake_data.DEMO_PASSWORD!r}.")

    @app.cli.group()
    def mail() -> None:
        """Mail that could not be sent: list it, and send it again."""

    @mail.command("failed")
    def mail_failed() -> None:
        """List the mails every attempt failed to send, with the last error."""
        messages = outbox.failed_messages(MAIL_TASK)
        for message in messages:
            click.echo(
                f"{message.id}\t{message.created_at:%Y-%m-%d %H:%M:%S}\t{message.attempts} attempts\t{message.summary}"
            )
            click.echo(f"\tlast error: {message.last_error}")
        click.echo(f"{len(messages)} failed mail(s). Send them again with: flask mail retry --all (or the ids).")

    @mail.command("retry")
    @click.argument("ids", nargs=-1, type=int)
    @click.option("--all", "every", is_flag=True, help="Every failed mail.")
    def mail_retry(ids: tuple[int, ...], every: bool) -> None:
        """Send failed mails again (those with the given ids, or --all), with every attempt back."""
        if not ids and not every:
            raise click.UsageError("Name the ids of the mails to send again (flask mail failed lists them), or --all.")
        requeued = outbox.retry_failed(MAIL_TASK, None if every else ids)
        handed_over = outbox.drain()
        click.echo(f"{requeued} mail(s) to send again; {handed_over} handed over for delivery now.")

    @app.cli.group()
    def translate() -> None:
        """Translations: extract the messages, start or update a language's catalogue, compile them all."""

    @translate.command("init")
    @click.argument("language")
    def translate_init(language: str) -> None:
        """Start the catalogue of a new language, such as "fr", from the sources' messages."""
        i18n.extract_messages(i18n.TRANSLATIONS_DIRECTORY / "messages.pot")
        i18n.pybabel("init", "-i", "app/translations/messages.pot", "-d", "app/translations", "-l", language)
        click.echo(f"Started app/translations/{language}/LC_MESSAGES/messages.po: translate it, then add "
                   f"{language!r} to FLASKY_LANGUAGES in config.py.")  # fmt: skip

    @translate.command("update")
    def translate_update() -> None:
        """Extract the sources' messages again and merge them into every language's catalogue."""
        i18n.extract_messages(i18n.TRANSLATIONS_DIRECTORY / "messages.pot")
        i18n.pybabel("update", "-i", "app/translations/messages.pot", "-d", "app/translations", "--no-wrap")
        click.echo("Catalogues updated: translate the new and fuzzy messages, then run flask translate compile.")

    @translate.command("compile")
    def translate_compile() -> None:
        """Compile every language's catalogue (``.po``) to the ``.mo`` file the site reads."""
        i18n.pybabel("compile", "-d", "app/translations", "--statistics")
        click.echo("Catalogues compiled.")

    @app.cli.group("sessions")
    def sessions_group() -> None:
        """Sessions and tokens."""

    @sessions_group.command()
    def purge() -> None:
        """Delete expired and revoked sessions and tokens."""
        click.echo(f"Deleted {sessions.purge()} expired or revoked session(s) and token(s).")
