"""Load profiles: anonymous readers, logged-in readers, writers and API clients, weighted as a real site's traffic.

Every response is checked for its status and a marker in its body, and, when the server profiles SQL, for its
``X-DB-Queries`` against the page's query budget, so a broken or regressed page shows in Locust's failures.
Fake users (``flask fake``) have the email ``<username>@example.com`` and the password ``flasky-demo``.
"""

import random
import secrets

from locust import HttpUser, between, task

from tests.load.site import PAGE_LINK, PASSWORD, POST_LINK, QUERIES_HEADER, USER_LINK, PlainHttpCookieJar, csrf_token

# Statements a request may run, per request name: the budgets of tests/integration/test_query_budgets.py for a
# signed-in reader (the session's row and user, the role, the navbar bell included), and two more, as once a minute
# a signed-in request writes last_seen and reloads its user. A page that goes over (an N+1, a lost eager load) fails
# in Locust's report. A POST that redirects is judged by the page it lands on.
QUERY_BUDGETS = {
    "/": 8,
    "/?page=[n]": 3,
    "/ (followed)": 8,
    "/ (followed) ?page=[n]": 8,
    "/user/[username]": 14,
    "/post/[id]": 8,
    "/followers/[username]": 8,
    "/followed-by/[username]": 8,
    "/auth/login": 4,
    "POST /auth/login": 8,
    "POST /followed": 8,
    "POST / (new post)": 8,
    "POST /post/[id] (comment)": 8,
    "POST /api/v1/tokens/": 2,
    "/api/v1/posts/": 4,
    "/api/v1/posts/?page=[n]": 4,
    "/api/v1/users/[id]/timeline/": 5,
    "/api/v1/posts/[id]/comments/": 4,
    "POST /api/v1/posts/": 5,
}
DEFAULT_BUDGET = 6
KNOWN_LIMIT = 2000


class Sightings:
    """Usernames and post ids seen in pages so far, shared by every simulated user, as a crawler would learn them."""

    usernames: list[str] = []
    post_ids: list[int] = []
    last_page = 1

    @classmethod
    def learn(cls, html: str) -> None:
        sightings = ((USER_LINK.findall(html), cls.usernames), (map(int, POST_LINK.findall(html)), cls.post_ids))
        for found, known in sightings:
            for item in found:
                if len(known) < KNOWN_LIMIT and item not in known:
                    known.append(item)

    @classmethod
    def learn_last_page(cls, html: str) -> None:
        pages = [int(number) for number in PAGE_LINK.findall(html)]
        cls.last_page = max([cls.last_page, *pages])


def reading_depth(last_page: int) -> int:
    """A page number as readers pick them: mostly the first few, now and then a deep one."""
    return min(int(random.paretovariate(1.1)), max(last_page, 1))


def check(response, marker: str | None, name: str, status: int = 200) -> bool:
    """Fail ``response`` unless it has ``status``, ``marker`` in its body and stays within its query budget."""
    if response.status_code != status:
        response.failure(f"status {response.status_code}, expected {status}")
        return False
    if marker is not None and marker not in response.text:
        response.failure(f"{marker!r} missing from the page")
        return False
    queries = response.headers.get(QUERIES_HEADER)
    budget = QUERY_BUDGETS.get(name, DEFAULT_BUDGET)
    if queries is not None and int(queries) > budget:
        response.failure(f"{queries} SQL queries, over the budget of {budget}")
        return False
    response.success()
    return True


class SiteUser(HttpUser):
    """A browser: it keeps its cookies, even the Secure ones a TLS proxy would carry in production."""

    abstract = True

    def on_start(self) -> None:
        self.client.cookies = PlainHttpCookieJar()

    def get(self, path: str, name: str, marker: str | None, status: int = 200):
        with self.client.get(path, name=name, catch_response=True) as response:
            check(response, marker, name, status)
            return response

    def read_home(self, page: int = 1) -> None:
        path, name = ("/", "/") if page == 1 else (f"/?page={page}", "/?page=[n]")
        response = self.get(path, name, "Hello, ")
        Sightings.learn(response.text)
        if page == 1:
            Sightings.learn_last_page(response.text)

    def read_profile(self) -> None:
        if Sightings.usernames:
            username = random.choice(Sightings.usernames)
            response = self.get(f"/user/{username}", "/user/[username]", f"Posts by {username}")
            Sightings.learn(response.text)

    def read_post(self) -> None:
        if Sightings.post_ids:
            post_id = random.choice(Sightings.post_ids)
            response = self.get(f"/post/{post_id}", "/post/[id]", f'id="post-{post_id}"')
            Sightings.learn(response.text)


class AnonymousReader(SiteUser):
    """Someone browsing without an account: the home page and its pages, profiles, posts."""

    weight = 6
    wait_time = between(1, 5)

    def on_start(self) -> None:
        super().on_start()
        self.read_home()

    @task(4)
    def home(self) -> None:
        self.read_home()

    @task(3)
    def home_page(self) -> None:
        self.read_home(page=max(reading_depth(Sightings.last_page), 2))

    @task(3)
    def profile(self) -> None:
        self.read_profile()

    @task(4)
    def post(self) -> None:
        self.read_post()


