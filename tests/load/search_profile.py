"""The search page against the home page, each timed through the test client on a 100,000-post data set.

``python -m tests.load.search_profile --database URL`` builds the bench's 100,000-post data set at ``URL`` with
``flask fake`` (or reuses it; on PostgreSQL it vacuums it, as autovacuum would), serves it with the production
configuration in this process, the page cache off, and times the anonymous home page, the search page for each
query (words of each frequency, the rarest, two words, a phrase) and the API search, in turns, so one process serves
every query as a server's worker does: ``--batches`` batches of ``--requests`` requests per page, each page's least
loaded batch reported. It prints the CPU milliseconds of this process per request (on SQLite nearly all of a page's
cost) and the p50 of wall time (on PostgreSQL it includes the database's time), each with its ratio to the home page
of the same run. It asserts nothing.
"""

import argparse
from urllib.parse import urlencode

from sqlalchemy import create_engine, text

from app import create_app
from tests.load.harness import DataSet, driver_url, ensure_dataset
from tests.load.page_profile import request, settings, signed_in_pages, timed

DATA_SET = DataSet(users=10_000, posts=100_000, follows=20, seed=1, reader_follows=2000)
QUERIES = ("music", "tree", "officer", "garden", "think", "guess", "music garden", '"flask and jazz"')
API_QUERY = "tree"


def vacuum(url: str) -> None:
    """On PostgreSQL, VACUUM (ANALYZE) posts and users, as autovacuum does on a live site in its own time: tables
    just filled by ``flask fake`` still hold their GIN indexes' pending lists and unset hint bits, which make a search
    cost several times what it will."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("VACUUM (ANALYZE) posts, users"))
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="Database URL (a SQLite file or a PostgreSQL database).")
    parser.add_argument("--requests", type=int, default=20, help="Requests per batch.")
    parser.add_argument("--batches", type=int, default=5)
    parser.add_argument("--queries", nargs="+", default=QUERIES, help="What to search for.")
    arguments = parser.parse_args()
    url = driver_url(arguments.database)
    ensure_dataset(url, DATA_SET)
    vacuum(url)

    app = create_app("production", settings(url, page_cache=False))
    anonymous = app.test_client()
    api, api_posts = signed_in_pages(app)["API posts, token"]
    pages = {"Home, anonymous": (anonymous, "/")}
    pages.update({f"Search {query}": (anonymous, f"/search?{urlencode({'q': query})}") for query in arguments.queries})
    pages.update(
        {
            f"API search {API_QUERY}": (api, f"/api/v1/search/posts?{urlencode({'q': API_QUERY})}"),
            "API posts": (api, api_posts),
        }
    )

    best: dict[str, tuple[float, float]] = {}
    for _ in range(arguments.batches):
        for name, (client, path) in pages.items():
            cpu, median = timed(request(client, path), arguments.requests)
            previous = best.get(name, (cpu, median))
            best[name] = (min(cpu, previous[0]), min(median, previous[1]))

    home_cpu, home_median = best["Home, anonymous"]
    print(f"{'page':<30} {'CPU ms':>8} {'ratio':>6} {'p50 ms':>8} {'ratio':>6}")
    for name, (cpu, median) in best.items():
        print(f"{name:<30} {cpu:8.2f} {cpu / home_cpu:5.1f}x {median:8.2f} {median / home_median:5.1f}x")


if __name__ == "__main__":
    main()
