"""``nox -s bench``: requests/s, p50/p95/p99 latency and SQL queries per request of the pages that matter.

On fixed data sets (10,000 users; 10,000 and 100,000 posts; demo@example.com follows 2,000 users so its Followed
feed is deep), on SQLite (and on PostgreSQL when ``BENCH_POSTGRES_SERVER`` names a server, or with ``--engines``),
under gunicorn with several workers, at a fixed concurrency of threaded HTTP clients. Each run measures ``/healthz``
too, and the table gives every page's throughput as a share of it, measured on the same server in the same run, and,
with two sizes or more, the largest size's throughput relative to the smallest's (1.0 is a cost flat as the data
grows). Prints one table and writes it as JSON to reports/bench-<timestamp>.json. It asserts nothing.
"""

import argparse
import json
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import requests
from sqlalchemy import create_engine, func, select

from app.models import Comment, Post, User
from tests.load.harness import ROOT, DataSet, default_workers, driver_url, ensure_dataset, gunicorn
from tests.load.site import PASSWORD, PlainHttpCookieJar, csrf_token

READER = "demo@example.com"
NEXT_LINK = re.compile(r'href="([^"#]+)[^"]*" aria-label="Next"')
# A word of the fake posts' vocabulary found in about 4% of them, as many as a typical word of that vocabulary.
SEARCH_WORD = "music"
SIZE_LABELS = {1_000: "1k", 10_000: "10k", 100_000: "100k", 1_000_000: "1M"}
HEALTHZ = "/healthz"
# Deep pages reached as a reader reaches them: by following the Next link of the page before.
DEEP_PAGE = 200


@dataclass
class Scenario:
    name: str
    path: str
    client: str  # "anonymous", "member" (logged in, Followed tab on) or "api" (token)


@dataclass
class Measurement:
    engine: str
    posts: int
    scenario: str
    path: str
    requests: int
    errors: int
    rps: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    queries_per_request: float | None


def percentile(ordered: list[float], share: float) -> float:
    return ordered[min(int(len(ordered) * share / 100), len(ordered) - 1)] if ordered else float("nan")


def size_label(posts: int) -> str:
    return SIZE_LABELS.get(posts, str(posts))


def database_url(engine: str, posts: int, postgres_server: str) -> str:
    name = f"flasky_bench_{size_label(posts)}"
    if engine == "postgresql":
        return f"{postgres_server.rstrip('/')}/{name}"
    return f"sqlite:///{ROOT / 'instance' / (name + '.sqlite')}"


def scenarios(url: str) -> list[Scenario]:
    """The pages to measure, on rows of this data set: a busy profile, the most commented post, the reader's feed,
    a search."""
    engine = create_engine(driver_url(url))
    with engine.connect() as connection:
        reader_id = connection.scalar(select(User.id).where(User.email == READER))
        author = connection.scalar(
            select(User.username).join(Post, Post.author_id == User.id).group_by(User.id).order_by(func.count().desc())
        )
        post_id = connection.scalar(select(Comment.post_id).group_by(Comment.post_id).order_by(func.count().desc()))
    engine.dispose()
    return [
        Scenario("/healthz", HEALTHZ, "anonymous"),
        Scenario("Home, anonymous", "/", "anonymous"),
        Scenario("Home, Followed, page 1", "/", "member"),
        Scenario(f"Home, Followed, page {DEEP_PAGE}", f"/?page={DEEP_PAGE}", "member"),
        Scenario(f"Home, Followed, page {DEEP_PAGE} by its link", f"/?page={DEEP_PAGE - 1}", "member"),
        Scenario("Profile", f"/user/{author}", "anonymous"),
        Scenario("Post with comments", f"/post/{post_id}", "anonymous"),
        Scenario("Search, one word", f"/search?q={SEARCH_WORD}", "anonymous"),
        Scenario("API posts list", "/api/v1/posts/", "api"),
        Scenario(f"API posts list, page {DEEP_PAGE} by its link", f"/api/v1/posts/?page={DEEP_PAGE - 1}", "api"),
        Scenario("API timeline", f"/api/v1/users/{reader_id}/timeline/", "api"),
        Scenario("API search", f"/api/v1/search/posts?q={SEARCH_WORD}", "api"),
    ]


