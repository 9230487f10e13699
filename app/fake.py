"""Realistic fake data for demos, benchmarks and load tests, inserted in bulk."""

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from faker import Faker
from psycopg import sql
from sqlalchemy import func, insert, select
from werkzeug.security import generate_password_hash

from .extensions import db
from .markdown import render_markdown
from .models import Comment, Follow, Post, Role, User, gravatar_hash
from .passwords import password_hash_method
from .slugs import SlugNumbering
from .statistics import analyze
from .timestamps import utcnow

DEMO_PASSWORD = "flasky-demo"
DEMO_ACCOUNTS = (
    ("demo@example.com", "demo", "User"),
    ("moderator@example.com", "moderator", "Moderator"),
    ("admin@example.com", "admin", "Administrator"),
)
POOL_SIZE = 500
# Fake users the demo accounts follow, so their Followed tab has posts at once.
DEMO_FOLLOWS = 5
# Words worth typing into the search box: posts talk about these, among Faker's filler.
TOPICS = (
    "Flask",
    "Python",
    "SQLAlchemy",
    "Jinja templates",
    "PostgreSQL",
    "unit testing",
    "deployment",
    "coffee",
    "sourdough",
    "hiking",
    "photography",
    "gardening",
    "jazz",
    "chess",
    "astronomy",
    "cycling",
)
# The language of the first fake user: the demo shows a reader who prefers Spanish.
SPANISH = "es"
BATCH_SIZE = 5000
# SQLite's page cache while fake data is inserted, in KiB (negative PRAGMA cache_size): 512 MiB at most, in use.
FAKE_SQLITE_CACHE_KIB = 512 * 1024


@dataclass
class FakeCounts:
    users: int
    posts: int
    follows: int
    comments: int


def _batches(rows: list[dict], size: int = BATCH_SIZE):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _insert(model, rows: list[dict]) -> None:
    """Insert complete rows the fastest way each engine has: COPY on PostgreSQL, executemany elsewhere."""
    if not rows:
        return
    connection = db.session.connection()
    table = model.__table__
    if connection.dialect.name == "postgresql":
        _copy(connection.connection.driver_connection, table.name, rows)
        return
    # SQLite's default page cache (2 MiB) holds little of the posts' indexes and full-text index once they pass a few
    # tens of thousands of rows, and each random-order insert then rereads pages from the OS: 100,000 posts took
    # more than half an hour. A larger cache for this connection keeps the pages the inserts touch in memory.
    connection.exec_driver_sql(f"PRAGMA cache_size = -{FAKE_SQLITE_CACHE_KIB}")
    # Core, not the ORM's bulk insert: the rows are complete, and the ORM's per-row bookkeeping triples the time.
    for batch in _batches(rows):
        connection.execute(insert(table), batch)


def _copy(driver_connection, table_name: str, rows: list[dict]) -> None:
    """Stream rows into a PostgreSQL table with COPY, in the session's transaction."""
    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table_name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    with driver_connection.cursor() as cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[column] for column in columns])


def _insert_and_fetch_ids(model, rows: list[dict], key: str) -> list[int]:
    """Insert rows and return their ids in the rows' order, read back through the unique column ``key``."""
    table = model.__table__
    before = db.session.scalar(select(func.max(table.c.id))) or 0
    _insert(model, rows)
    ids = dict(db.session.execute(select(table.c[key], table.c.id).where(table.c.id > before)).all())
    return [ids[row[key]] for row in rows]


def _profiles(fake: Faker, count: int) -> dict[str, list]:
    """Pools of user names, names, cities and rendered about-me texts that users draw from independently."""
    abouts = [fake.sentence(nb_words=12) for _ in range(count)]
    return {
        "user_names": [fake.user_name() for _ in range(count)],
        "names": [fake.name() for _ in range(count)],
        "cities": [fake.city() for _ in range(count)],
        "abouts": [(about, render_markdown(about)) for about in abouts],
    }


def _titles(fake: Faker, count: int) -> list[str]:
    """A pool of post titles, half of them naming a topic."""
    titles = []
    for _ in range(count):
        title = fake.sentence(nb_words=fake.random_int(3, 7)).rstrip(".")
        if fake.boolean(50):
            title = f"{fake.random_element(TOPICS)}: {title[:1].lower()}{title[1:]}"
        titles.append(title)
    return titles


def _bodies(fake: Faker, count: int) -> list[tuple[str, str]]:
    """A pool of Markdown bodies with their rendered HTML, reused so rendering stays cheap."""
    bodies = []
    for _ in range(count):
        paragraphs = fake.paragraphs(nb=fake.random_int(1, 3))
        first, second = fake.random_sample(TOPICS, length=2)
        paragraphs[0] = f"{paragraphs[0]} Lately I think about {first} and {second}."
        if fake.boolean(30):
            paragraphs[0] = f"**{paragraphs[0]}**"
        if fake.boolean(20):
            paragraphs.append("\n".join(f"- {word}" for word in fake.words(3)))
        body = "\n\n".join(paragraphs)
        bodies.append((body, render_markdown(body)))
    return bodies


def _random_moment(rng: random.Random, start: datetime, end: datetime) -> datetime:
    span = max((end - start).total_seconds(), 1.0)
    return start + timedelta(seconds=rng.uniform(0, span))


