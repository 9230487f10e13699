"""Taking services away for real: a Redis server of the test's own, and a TCP proxy in front of PostgreSQL.

The machine's shared Redis and PostgreSQL are never touched: ``RedisServer`` runs ``redis-server`` on a free port and
stops it; ``TcpProxy`` relays connections to PostgreSQL from a port of its own, and ``cut()`` closes them all and
refuses new ones, as a stopped server does, until ``restore()``. Its traps lose one COMMIT, or only its answer, to
make the moments a real outage leaves to chance.
"""

import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from app.extensions import limiter
from app.resilience import DATABASE, REDIS
from tests.mailserver import free_port
from tests.services import unavailable

COMMIT = b"COMMIT"
RELAY_CHUNK = 65536


class RedisServer:
    """``redis-server`` on a free port of 127.0.0.1, keeping nothing on disk; ``stop()`` and ``start()`` again."""

    def __init__(self, directory: Path) -> None:
        self.port = free_port()
        self.directory = directory
        self.process: subprocess.Popen | None = None

    def url(self, database: int = 0) -> str:
        return f"redis://127.0.0.1:{self.port}/{database}"

    def start(self, timeout: float = 10) -> "RedisServer":
        """Start the server on its port and wait until it answers a ping."""
        executable = shutil.which("redis-server")
        if executable is None:
            unavailable("Redis", "redis-server is not installed")
        command = [executable, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        command += ["--daemonize", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = Redis.from_url(self.url(), socket_connect_timeout=0.5)
        deadline = time.monotonic() + timeout
        try:
            while True:
                try:
                    client.ping()
                    return self
                except RedisError:
                    if time.monotonic() > deadline or self.process.poll() is not None:
                        raise AssertionError(f"redis-server on port {self.port} did not start") from None
                    time.sleep(0.05)
        finally:
            client.close()

    def stop(self) -> None:
        """Stop the server, as an outage would (its data is gone: it keeps nothing on disk)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None


def forget_outages() -> None:
    """The limiter and the services' states are one for every app the suite builds: an outage one test caused must
    not outlive it."""
    limiter._storage_dead = False
    for dependency in (REDIS, DATABASE):
        dependency.down_since = None


class Relay:
    """One client connection and its connection upstream, copied both ways by two threads."""

    def __init__(self, proxy: "TcpProxy", client: socket.socket, upstream: socket.socket) -> None:
        self.proxy = proxy
        self.client = client
        self.upstream = upstream
        self.commit_sent = False
        self.closed = threading.Event()

    def start(self) -> None:
        for source, target, upward in ((self.client, self.upstream, True), (self.upstream, self.client, False)):
            threading.Thread(target=self.copy, args=(source, target, upward), daemon=True).start()

    def copy(self, source: socket.socket, target: socket.socket, upward: bool) -> None:
        try:
            while data := source.recv(RELAY_CHUNK):
                if upward and COMMIT in data:
                    if self.proxy.take_trap("drop commit"):
                        break
                    self.commit_sent = self.proxy.take_trap("lose answer")
                elif not upward and self.commit_sent:
                    break
                target.sendall(data)
        except OSError:
            pass
        self.close()

    def close(self) -> None:
        if self.closed.is_set():
            return
        self.closed.set()
        for end in (self.client, self.upstream):
            with suppress(OSError):
                end.shutdown(socket.SHUT_RDWR)
            end.close()
        if self.commit_sent and self.proxy.cut_after_lost_answer:
            self.proxy.cut()


class TcpProxy:
    """Relays connections from a free port of 127.0.0.1 to ``host:port``; ``cut()`` is the server going away."""

    def __init__(self, host: str, port: int) -> None:
        self.upstream = (host, port)
        self.port = free_port()
        self.relays: list[Relay] = []
        self.listener: socket.socket | None = None
        self.traps: set[str] = set()
        self.cut_after_lost_answer = False
        self.lock = threading.Lock()

    def start(self) -> "TcpProxy":
        """Listen on the port and relay every connection made to it."""
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(128)
        self.listener = listener
        threading.Thread(target=self.accept, args=(listener,), name="tcp-proxy", daemon=True).start()
        return self

    def accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            relay = Relay(self, client, upstream)
            with self.lock:
                if self.listener is not listener:
                    relay.close()
                    return
                self.relays = [known for known in self.relays if not known.closed.is_set()] + [relay]
            relay.start()

    def cut(self) -> None:
        """Close every relayed connection and refuse new ones, as a stopped server does."""
        with self.lock:
            listener, self.listener = self.listener, None
            relays, self.relays = self.relays, []
        if listener is not None:
            # Closing alone would leave a thread blocked in accept() listening on: shutting it down wakes it.
            with suppress(OSError):
                listener.shutdown(socket.SHUT_RDWR)
            listener.close()
        for relay in relays:
            relay.close()

    def restore(self) -> None:
        """Take connections again, on the same port."""
        if self.listener is None:
            self.start()

    @contextmanager
    def cut_off(self) -> Iterator[None]:
        """``cut()`` for the block, ``restore()`` after it, whatever happens in it."""
        self.cut()
        try:
            yield
        finally:
            self.restore()

    def drop_next_commit(self) -> None:
        """The next COMMIT is lost on its way, with its connection: the server never commits it."""
        self.traps.add("drop commit")

    def lose_answer_to_next_commit(self, then_cut: bool = False) -> None:
        """The next COMMIT reaches the server, which commits it, but its connection is lost before the answer is
        back; with ``then_cut`` the whole proxy is cut at that moment too."""
        self.cut_after_lost_answer = then_cut
        self.traps.add("lose answer")

    def take_trap(self, trap: str) -> bool:
        with self.lock:
            if trap in self.traps:
                self.traps.discard(trap)
                return True
        return False

    def stop(self) -> None:
        self.cut()
