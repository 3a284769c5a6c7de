"""A small HTTPS stand-in for ARM's Create Or Update of a run command, run as its own process.

Standard library only. Every LRO is exactly: PUT -> 201 ``Creating`` with ``Azure-AsyncOperation``
and ``Retry-After: 0``; the status URL answers ``InProgress``, then ``Succeeded``; GET on the
resource returns it. The server counts what it was sent, so the harness can check each client
made 1 PUT + 2 polls + 1 GET per LRO and nothing else, and how many connections it opened.

Run: ``python lro_server.py --cert C --key K --fixtures DIR``; it prints ``PORT <n>`` once it
listens on 127.0.0.1 and stops by itself after ``--max-seconds`` or when its parent goes away.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import ssl
import sys
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

API_VERSION = "2024-07-01"
RESOURCE_MARKER = "/runCommands/"
OPERATIONS_MARKER = "/operations/"
STATS_PATH = "/_bench/stats"
RESET_PATH = "/_bench/reset"
# Polls answered InProgress before Succeeded: 1, so every LRO takes exactly two polls.
IN_PROGRESS_POLLS = 1


class Counters:
    """What the clients sent; read and reset through the /_bench endpoints."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        with self._lock:
            self.values = {
                "put": 0,
                "poll": 0,
                "get": 0,
                "connections": 0,
                "bad_requests": 0,
                "bad_bodies": 0,
            }

    def add(self, name: str) -> None:
        with self._lock:
            self.values[name] += 1

    def snapshot(self) -> dict[str, int]:
        with self._lock:
            return dict(self.values)


class LroServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, context: ssl.SSLContext, fixtures: Path) -> None:
        super().__init__(("127.0.0.1", 0), LroHandler)
        self.context = context
        self.counters = Counters()
        self.expected_request = json.loads((fixtures / "create_request.json").read_bytes())
        self.creating_body = _compact(fixtures / "create_response_creating.json")
        self.final_body = _compact(fixtures / "create_response.json")
        self.operations: dict[str, int] = {}
        self.operations_lock = threading.Lock()
        self.next_operation = itertools.count(1)

    def finish_request(self, request: Any, client_address: Any) -> None:
        # The TLS handshake happens here, in the connection's own thread, not in accept().
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            self.counters.add("bad_requests")
            return
        super().finish_request(tls, client_address)


class LroHandler(BaseHTTPRequestHandler):
    server: LroServer
    protocol_version = "HTTP/1.1"
    # With Nagle on, a reply written while the previous one is unacknowledged would wait for
    # the client's delayed ACK (~40 ms) and every exchange would measure that timer.
    disable_nagle_algorithm = True

    def setup(self) -> None:
        super().setup()
        self._counted = False

    def log_message(self, format: str, *args: Any) -> None:
        return

    def _count_connection(self) -> None:
        """Count a connection at its first client request (the harness's control one is not)."""
        if not self._counted:
            self._counted = True
            self.server.counters.add("connections")

    def do_PUT(self) -> None:
        self._count_connection()
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        parts = urlsplit(self.path)
        if not self._authorized(parts.query):
            return
        if RESOURCE_MARKER not in parts.path:
            self._bad(404, "NotFound")
            return
        try:
            matches = json.loads(body) == self.server.expected_request
        except ValueError:
            matches = False
        if not matches:
            self.server.counters.add("bad_bodies")
            self._reply(400, b'{"error":{"code":"BadBody","message":"unexpected body"}}')
            return
        self.server.counters.add("put")
        operation = f"op-{next(self.server.next_operation)}"
        with self.server.operations_lock:
            self.server.operations[operation] = 0
        host = self.headers.get("Host", f"127.0.0.1:{self.server.server_address[1]}")
        subscription = parts.path.split("/")[2]
        status_url = (
            f"https://{host}/subscriptions/{subscription}/providers/Microsoft.Compute/locations/"
            f"westus/operations/{operation}?api-version={API_VERSION}"
        )
        self._reply(
            201,
            self.server.creating_body,
            {"Azure-AsyncOperation": status_url, "Retry-After": "0"},
        )

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path == STATS_PATH:
            # With the server's own CPU time, so a client can tell how busy it kept the server.
            stats = {**self.server.counters.snapshot(), "cpu_ms": int(time.process_time() * 1e3)}
            self._reply(200, json.dumps(stats).encode())
            return
        self._count_connection()
        if not self._authorized(parts.query):
            return
        if OPERATIONS_MARKER in parts.path:
            self._poll(parts.path.rsplit("/", 1)[1])
        elif RESOURCE_MARKER in parts.path:
            self.server.counters.add("get")
            self._reply(200, self.server.final_body)
        else:
            self._bad(404, "NotFound")

    def do_POST(self) -> None:
        if urlsplit(self.path).path == RESET_PATH:
            self.server.counters.reset()
            with self.server.operations_lock:
                self.server.operations.clear()
            self._reply(204, b"")
        else:
            self._bad(404, "NotFound")

    def _poll(self, operation: str) -> None:
        with self.server.operations_lock:
            seen = self.server.operations.get(operation)
            if seen is not None:
                self.server.operations[operation] = seen + 1
        if seen is None:
            self._bad(404, "OperationNotFound")
            return
        self.server.counters.add("poll")
        status = "InProgress" if seen < IN_PROGRESS_POLLS else "Succeeded"
        body = json.dumps(
            {"name": operation, "status": status, "startTime": "2024-11-25T10:15:02.1234567Z"},
            separators=(",", ":"),
        ).encode()
        self._reply(200, body, {"Retry-After": "0"} if status == "InProgress" else None)

    def _authorized(self, query: str) -> bool:
        if not (self.headers.get("Authorization") or "").startswith("Bearer "):
            self._bad(401, "AuthenticationFailed")
            return False
        if parse_qs(query).get("api-version") != [API_VERSION]:
            self._bad(400, "InvalidApiVersionParameter")
            return False
        return True

    def _bad(self, status: int, code: str) -> None:
        self.server.counters.add("bad_requests")
        self._reply(status, json.dumps({"error": {"code": code, "message": code}}).encode())

    def _reply(self, status: int, body: bytes, headers: dict[str, str] | None = None) -> None:
        lines = [
            f"HTTP/1.1 {status} {HTTPStatus(status).phrase}",
            "Content-Type: application/json; charset=utf-8",
            f"Content-Length: {len(body)}",
            "x-ms-request-id: 00000000-0000-0000-0000-000000000000",
            *(f"{name}: {value}" for name, value in (headers or {}).items()),
        ]
        # Head and body in one write: one TLS record, one TCP segment.
        self.wfile.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)


def _compact(path: Path) -> bytes:
    return json.dumps(json.loads(path.read_bytes()), separators=(",", ":")).encode()


def _watch_parent(server: LroServer, max_seconds: float) -> None:
    parent = os.getppid()
    stop_at = time.monotonic() + max_seconds
    while time.monotonic() < stop_at and os.getppid() == parent:
        time.sleep(0.5)
    server.shutdown()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cert", required=True, help="server certificate chain (PEM)")
    parser.add_argument("--key", required=True, help="server private key (PEM)")
    parser.add_argument("--fixtures", required=True, type=Path, help="the bench fixture folder")
    parser.add_argument("--max-seconds", type=float, default=900.0)
    args = parser.parse_args(argv)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(args.cert, args.key)
    server = LroServer(context, args.fixtures)
    threading.Thread(target=_watch_parent, args=(server, args.max_seconds), daemon=True).start()
    print(f"PORT {server.server_address[1]}", flush=True)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
