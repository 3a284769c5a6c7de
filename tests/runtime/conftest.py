"""A tiny scripted HTTP(S) server on 127.0.0.1 for transport, retry and pipeline tests."""

from __future__ import annotations

import ssl
import threading
import time
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest


@dataclass(frozen=True)
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass(frozen=True)
class Scripted:
    status: int
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)
    delay: float = 0.0


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    script: deque[Scripted]
    recorded: list[Recorded]
    lock: threading.Lock

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that time out or reject the certificate leave broken sockets; not a failure.
        pass


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        with self.server.lock:
            self.server.recorded.append(
                Recorded(
                    self.command,
                    self.path,
                    {name.lower(): value for name, value in self.headers.items()},
                    body,
                )
            )
            reply = self.server.script.popleft() if self.server.script else Scripted(200, b"{}")
        if reply.delay:
            time.sleep(reply.delay)
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    do_GET = do_PUT = do_POST = do_PATCH = do_DELETE = do_HEAD = _handle


class ScriptedServer:
    """Answers each request with the next scripted reply (default ``200 {}``) and records it."""

    def __init__(self, ssl_context: ssl.SSLContext | None = None) -> None:
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.script = deque()
        self._server.recorded = []
        self._server.lock = threading.Lock()
        if ssl_context is not None:
            self._server.socket = ssl_context.wrap_socket(self._server.socket, server_side=True)
        scheme = "https" if ssl_context is not None else "http"
        self.port = self._server.server_address[1]
        self.url = f"{scheme}://127.0.0.1:{self.port}"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True
        )

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def reply(
        self,
        status: int,
        body: bytes = b"",
        headers: Mapping[str, str] | None = None,
        *,
        delay: float = 0.0,
        times: int = 1,
    ) -> None:
        for _ in range(times):
            self._server.script.append(Scripted(status, body, dict(headers or {}), delay))

    @property
    def requests(self) -> list[Recorded]:
        return list(self._server.recorded)


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    running = ScriptedServer().start()
    yield running
    running.stop()


@dataclass(frozen=True)
class TlsServer:
    server: ScriptedServer
    ca_path: Path


@pytest.fixture
def tls_server(tmp_path: Path) -> Iterator[TlsServer]:
    import trustme

    authority = trustme.CA()
    certificate = authority.issue_cert("127.0.0.1", "localhost")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    certificate.configure_cert(context)
    ca_path = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_path))
    running = ScriptedServer(context).start()
    yield TlsServer(running, ca_path)
    running.stop()


@pytest.fixture
def closed_port() -> int:
    """A local port nothing listens on (connections are refused)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