def member_cookies(base_url: str) -> dict[str, str]:
    """Cookies of a logged-in session of the reader with the Followed tab chosen, through the real forms."""
    session = requests.Session()
    session.cookies = PlainHttpCookieJar()
    token = csrf_token(session.get(f"{base_url}/auth/login").text)
    response = session.post(f"{base_url}/auth/login", data={"email": READER, "password": PASSWORD, "csrf_token": token})
    response.raise_for_status()
    response = session.post(f"{base_url}/followed", data={"csrf_token": csrf_token(response.text)})
    if 'aria-current="page">Followed' not in response.text:
        raise RuntimeError("Could not log in and choose the Followed tab for the benchmark.")
    return {cookie.name: cookie.value for cookie in session.cookies}


def api_token(base_url: str) -> str:
    response = requests.post(f"{base_url}/api/v1/tokens/", auth=(READER, PASSWORD), timeout=30)
    response.raise_for_status()
    return response.json()["token"]


def followed_link(base_url: str, scenario: Scenario, cookies: dict[str, str], token: str) -> Scenario:
    """A "by its link" scenario with the address its page's Next link gives (a cursor), as a reader follows it."""
    if not scenario.name.endswith("by its link"):
        return scenario
    response = new_session(scenario.client, cookies, token).get(base_url + scenario.path, timeout=60)
    response.raise_for_status()
    if scenario.client == "api":
        path = response.json()["next"]
    else:
        link = NEXT_LINK.search(response.text)
        path = link and link[1].replace("&amp;", "&")
    if not path:
        return Scenario(f"{scenario.name} (none: the list is shorter)", scenario.path, scenario.client)
    return Scenario(scenario.name, path, scenario.client)


def new_session(client: str, cookies: dict[str, str], token: str) -> requests.Session:
    session = requests.Session()
    if client == "member":
        for name, value in cookies.items():
            session.cookies.set(name, value)
    elif client == "api":
        session.auth = (token, "")
    return session


def measure(base_url: str, scenario: Scenario, concurrency: int, duration: float, cookies, token) -> dict:
    """Hit ``scenario`` from ``concurrency`` threads for ``duration`` seconds after a short warm-up."""
    latencies: list[float] = []
    queries: list[int] = []
    errors = 0
    lock = threading.Lock()
    url = base_url + scenario.path

    def client(deadline: float, record: bool) -> None:
        nonlocal errors
        session = new_session(scenario.client, cookies, token)
        mine, counts, failed = [], [], 0
        while time.perf_counter() < deadline:
            started = time.perf_counter()
            try:
                response = session.get(url, timeout=60)
                ok = response.status_code == 200
            except requests.RequestException:
                ok, response = False, None
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
                if "X-DB-Queries" in response.headers:
                    counts.append(int(response.headers["X-DB-Queries"]))
            else:
                failed += 1
        if record:
            with lock:
                latencies.extend(mine)
                queries.extend(counts)
                errors += failed

    for record, seconds in ((False, min(1.0, duration)), (True, duration)):
        deadline = time.perf_counter() + seconds
        threads = [threading.Thread(target=client, args=(deadline, record)) for _ in range(concurrency)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": round(len(latencies) / wall, 1),
        "p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "queries_per_request": round(statistics.fmean(queries), 2) if queries else None,
    }


def bench_database(engine: str, posts: int, arguments: argparse.Namespace, output: Path) -> list[Measurement]:
    url = database_url(engine, posts, arguments.postgres_server)
    data = DataSet(users=arguments.data_users, posts=posts, follows=20, seed=1, reader_follows=arguments.reader_follows)
    started = time.perf_counter()
    outcome = ensure_dataset(url, data)
    print(f"{engine} {size_label(posts)}: data set {outcome} in {time.perf_counter() - started:.0f} s", flush=True)
    settings = {"FLASKY_PROFILE_SQL": "1", "FLASKY_SQL_PROFILE_DIR": str(output / f"sql-{engine}-{posts}")}
    results = []
    log = output / f"gunicorn-{engine}-{posts}.log"
    with gunicorn(url, arguments.workers, log, **settings) as base_url:
        cookies, token = member_cookies(base_url), api_token(base_url)
        for scenario in scenarios(url):
            scenario = followed_link(base_url, scenario, cookies, token)
            figures = measure(base_url, scenario, arguments.concurrency, arguments.duration, cookies, token)
            results.append(Measurement(engine, posts, scenario.name, scenario.path, **figures))
            print(f"  {scenario.name}: {figures}", flush=True)
    return results


