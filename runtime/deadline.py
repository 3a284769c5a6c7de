"""Wall-clock limits on one call: connecting, the status line and headers, and the body.

urllib3's timeouts bound each socket operation, so a server that trickles one byte every
half second never trips them. Here the limit is an instant on ``time.monotonic()``: the pools
made by :func:`deadline_pool_classes` cap the connect timeout by the time left, and every
``recv`` of the response (status line, headers and body) runs with the time left as its
socket timeout and fails once it is gone. Without a call limit, the read timeout is the
wall-clock limit of each attempt's whole answer. The instant is per thread, set by
:func:`call_deadline` around one call, so pooled connections shared between threads stay
unaffected.
"""

from __future__ import annotations

import contextlib
import io
import socket
import threading
import time
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError
from urllib3.response import HTTPResponse

__all__ = ["call_deadline", "current_deadline", "deadline_pool_classes", "install_deadlines"]

_STATE = threading.local()

# The mixin's methods call the connection class it is mixed into; typed as one.
if TYPE_CHECKING:
    _ConnectionBase = HTTPConnection
else:
    _ConnectionBase = object


def current_deadline() -> float | None:
    """The ``time.monotonic()`` instant the current thread's call must end by, if any."""
    at: float | None = getattr(_STATE, "at", None)
    return at


@contextlib.contextmanager
def call_deadline(at: float | None) -> Generator[None, None, None]:
    """Make every connection opened and every response read in this thread end by ``at``."""
    previous = current_deadline()
    active = getattr(_STATE, "active", 0)
    _STATE.at = at if previous is None or at is None else min(at, previous)
    _STATE.active = active + 1
    try:
        yield
    finally:
        _STATE.at = previous
        _STATE.active = active


class _DeadlineReader(io.RawIOBase):
    """The socket's own reader, with the time left as each ``recv``'s timeout."""

    def __init__(self, sock: socket.socket, at: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # counts as an open file of the socket
        self._at = at

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._at - time.monotonic()
        if left <= 0:
            raise TimeoutError("the call's time limit passed while reading the response")
        previous = self._sock.gettimeout()
        self._sock.settimeout(left if previous is None else min(previous, left))
        try:
            return self._raw.readinto(buffer)
        finally:
            self._sock.settimeout(previous)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """Stands in for the connection's socket while ``http.client`` builds the response."""

    def __init__(self, sock: socket.socket, at: float) -> None:
        self._sock = sock
        self._at = at

    def makefile(self, mode: str = "r", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._at))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineConnection(_ConnectionBase):
    """The limits, mixed into a connection class (urllib3's, or a caller's subclass of it).

    They apply only inside a call of this runtime (:func:`call_deadline`): a caller's pool
    manager given to the transport keeps behaving as before for its other users.
    """

    def connect(self) -> None:
        if not getattr(_STATE, "active", 0):
            return super().connect()
        at = current_deadline()
        if at is not None:
            left = at - time.monotonic()
            if left <= 0:
                raise ConnectTimeoutError(self, "the call's time limit passed before connecting")
            if not isinstance(self.timeout, int | float) or self.timeout > left:
                self.timeout = left
        return super().connect()

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        if not getattr(_STATE, "active", 0):
            return super().getresponse()
        at = current_deadline()
        # The read timeout (what urllib3 set for this attempt) bounds the whole answer --
        # status line, headers and body -- not each recv: without a call limit, too.
        if isinstance(self.timeout, int | float):
            answer_by = time.monotonic() + self.timeout
            at = answer_by if at is None else min(at, answer_by)
        sock = self.sock
        if at is None or sock is None:
            return super().getresponse()
        wrapper: Any = _DeadlineSocket(sock, at)
        self.sock = wrapper
        try:
            return super().getresponse()
        finally:
            if self.sock is wrapper:
                self.sock = sock


class _HTTPConnection(_DeadlineConnection, HTTPConnection):
    """Plain http connections with the limits."""


class _HTTPSConnection(_DeadlineConnection, HTTPSConnection):
    """TLS connections (and tunnels through a proxy) with the same limits."""


class _HTTPConnectionPool(HTTPConnectionPool):
    # urllib3 annotates it with its connection protocols, which pyright does not match to
    # urllib3's own classes (mypy does).
    ConnectionCls = _HTTPConnection  # pyright: ignore[reportAssignmentType]


class _HTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection  # pyright: ignore[reportAssignmentType]


def deadline_pool_classes() -> dict[str, type[HTTPConnectionPool]]:
    """``PoolManager.pool_classes_by_scheme`` for pools that honour :func:`call_deadline`."""
    return {"http": _HTTPConnectionPool, "https": _HTTPSConnectionPool}


def install_deadlines(manager: PoolManager) -> None:
    """Make the pools of a caller's ``manager`` (a ``ProxyManager`` too) honour
    :func:`call_deadline`: each scheme's pool class is replaced by a subclass of itself whose
    connections are a subclass of its own with the limits mixed in, so the caller's pool and
    connection settings (and any subclass of theirs) stay as they were. Pools the manager
    already holds are dropped (their connections close as they come back), so no connection
    made without the limits is used again. Idempotent.
    """
    classes: dict[str, type[HTTPConnectionPool]] = dict(manager.pool_classes_by_scheme)
    changed = False
    for scheme, pool_class in list(classes.items()):
        if issubclass(pool_class.ConnectionCls, _DeadlineConnection):
            continue
        connection_class: Any = type(
            f"Deadline{pool_class.ConnectionCls.__name__}",
            (_DeadlineConnection, pool_class.ConnectionCls),
            {},
        )
        classes[scheme] = type(
            f"Deadline{pool_class.__name__}", (pool_class,), {"ConnectionCls": connection_class}
        )
        changed = True
    if changed:
        manager.pool_classes_by_scheme = classes
        if len(manager.pools):
            manager.clear()
