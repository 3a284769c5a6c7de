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

import io
import socket
import ssl
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar

from urllib3 import PoolManager
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError
from urllib3.response import HTTPResponse

__all__ = ["call_deadline", "current_deadline", "deadline_pool_classes", "install_deadlines"]

_STATE = threading.local()
# Sockets whose readers are counted on the socket (socket.socket.makefile's bookkeeping).
_COUNTED_SOCKETS = frozenset({socket.socket, ssl.SSLSocket})
_monotonic = time.monotonic

# The mixin's methods call the connection class it is mixed into; typed as one.
if TYPE_CHECKING:
    _ConnectionBase = HTTPConnection
else:
    _ConnectionBase = object


def current_deadline() -> float | None:
    """The ``time.monotonic()`` instant the current thread's call must end by, if any."""
    at: float | None = getattr(_STATE, "at", None)
    return at


class call_deadline:
    """Make every connection opened and every response read in this thread end by ``at``.

    A context manager: ``with call_deadline(at): ...``. A class rather than a generator, as
    it wraps every request sent.
    """

    __slots__ = ("_at", "_previous")

    def __init__(self, at: float | None) -> None:
        self._at = at
        self._previous: tuple[float | None, int] = (None, 0)

    def __enter__(self) -> None:
        state = _STATE
        previous: float | None = getattr(state, "at", None)
        active: int = getattr(state, "active", 0)
        self._previous = (previous, active)
        at = self._at
        if previous is not None and (at is None or previous < at):
            at = previous  # an enclosing call's limit comes first
        state.at = at
        state.active = active + 1

    def __exit__(self, *exc_info: object) -> None:
        _STATE.at, _STATE.active = self._previous


class _DeadlineReader(io.RawIOBase):
    """The socket's reader, each ``recv`` with the time left as its timeout.

    The timeout is set before every read and not put back: urllib3 sets the connection's own
    before it next sends on it. Reads go to the socket directly (one layer of Python fewer
    than its ``makefile`` reader), which a timeout-mode socket makes equivalent.
    """

    def __init__(self, sock: socket.socket, at: float) -> None:
        super().__init__()
        self._sock = sock
        # Keeps the socket open while this reader is, as the socket's own reader would:
        # http.client drops its connection's reference when the answer ends the connection.
        # A socket (plain or TLS) counts its readers itself, which is all its reader object
        # would do here; anything else socket-like gets a reader object to hold.
        self._holder: Any = None
        if type(sock) in _COUNTED_SOCKETS:
            sock._io_refs += 1  # type: ignore[attr-defined]
        else:
            self._holder = sock.makefile("rb", buffering=0)
        self._at = at

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        left = self._at - _monotonic()
        if left <= 0:
            raise TimeoutError("the call's time limit passed while reading the response")
        sock = self._sock
        sock.settimeout(left)
        return sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            holder = self._holder
            if holder is None:
                # What closing its reader object does: the last reader of a closed socket
                # closes it for real.
                self._sock._decref_socketios()  # type: ignore[attr-defined]
            else:
                holder.close()
        super().close()


class _DeadlineSocket:
    """Stands in for the connection's socket while ``http.client`` builds the response."""

    __slots__ = ("_at", "_sock")

    def __init__(self, sock: socket.socket, at: float) -> None:
        self._sock = sock
        self._at = at

    def makefile(self, mode: str = "r", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._at))

    def settimeout(self, value: float | None) -> None:
        # urllib3 sets the read timeout here before reading; every read goes through the
        # reader, which sets the time left (never more than that timeout) itself: an ioctl
        # per request saved.
        return

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


_NUMBER = (int, float)


class _DeadlineConnection(_ConnectionBase):
    """The limits, mixed into a connection class (urllib3's, or a caller's subclass of it).

    They apply only inside a call of this runtime (:func:`call_deadline`) -- a caller's pool
    manager given to the transport keeps behaving as before for its other users -- or always,
    for the connections of the transport's own pools (``_limits_always``).
    """

    _limits_always: ClassVar[bool] = False

    def connect(self) -> None:
        if not self._limits_always and not getattr(_STATE, "active", 0):
            return super().connect()
        at: float | None = getattr(_STATE, "at", None)
        if at is not None:
            left = at - _monotonic()
            if left <= 0:
                raise ConnectTimeoutError(self, "the call's time limit passed before connecting")
            if not isinstance(self.timeout, _NUMBER) or self.timeout > left:
                self.timeout = left
        return super().connect()

    def getresponse(self) -> HTTPResponse:  # type: ignore[override]
        if not self._limits_always and not getattr(_STATE, "active", 0):
            return super().getresponse()
        at: float | None = getattr(_STATE, "at", None)
        # The read timeout (what urllib3 set for this attempt) bounds the whole answer --
        # status line, headers and body -- not each recv: without a call limit, too.
        timeout = self.timeout
        if isinstance(timeout, _NUMBER):
            answer_by = _monotonic() + timeout
            if at is None or answer_by < at:
                at = answer_by
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
    """Plain http connections with the limits (the transport's own: always on)."""

    _limits_always = True


class _HTTPSConnection(_DeadlineConnection, HTTPSConnection):
    """TLS connections (and tunnels through a proxy) with the same limits."""

    _limits_always = True


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
