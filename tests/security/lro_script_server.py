"""A scripted HTTP server on 127.0.0.1 for the LRO and paging tests of this folder.

Each request gets the next scripted reply, in order; a request beyond the script gets
``405 Method Not Allowed`` with an ARM error body, so an extra request the client should not
have sent (say, a GET of something that cannot be read) fails the test loudly. ``{base}`` in a
scripted header value or body is replaced with the server's own ``http://127.0.0.1:port``.
Every read and write is bounded by a socket timeout.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from surfaces import make_arm_client
from vmss_runcommands.runtime.client import ArmClient

NOT_SCRIPTED = json.dumps(
    {"error": {"code": "MethodNotAllowed", "message": "not scripted"}}
).encode()


@dataclass(frozen=True)
class Reply:
    status: int  # 0: cut the connection without answering
    body: Any = None  # bytes as they are, anything else as JSON, None for no body
    headers: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Seen:
    method: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script: deque[Reply]
    seen: list[Seen]
    lock: threading.Lock
    base: str

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 5
    disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = min(int(self.headers.get("Content-Length") or 0), 1 << 20)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            headers = {name.lower(): value for name, value in self.headers.items()}
            self.server.seen.append(Seen(self.command, self.path, body, headers))
            reply = self.server.script.popleft() if self.server.script else None
        if reply is None:
            reply = Reply(405, NOT_SCRIPTED, {"Content-Type": "application/json"})
        if reply.status == 0:
            self.close_connection = True
            return
        if reply.body is None:
            payload = b""
        elif isinstance(reply.body, bytes):
            payload = reply.body
        else:
            payload = json.dumps(reply.body).encode()
        payload = payload.replace(b"{base}", self.server.base.encode())
        self.send_response(reply.status)
        headers = {"x-ms-request-id": f"req-{len(self.server.seen)}", **reply.headers}
        if payload and not any(name.lower() == "content-type" for name in headers):
            headers["Content-Type"] = "application/json"
        for name, value in headers.items():
            self.send_header(name, value.replace("{base}", self.server.base))
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = _handle


class ScriptServer:
    """The running server: :meth:`reply` scripts answers, :attr:`seen` lists the requests."""

    def __init__(self) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.script = deque()
        self._server.seen = []
        self._server.lock = threading.Lock()
        self.base = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._server.base = self.base
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def reply(self, *replies: Reply) -> None:
        self._server.script.extend(replies)

    @property
    def seen(self) -> list[Seen]:
        return list(self._server.seen)

    def trail(self) -> list[str]:
        """``"METHOD /path"`` of each request, without the query."""
        return [f"{s.method} {s.path.partition('?')[0]}" for s in self._server.seen]

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def script_server() -> Iterator[ScriptServer]:
    server = ScriptServer()
    try:
        yield server
    finally:
        server.close()


def arm_client(server: ScriptServer, surface: str = "sync", **options: Any) -> ArmClient:
    """An ``ArmClient`` (``surface="async"``: an ``AsyncArmClient`` used through a blocking
    facade) without credential on ``server``, polling without delay."""
    options.setdefault("api_version", "2024-07-01")
    options.setdefault("polling_interval", 0)
    made: ArmClient = make_arm_client(
        surface, None, "sub", base_url=server.base, sdk_moniker="test/0", **options
    )
    return made
