"""A loopback HTTP server for generated-operation tests: records each request and answers
with the next scripted reply (``200 {}`` when none is left)."""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, NamedTuple


class Token(NamedTuple):
    token: str
    expires_on: int


class FakeCredential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Token:
        return Token("bearer-for-tests", 4_102_444_800)


@dataclass(frozen=True)
class Request:
    method: str
    path: str  # with the query string, as sent
    headers: dict[str, str]
    body: bytes


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: Any

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k.lower(): v for k, v in self.headers.items()}
        with self.server.lock:
            self.server.recorded.append(Request(self.command, self.path, headers, body))
            status, payload, extra = (
                self.server.script.popleft() if self.server.script else (200, b"{}", {})
            )
        self.send_response(status)
        for name, value in extra.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = _handle


class RecordingServer:
    def __init__(self) -> None:
        self._server: Any = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.script = deque()
        self._server.recorded = []
        self._server.lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )
        self._thread.start()

    def reply(
        self, status: int, body: bytes = b"{}", headers: dict[str, str] | None = None
    ) -> None:
        self._server.script.append((status, body, dict(headers or {})))

    @property
    def requests(self) -> list[Request]:
        return list(self._server.recorded)

    def clear(self) -> None:
        self._server.recorded.clear()
        self._server.script.clear()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
