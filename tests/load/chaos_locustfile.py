"""The chaos profile: locustfile.py's write profile (``Writer``, ``ApiClient``) and new accounts, every answer recorded.

Each answer's status and time go to ``CHAOS_RECORD`` as a line of JSON, and each write with what it wrote and how it
was answered: saved, refused as not saved, saved though the page failed, in doubt, or refused for another reason. From
these ``tests/load/chaos.py`` counts 5xx, 503s and writes lost. While a service is away a 503 is the expected answer,
so members whose sign-in was refused simply sign in again, and mail for new accounts is awaited later.
"""

import json
import os
import secrets
import threading
import time
from urllib.parse import parse_qs, urlsplit

from locust import HttpUser, between, events, task

from app.errors import IN_DOUBT, SAVED, UNSAVED
from tests.load import locustfile as profiles
from tests.load.site import PASSWORD, PlainHttpCookieJar, csrf_token

RECORD_PATH = os.environ.get("CHAOS_RECORD", "chaos-record.jsonl")
SIGNED_IN = 'id="logout-form"'
# Each write request: what it writes, and the field of its body that holds it.
WRITES = {
    "POST / (new post)": ("post", "body"),
    "POST /post/[id] (comment)": ("comment", "body"),
    "POST /api/v1/posts/": ("post", "body"),
    "POST /auth/register": ("account", "email"),
}
MESSAGES = {"unsaved": UNSAVED, "saved": SAVED, "in doubt": IN_DOUBT}
record_lock = threading.Lock()


def record(line: dict) -> None:
    with record_lock, open(RECORD_PATH, "a", encoding="utf-8") as file:
        file.write(json.dumps(line) + "\n")


def sent_value(request, field: str) -> str | None:
    """The value of ``field`` in the body a request sent, a form or JSON."""
    body = request.body or ""
    body = body.decode() if isinstance(body, bytes) else body
    if request.headers.get("Content-Type", "").startswith("application/json"):
        return json.loads(body).get(field)
    values = parse_qs(body).get(field)
    return values[0] if values else None


def outcome(first) -> str:
    """How a write was answered, from its first response: "saved" (201, or a redirect after a form was taken),
    "unsaved", "saved" despite a 503, "in doubt", or "refused" (a form's error, a redirect to sign in, a 4xx)."""
    if first.status_code == 503:
        return next((kind for kind, message in MESSAGES.items() if message in first.text), "refused")
    if first.status_code == 201:
        return "saved"
    if first.status_code == 302 and not urlsplit(first.headers.get("Location", "")).path.startswith("/auth/login"):
        return "saved"
    return "refused"


@events.request.add_listener
def record_request(request_type, name, response, response_time, start_time, **_kwargs) -> None:
    """Every answer's status (0 when no answer came) and when it came; for a write, what it wrote and its outcome."""
    status = response.status_code if response is not None else 0
    line = {"time": start_time + response_time / 1000, "name": name, "method": request_type, "status": status}
    if name in WRITES and response is not None and status:
        kind, field = WRITES[name]
        first = response.history[0] if response.history else response
        line.update(write=kind, value=sent_value(first.request, field), outcome=outcome(first))
        line["status"] = first.status_code
    record(line)


class ChaosWriter(profiles.Writer):
    """``Writer``, more often, signing in again whenever a page shows it signed out."""

    weight = 3
    wait_time = between(0.5, 2)
    signed_in = False

    def get(self, path: str, name: str, marker: str | None, status: int = 200):
        response = super().get(path, name, marker, status)
        if response.status_code == 200:
            self.signed_in = SIGNED_IN in response.text
        return response

    def login(self, username: str) -> None:
        super().login(username)
        self.signed_in = True

    def form_token(self, path: str, name: str, marker: str) -> str | None:
        if not self.signed_in:
            self.login(self.username)
        return super().form_token(path, name, marker)


class ChaosApiClient(profiles.ApiClient):
    """``ApiClient``, more often, and with a token it asks for again until it has one."""

    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        for _attempt in range(30):
            super().on_start()
            if self.client.auth:
                return
            time.sleep(1)


class Registrant(HttpUser):
    """Someone opening an account through the real form, then leaving; the confirmation mail is awaited later."""

    weight = 1
    wait_time = between(2, 5)

    def on_start(self) -> None:
        self.client.cookies = PlainHttpCookieJar()

    @task
    def register(self) -> None:
        self.client.cookies.clear()
        with self.client.get("/auth/register", name="/auth/register", catch_response=True) as form:
            if form.status_code != 200:
                form.failure(f"status {form.status_code}")
                return
            form.success()
        name = f"chaos{secrets.token_hex(5)}"
        data = {
            "email": f"{name}@example.com",
            "username": name,
            "password": PASSWORD,
            "password2": PASSWORD,
            "csrf_token": csrf_token(form.text) or "",
        }
        with self.client.post("/auth/register", data=data, name="POST /auth/register", catch_response=True) as answer:
            profiles.check(answer, None, "POST /auth/register")
