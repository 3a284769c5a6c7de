"""A hostile HTTP server on 127.0.0.1: it answers with raw bytes, at the pace it likes.

Each test scripts the server with a handler ``(connection, request) -> None`` that writes
whatever it wants to the socket (trickled bytes, lying headers, bombs). The server records
every request it receives (method, path, headers, body), so a test can prove that nothing --
no token, no body -- reached a place it must not reach. Everything is bounded: sockets time
out after a few seconds, the handler threads are daemons, and the server stops with its test.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from surfaces import AsyncCredential, make_arm_client
from vmss_runcommands.runtime.client import ArmClient
from vmss_runcommands.runtime.retry import RetryPolicy

TOKEN = "hostile-test-token-8c41f0"
SOCKET_TIMEOUT = 5.0


@dataclass
class Request:
    method: str
    target: str
    headers: dict[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


Handler = Callable[[socket.socket, Request], None]


@dataclass
class HostileServer:
    """Listens on 127.0.0.1 (never anywhere else); one handler thread per connection."""

    handler: Handler | None = None
    requests: list[Request] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(64)
        self._listener.settimeout(0.2)
        self.port: int = self._listener.getsockname()[1]
        self._stopped = threading.Event()
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self._stopped.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(SOCKET_TIMEOUT)
        reader = conn.makefile("rb")
        try:
            while not self._stopped.is_set():
                request = _read_request(reader)
                if request is None:
                    return
                with self._lock:
                    self.requests.append(request)
                handler = self.handler or reply(404)
                handler(conn, request)
        except OSError:
            pass  # the client hung up (as it should, on a hostile answer)
        finally:
            reader.close()
            conn.close()

    def stop(self) -> None:
        self._stopped.set()
        self._listener.close()
        self._thread.join(timeout=2)


def _read_request(reader: Any) -> Request | None:
    line = reader.readline(65536)
    if not line:
        return None
    method, target, _ = line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    last = ""
    while True:
        raw = reader.readline(65536).decode("latin-1")
        if raw in ("\r\n", "\n", ""):
            break
        if raw[:1] in (" ", "\t") and last:  # a folded continuation line
            headers[last] += " " + raw.strip()
            continue
        name, _, value = raw.partition(":")
        last = name.strip().lower()
        headers[last] = value.strip()
    length = int(headers.get("content-length", "0") or 0)
    body = reader.read(length) if length else b""
    return Request(method, target, headers, body)


def response_bytes(
    status: int, body: bytes = b"", headers: dict[str, str] | None = None, *, length: bool = True
) -> bytes:
    lines = [f"HTTP/1.1 {status} Whatever"]
    all_headers = {"Content-Type": "application/json", **(headers or {})}
    if length and "Content-Length" not in all_headers:
        all_headers["Content-Length"] = str(len(body))
    lines += [f"{name}: {value}" for name, value in all_headers.items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def reply(status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(response_bytes(status, body, headers))

    return handle


def routes(table: dict[str, Handler]) -> Handler:
    """Dispatch on ``"METHOD /path"`` prefixes (the query is ignored)."""

    def handle(conn: socket.socket, request: Request) -> None:
        path = request.target.split("?", 1)[0]
        for key, handler in table.items():
            method, _, prefix = key.partition(" ")
            if request.method == method and path.startswith(prefix):
                handler(conn, request)
                return
        conn.sendall(response_bytes(404))

    return handle


def trickle(
    head: bytes, body: bytes, every: float = 0.5, *, give_up_after: float = 30.0
) -> Handler:
    """Send ``head`` at once (or trickled, when ``body`` is empty) then one byte per ``every``."""

    def handle(conn: socket.socket, request: Request) -> None:
        started = time.monotonic()
        data = head + body if body else head
        first = len(head) if body else 0
        conn.sendall(data[:first])
        for index in range(first, len(data)):
            if time.monotonic() - started > give_up_after:
                return
            time.sleep(every)
            conn.sendall(data[index : index + 1])

    return handle


class FakeCredential:
    def __init__(self) -> None:
        self.calls = 0

    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        self.calls += 1
        return _Token(TOKEN, int(time.time()) + 3600)


@dataclass(frozen=True)
class _Token:
    token: str
    expires_on: int


SURFACE = {"kind": "sync"}
"""Which client ``make_client`` builds; the ``surface`` fixture sets it per test."""


def make_client(server: HostileServer, **kwargs: Any) -> ArmClient:
    kwargs.setdefault("retry_policy", RetryPolicy.no_retries())
    kind = SURFACE["kind"]
    credential: Any = FakeCredential() if kind == "sync" else AsyncCredential(FakeCredential())
    made: ArmClient = make_arm_client(
        kind,
        credential,
        "sub",
        base_url=server.base_url,
        api_version="2024-07-01",
        sdk_moniker="security-tests/0",
        polling_interval=0,
        **kwargs,
    )
    return made
