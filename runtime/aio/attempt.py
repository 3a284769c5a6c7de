"""The time limit of one attempt of the async transport, the same as the sync transport's.

Without a call ``timeout=``, the sync transport bounds each attempt by ``connection_timeout``
to connect and then by ``read_timeout`` for the whole answer -- status line, headers and
body -- not only for each read (see :mod:`..deadline`). aiohttp has no limit that starts once
connected, so :class:`AttemptLimit` is one timer per attempt: first at
``connection_timeout + read_timeout`` (or the call's limit, when earlier), moved to
``read_timeout`` after the connection by :class:`AttemptConnector` (the transport's own
connector), never past the call's limit. A server trickling bytes is cut off after
``read_timeout`` whatever the driver.
"""

from __future__ import annotations

import asyncio
from contextvars import ContextVar, Token
from types import TracebackType
from typing import Any

import aiohttp

from ..exceptions import ServiceRequestTimeoutError, ServiceResponseTimeoutError

__all__ = ["AttemptConnector", "AttemptLimit"]

_CURRENT: ContextVar[AttemptLimit | None] = ContextVar("vmss_runcommands_attempt", default=None)


class AttemptLimit:
    """``async with AttemptLimit(...)`` around one attempt (the request and its body read).

    A timer on the loop cancels the attempt's task when the limit passes; leaving, that
    cancellation becomes ``ServiceRequestTimeoutError`` (not connected yet) or
    ``ServiceResponseTimeoutError``. (``asyncio.timeout`` does the same from Python 3.11.)
    """

    __slots__ = (
        "_connected",
        "_expired",
        "_handle",
        "_loop",
        "_read_timeout",
        "_target",
        "_task",
        "_token",
        "_when",
    )

    def __init__(
        self,
        connection_timeout: float,
        read_timeout: float,
        call_ends: float | None,
        target: str,
        *,
        tracks_connect: bool = True,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        # loop.time() is time.monotonic() on every platform asyncio ships loops for; call_ends
        # is on that clock.
        when = self._loop.time() + connection_timeout + read_timeout
        self._when = when if call_ends is None or call_ends > when else call_ends
        self._read_timeout = read_timeout
        self._target = target
        # With a caller's session (not our connector) the connection is never reported: a
        # timeout is then worded as waiting for the response, as aiohttp's own would be.
        self._connected = not tracks_connect
        self._expired = False
        self._task: asyncio.Task[Any] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._token: Token[AttemptLimit | None] | None = None

    async def __aenter__(self) -> AttemptLimit:
        self._task = asyncio.current_task()
        self._handle = self._loop.call_at(self._when, self._expire)
        self._token = _CURRENT.set(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._token is not None:
            _CURRENT.reset(self._token)
        if self._handle is not None:
            self._handle.cancel()
        # A connection opened in this attempt keeps a copy of the context it was opened in,
        # this limit included, for as long as it is pooled: the limit must not keep the task
        # (and through it the call's poller, responses and the secrets they carry).
        task, self._task, self._handle = self._task, None, None
        if not (self._expired and exc_type is asyncio.CancelledError):
            return
        uncancel = getattr(task, "uncancel", None)  # Python 3.11+
        if uncancel is not None:
            uncancel()
        if self._connected:
            raise ServiceResponseTimeoutError(
                f"Timed out waiting for the response to {self._target} (TimeoutError)"
            ) from None
        raise ServiceRequestTimeoutError(
            f"Timed out connecting for {self._target} (TimeoutError)"
        ) from None

    def _expire(self) -> None:
        self._expired = True
        if self._task is not None:
            self._task.cancel()

    def connected(self) -> None:
        """The connection is there: the answer must come within ``read_timeout`` from now."""
        self._connected = True
        when = self._loop.time() + self._read_timeout
        if self._expired or when >= self._when:
            return
        self._when = when
        if self._handle is not None:
            self._handle.cancel()
        self._handle = self._loop.call_at(when, self._expire)


class AttemptConnector(aiohttp.TCPConnector):
    """aiohttp's connector, telling the current :class:`AttemptLimit` when it has connected
    (a new connection or one from the pool)."""

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        connection = await super().connect(*args, **kwargs)
        limit = _CURRENT.get()
        if limit is not None:
            limit.connected()
        return connection