def ratio(numerator: float, denominator: float | None) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def table(results: list[Measurement]) -> str:
    """The results as a Markdown table, with each page's share of ``/healthz``'s throughput in its run, and the
    largest size's throughput over the smallest's for each engine and page."""
    healthz = {(result.engine, result.posts): result.rps for result in results if result.path == HEALTHZ}
    sizes: dict[str, list[int]] = {}
    for result in results:
        sizes.setdefault(result.engine, []).append(result.posts)
    smallest = {
        (result.engine, result.scenario): result.rps for result in results if result.posts == min(sizes[result.engine])
    }
    headers = ["Engine", "Posts", "Scenario", "Req/s", "÷ /healthz", "Largest ÷ smallest", "p50 ms", "p95 ms"]
    headers += ["p99 ms", "SQL/req", "Requests", "Errors"]
    rows = [
        [
            result.engine,
            size_label(result.posts),
            result.scenario,
            f"{result.rps:.1f}",
            ratio(result.rps, healthz.get((result.engine, result.posts))),
            ratio(result.rps, smallest.get((result.engine, result.scenario)))
            if result.posts == max(sizes[result.engine]) != min(sizes[result.engine])
            else "",
            f"{result.p50_ms:.1f}",
            f"{result.p95_ms:.1f}",
            f"{result.p99_ms:.1f}",
            "-" if result.queries_per_request is None else f"{result.queries_per_request:g}",
            str(result.requests),
            str(result.errors),
        ]
        for result in results
    ]
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def options(argv: list[str] | None = None) -> argparse.Namespace:
    env = os.environ.get
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    engines = "sqlite,postgresql" if env("BENCH_POSTGRES_SERVER") else "sqlite"
    parser.add_argument("--engines", default=env("BENCH_ENGINES", engines), help="[BENCH_ENGINES]")
    parser.add_argument(
        "--sizes",
        default=env("BENCH_SIZES", "10000,100000"),
        help="Posts per data set, two for the ratio [BENCH_SIZES]",
    )
    parser.add_argument("--data-users", type=int, default=int(env("BENCH_DATA_USERS", 10_000)))
    parser.add_argument("--reader-follows", type=int, default=2000, help="Users demo@example.com follows.")
    parser.add_argument("--workers", type=int, default=int(env("BENCH_WORKERS", default_workers())))
    parser.add_argument("--concurrency", type=int, default=int(env("BENCH_CONCURRENCY", 16)))
    parser.add_argument("--duration", type=float, default=float(env("BENCH_DURATION", 5)), help="Seconds per page.")
    parser.add_argument(
        "--postgres-server",
        default=env("BENCH_POSTGRES_SERVER", "postgresql://postgres@127.0.0.1:5432"),
        help="Server for the flasky_bench_* databases [BENCH_POSTGRES_SERVER]",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    arguments = options(argv)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    output = ROOT / "reports" / f"bench-{stamp}"
    output.mkdir(parents=True, exist_ok=True)
    results = []
    for engine in arguments.engines.split(","):
        for posts in map(int, arguments.sizes.split(",")):
            results += bench_database(engine.strip(), posts, arguments, output)
    print(table(results))
    setup = {
        "workers": arguments.workers,
        "concurrency": arguments.concurrency,
        "seconds_per_page": arguments.duration,
        "users": arguments.data_users,
        "reader_follows": arguments.reader_follows,
        "cpus": os.cpu_count(),
    }
    report = ROOT / "reports" / f"bench-{stamp}.json"
    report.write_text(json.dumps({"setup": setup, "results": [asdict(result) for result in results]}, indent=2))
    print(f"Wrote {report}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