def _demo_follows(rng: random.Random, author_ids: set[int], now: datetime) -> list[dict]:
    """Follows from each demo account to a few authors of fake posts it does not follow yet."""
    demo_ids = list(db.session.scalars(select(User.id).where(User.email.in_([email for email, _, _ in DEMO_ACCOUNTS]))))
    followed = set(
        db.session.execute(select(Follow.follower_id, Follow.followed_id).where(Follow.follower_id.in_(demo_ids)))
        .tuples()
        .all()
    )
    rows = []
    for demo_id in sorted(demo_ids):
        candidates = sorted(author for author in author_ids if (demo_id, author) not in followed)
        for author in rng.sample(candidates, min(DEMO_FOLLOWS, len(candidates))):
            rows.append({"follower_id": demo_id, "followed_id": author, "timestamp": now})
    return rows


def ensure_demo_accounts(password_hash: str) -> None:
    """Create the demo, moderator and admin accounts when they are missing."""
    for email, username, role_name in DEMO_ACCOUNTS:
        if db.session.scalar(select(User.id).filter_by(email=email)) is not None:
            continue
        role = db.session.scalar(select(Role).filter_by(name=role_name))
        user = User(email=email, username=username, role=role, confirmed=True, name=username.title())
        user.password_hash = password_hash
        db.session.add(user)
    db.session.commit()


def generate(
    users: int = 100,
    posts: int = 1000,
    follows_per_user: int = 20,
    comments: int | None = None,
    seed: int | None = None,
) -> FakeCounts:
    """Insert fake users, posts, follows and comments; the same seed gives the same content."""
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    comments = posts * 3 if comments is None else comments
    password_hash = generate_password_hash(DEMO_PASSWORD, method=password_hash_method())
    Role.insert_roles()
    ensure_demo_accounts(password_hash)

    default_role_id = db.session.scalar(select(Role.id).filter_by(default=True))
    first_number = (db.session.scalar(select(func.max(User.id))) or 0) + 1
    now = utcnow()
    profiles = _profiles(fake, min(POOL_SIZE, max(users, 1)))
    user_rows = []
    for number in range(first_number, first_number + users):
        username = f"{rng.choice(profiles['user_names'])}{number}"
        since = now - timedelta(days=rng.uniform(30, 730))
        about, about_html = rng.choice(profiles["abouts"])
        user_rows.append(
            {
                "email": f"{username}@example.com",
                "username": username,
                "role_id": default_role_id,
                "password_hash": password_hash,
                "confirmed": True,
                "name": rng.choice(profiles["names"]),
                "location": rng.choice(profiles["cities"]),
                "about_me": about,
                "about_me_html": about_html,
                "member_since": since,
                "last_seen": _random_moment(rng, since, now),
                "avatar_hash": gravatar_hash(f"{username}@example.com"),
                "locale": SPANISH if number == first_number else None,
            }
        )
    new_user_ids = _insert_and_fetch_ids(User, user_rows, key="username")
    member_since = {row_id: row["member_since"] for row_id, row in zip(new_user_ids, user_rows, strict=True)}
    all_user_ids = list(db.session.scalars(select(User.id).order_by(User.id)))

    follow_rows = []
    for user_id in new_user_ids:
        followed = {user_id}
        targets = min(follows_per_user, len(all_user_ids) - 1)
        while len(followed) < targets + 1:
            followed.add(rng.choice(all_user_ids))
        follow_rows.extend(
            {"follower_id": user_id, "followed_id": target, "timestamp": member_since[user_id]}
            for target in sorted(followed)
        )
    _insert(Follow, follow_rows)

    bodies = _bodies(fake, min(POOL_SIZE, max(posts, comments, 1)))
    titles = _titles(fake, min(POOL_SIZE, max(posts, 1)))
    slugs = SlugNumbering(set(db.session.scalars(select(Post.slug))))
    authors = new_user_ids or all_user_ids
    post_rows = []
    for _ in range(posts):
        author = rng.choice(authors)
        body, body_html = rng.choice(bodies)
        title = rng.choice(titles)
        since = member_since.get(author, now - timedelta(days=365))
        timestamp = _random_moment(rng, since, now)
        post_rows.append(
            {
                "title": title,
                "slug": slugs.for_title(title),
                "body": body,
                "body_html": body_html,
                "timestamp": timestamp,
                "updated_at": timestamp,
                "author_id": author,
            }
        )
    post_ids = _insert_and_fetch_ids(Post, post_rows, key="slug")
    demo_follows = _demo_follows(rng, {row["author_id"] for row in post_rows}, now)
    _insert(Follow, demo_follows)
    posted_at = {post_id: row["timestamp"] for post_id, row in zip(post_ids, post_rows, strict=True)}

    comment_rows = []
    if post_ids:
        for _ in range(comments):
            post_id = rng.choice(post_ids)
            body, body_html = rng.choice(bodies)
            comment_rows.append(
                {
                    "body": body,
                    "body_html": body_html,
                    "timestamp": _random_moment(rng, posted_at[post_id], now),
                    "disabled": rng.random() < 0.02,
                    "author_id": rng.choice(all_user_ids),
                    "post_id": post_id,
                }
            )
    _insert(Comment, comment_rows)
    db.session.commit()
    analyze((model.__table__ for model in (User, Follow, Post, Comment)), vacuum=True)
    return FakeCounts(
        users=len(new_user_ids),
        posts=len(post_ids),
        follows=len(follow_rows) + len(demo_follows),
        comments=len(comment_rows),
    )
