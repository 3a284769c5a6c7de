"""HTTP plumbing: a keep-alive, thread-per-connection server on loopback, optionally TLS."""

from __future__ import annotations

import contextlib
import logging
import selectors
import socket
import socketserver
import ssl
import struct
import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .errors import cloud_error_body
from .wire import Request, Response, json_response

logger = logging.getLogger(__name__)

App = Callable[[Request], Response]

MAX_BODY_BYTES = 4 * 1024 * 1024  # ARM's request size limit
IDLE_TIMEOUT_SECONDS = 120.0
_NO_BODY_STATUSES = frozenset({204, 304})


class _BadRequestBody(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


class EmulatorHTTPServer(ThreadingHTTPServer):
    """Serves ``app`` with one daemon thread per connection.

    Open keep-alive connections are tracked so that :meth:`close` can cut them: otherwise a
    pooled client could keep talking to a stopped emulator.
    """

    daemon_threads = True
    block_on_close = False
    # listen() backlog. socketserver's default of 5 makes the kernel drop or reset
    # connections when many clients connect at once (a fan-out opens one per worker).
    request_queue_size = 1024

    def __init__(
        self,
        address: tuple[str, int],
        app: App,
        *,
        ssl_context: ssl.SSLContext | None = None,
        reason_phrases: bool = False,
    ) -> None:
        # Compute answers with an empty reason phrase ("HTTP/1.1 201 "); lenient mode keeps
        # the standard ones.
        self.reason_phrases = reason_phrases
        # Read by TCPServer.__init__ when it creates the socket.
        self.address_family = socket.AF_INET6 if ":" in address[0] else socket.AF_INET
        self.app = app
        self._connections: set[socket.socket] = set()
        self._connections_lock = threading.Lock()
        self.connections_opened = 0
        self.peak_open_connections = 0
        self._stopping = threading.Event()
        # serve_forever() only notices shutdown() at its next poll tick; a self-pipe makes
        # stopping immediate without a busy poll.
        self._wake_reader, self._wake_writer = socket.socketpair()
        super().__init__(address, _Handler)
        if ssl_context is not None:
            # The handshake runs in the connection's thread, never in the accept loop.
            self.socket = ssl_context.wrap_socket(
                self.socket, server_side=True, do_handshake_on_connect=False
            )

    def server_bind(self) -> None:
        # HTTPServer.server_bind does a reverse DNS lookup (getfqdn) that can stall.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name = str(host)
        self.server_port = int(port)

    def serve(self) -> None:
        """Accept connections until :meth:`request_stop`."""
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_reader, selectors.EVENT_READ)
            while not self._stopping.is_set():
                for key, _ in selector.select():
                    if key.fileobj is self.socket and not self._stopping.is_set():
                        self._accept_one()

    def _accept_one(self) -> None:
        try:
            connection, client_address = self.get_request()
        except OSError:
            return  # the client gave up before we accepted
        try:
            self.process_request(connection, client_address)
        except Exception:
            self.handle_error(connection, client_address)
            self.shutdown_request(connection)

    def pause(self, seconds: float) -> bool:
        """Sleep ``seconds`` unless the server stops first; ``True`` when it is stopping."""
        return self._stopping.wait(seconds)

    def request_stop(self) -> None:
        """Make :meth:`serve` return promptly (callable from any thread)."""
        self._stopping.set()
        with contextlib.suppress(OSError):
            self._wake_writer.send(b"\0")

    def track(self, connection: socket.socket) -> None:
        """Remember an open client connection."""
        with self._connections_lock:
            self._connections.add(connection)
            self.connections_opened += 1
            self.peak_open_connections = max(self.peak_open_connections, len(self._connections))

    def untrack(self, connection: socket.socket) -> None:
        """Forget a client connection that has ended."""
        with self._connections_lock:
            self._connections.discard(connection)

    def close(self) -> None:
        """Close the listening socket and cut every open connection."""
        self.request_stop()
        self.server_close()
        self._wake_reader.close()
        self._wake_writer.close()
        with self._connections_lock:
            connections = list(self._connections)
            self._connections.clear()
        for connection in connections:
            with contextlib.suppress(OSError):  # already closed by the peer
                connection.shutdown(socket.SHUT_RDWR)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        # Clients hanging up or failing TLS are routine in tests, not server bugs.
        if isinstance(error, (OSError, ValueError)):
            logger.debug("connection from %s ended: %r", client_address, error)
            return
        logger.exception("unexpected error serving %s", client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "ArmEmulator/1.0"
    timeout = IDLE_TIMEOUT_SECONDS
    # Headers and body go out in separate writes; Nagle + delayed ACK would add ~40 ms each.
    disable_nagle_algorithm = True
    server: EmulatorHTTPServer

    def setup(self) -> None:
        if isinstance(self.request, ssl.SSLSocket):
            self.request.settimeout(self.timeout)
            self.request.do_handshake()
        super().setup()
        self.server.track(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.untrack(self.connection)

    def send_response(self, code: int, message: str | None = None) -> None:
        if message is None and not self.server.reason_phrases:
            message = ""
        super().send_response(code, message)

    def version_string(self) -> str:
        return self.server_version

    def log_message(self, format: str, *args: Any) -> None:
        # Quiet by default; request lines never carry secrets (tokens are in headers).
        logger.debug("%s - " + format, self.address_string(), *args)

    def _dispatch(self) -> None:
        try:
            body = self._read_body()
        except _BadRequestBody as bad:
            self.close_connection = True
            self._write(json_response(bad.status, cloud_error_body(bad.code, bad.message)))
            return
        split = urlsplit(self.path)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        request = Request(
            method=self.command,
            path=split.path,
            query=dict(parse_qsl(split.query, keep_blank_values=True)),
            headers=headers,
            body=body,
        )
        try:
            response = self.server.app(request)
        except Exception:
            logger.exception("emulator failed on %s %s", self.command, split.path)
            response = json_response(
                500,
                cloud_error_body(
                    "InternalServerError", "The emulator failed to process the request."
                ),
            )
        if response.delay > 0 and self.server.pause(response.delay):
            self._cut()
            return
        if response.disconnect:
            self._cut()
            return
        self._write(response)

    def _cut(self) -> None:
        """Drop the connection without answering; linger 0 makes the close a reset (RST)."""
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    do_GET = _dispatch
    do_PUT = _dispatch
    do_PATCH = _dispatch
    do_DELETE = _dispatch
    do_POST = _dispatch
    do_HEAD = _dispatch
    do_OPTIONS = _dispatch

    def _read_body(self) -> bytes:
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            return self._read_chunked()
        raw_length = self.headers.get("Content-Length")
        if raw_length is None:
            return b""
        try:
            length = int(raw_length)
        except ValueError:
            raise _BadRequestBody(400, "InvalidRequestContent", "Invalid Content-Length.") from None
        if length < 0:
            raise _BadRequestBody(400, "InvalidRequestContent", "Invalid Content-Length.")
        if length > MAX_BODY_BYTES:
            raise _BadRequestBody(413, "RequestEntityTooLarge", "The request body is too large.")
        return self.rfile.read(length)

    def _read_chunked(self) -> bytes:
        chunks: list[bytes] = []
        total = 0
        while True:
            line = self.rfile.readline(1024)
            try:
                size = int(line.split(b";", 1)[0].strip(), 16)
            except ValueError:
                raise _BadRequestBody(
                    400, "InvalidRequestContent", "Malformed chunked body."
                ) from None
            if size == 0:
                while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                    pass  # trailers
                return b"".join(chunks)
            total += size
            if total > MAX_BODY_BYTES:
                raise _BadRequestBody(
                    413, "RequestEntityTooLarge", "The request body is too large."
                )
            chunks.append(self.rfile.read(size))
            self.rfile.readline(1024)

    def _write(self, response: Response) -> None:
        status = response.status
        has_body = status >= 200 and status not in _NO_BODY_STATUSES
        self.send_response(status, response.reason)
        for name, value in response.headers:
            if name.lower() in ("content-length", "transfer-encoding"):
                continue
            self.send_header(name, value)  # also honours "Connection: close"
        if has_body:
            self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if has_body and self.command != "HEAD" and response.body:
            self.wfile.write(response.body)
        self.wfile.flush()