class Member(SiteUser):
    """A user logged in through the real login form as one of the fake users seen on the site."""

    abstract = True

    def on_start(self) -> None:
        super().on_start()
        response = self.get("/", "/", "Hello, ")
        Sightings.learn(response.text)
        self.username = random.choice(Sightings.usernames)
        self.login(self.username)

    def login(self, username: str) -> None:
        form = self.get("/auth/login", "/auth/login", 'name="csrf_token"')
        data = {"email": f"{username}@example.com", "password": PASSWORD, "csrf_token": csrf_token(form.text) or ""}
        with self.client.post("/auth/login", data=data, name="POST /auth/login", catch_response=True) as response:
            check(response, f"Hello, {username}!", "POST /auth/login")

    def form_token(self, path: str, name: str, marker: str) -> str | None:
        response = self.get(path, name, marker)
        Sightings.learn(response.text)
        return csrf_token(response.text)


class LoggedInReader(Member):
    """A member reading the Followed feed and browsing who follows whom."""

    weight = 3
    wait_time = between(1, 5)

    def on_start(self) -> None:
        super().on_start()
        token = self.form_token("/", "/", "Hello, ") or ""
        with self.client.post("/followed", data={"csrf_token": token}, name="POST /followed", catch_response=True) as r:
            check(r, 'aria-current="page">Followed', "POST /followed")
        self.feed_pages = 1

    @task(5)
    def followed_feed(self) -> None:
        response = self.get("/", "/ (followed)", 'aria-current="page">Followed')
        Sightings.learn(response.text)
        self.feed_pages = max([1, *(int(number) for number in PAGE_LINK.findall(response.text))])

    @task(2)
    def followed_feed_page(self) -> None:
        page = max(reading_depth(self.feed_pages), 2)
        self.get(f"/?page={page}", "/ (followed) ?page=[n]", 'aria-current="page">Followed')

    @task(2)
    def followers(self) -> None:
        username = random.choice(Sightings.usernames)
        response = self.get(f"/followers/{username}", "/followers/[username]", "Followers of")
        Sightings.learn(response.text)

    @task(1)
    def followed_by(self) -> None:
        username = random.choice(Sightings.usernames)
        self.get(f"/followed-by/{username}", "/followed-by/[username]", "Followed by")

    @task(2)
    def profile(self) -> None:
        self.read_profile()

    @task(2)
    def post(self) -> None:
        self.read_post()


class Writer(Member):
    """A member who writes posts and comments through the real forms, CSRF token included."""

    weight = 1
    wait_time = between(3, 10)

    @task(2)
    def write_post(self) -> None:
        token = self.form_token("/", "/", "Hello, ")
        body = f"Load test post {secrets.token_hex(6)}: *some* thoughts on performance."
        data = {"body": body, "submit": "Submit", "csrf_token": token or ""}
        with self.client.post("/", data=data, name="POST / (new post)", catch_response=True) as response:
            if not response.history:
                response.failure(f"status {response.status_code} and no redirect after publishing")
            else:
                check(response, "Your post has been published.", "POST / (new post)")

    @task(3)
    def write_comment(self) -> None:
        if not Sightings.post_ids:
            return
        post_id = random.choice(Sightings.post_ids)
        token = self.form_token(f"/post/{post_id}", "/post/[id]", f'id="post-{post_id}"')
        data = {"body": f"Load test comment {secrets.token_hex(6)}", "submit": "Submit", "csrf_token": token or ""}
        name = "POST /post/[id] (comment)"
        with self.client.post(f"/post/{post_id}", data=data, name=name, catch_response=True) as response:
            check(response, "Your comment has been published.", name)

    @task(3)
    def read(self) -> None:
        self.read_post()


class ApiClient(HttpUser):
    """A program using the REST API: a token from its password, then lists, its timeline and new posts."""

    weight = 2
    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.user_id = None
        Sightings.learn(self.client.get("/", name="/").text)
        username = random.choice(Sightings.usernames)
        credentials = (f"{username}@example.com", PASSWORD)
        name = "POST /api/v1/tokens/"
        with self.client.post("/api/v1/tokens/", auth=credentials, name=name, catch_response=True) as response:
            if check(response, '"token"', name):
                self.client.auth = (response.json()["token"], "")
        self.write_post()

    def get_json(self, path: str, name: str, key: str) -> None:
        with self.client.get(path, name=name, catch_response=True) as response:
            check(response, f'"{key}"', name)

    @task(4)
    def posts(self) -> None:
        self.get_json("/api/v1/posts/", "/api/v1/posts/", "posts")

    @task(2)
    def posts_page(self) -> None:
        self.get_json(f"/api/v1/posts/?page={reading_depth(50)}", "/api/v1/posts/?page=[n]", "posts")

    @task(3)
    def timeline(self) -> None:
        if self.user_id is not None:
            self.get_json(f"/api/v1/users/{self.user_id}/timeline/", "/api/v1/users/[id]/timeline/", "posts")

    @task(2)
    def comments(self) -> None:
        if Sightings.post_ids:
            post_id = random.choice(Sightings.post_ids)
            self.get_json(f"/api/v1/posts/{post_id}/comments/", "/api/v1/posts/[id]/comments/", "comments")

    @task(1)
    def write_post(self) -> None:
        body = {"body": f"API load test post {secrets.token_hex(6)}"}
        name = "POST /api/v1/posts/"
        with self.client.post("/api/v1/posts/", json=body, name=name, catch_response=True) as response:
            if check(response, '"author_url"', name, status=201):
                # The new post names its author: the client learns its own id, for its timeline.
                self.user_id = int(response.json()["author_url"].rstrip("/").rsplit("/", 1)[-1])
