"""The time limit of one attempt of the async transport, the same as the sync transport's.

Without a call ``timeout=``, the sync transport bounds each attempt by ``connection_timeout``
to connect and then by ``read_timeout`` for the whole answer -- status line, headers and
body -- not only for each read (see :mod:`..deadline`). aiohttp has no limit that starts once
connected, so :class:`AttemptLimit` is one ``asyncio.Timeout`` per attempt: first at
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

from ..exceptions import ServiceRequestTimeoutError

__all__ = ["AttemptConnector", "AttemptLimit"]

_CURRENT: ContextVar[AttemptLimit | None] = ContextVar("vmss_runcommands_attempt", default=None)


class AttemptLimit:
    """``async with AttemptLimit(...)`` around one attempt (the request and its body read)."""

    __slots__ = ("_connected", "_read_timeout", "_target", "_timeout", "_token")

    def __init__(
        self,
        connection_timeout: float,
        read_timeout: float,
        call_ends: float | None,
        target: str,
        *,
        tracks_connect: bool = True,
    ) -> None:
        loop = asyncio.get_running_loop()
        # loop.time() is time.monotonic() on every platform asyncio ships loops for; call_ends
        # is on that clock.
        when = loop.time() + connection_timeout + read_timeout
        if call_ends is not None and call_ends < when:
            when = call_ends
        self._timeout = asyncio.timeout_at(when)
        self._read_timeout = read_timeout
        self._target = target
        # With a caller's session (not our connector) the connection is never reported: a
        # timeout is then worded as waiting for the response, as aiohttp's own would be.
        self._connected = not tracks_connect
        self._token: Token[AttemptLimit | None] | None = None

    async def __aenter__(self) -> AttemptLimit:
        await self._timeout.__aenter__()
        self._token = _CURRENT.set(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool | None:
        if self._token is not None:
            _CURRENT.reset(self._token)
        try:
            return await self._timeout.__aexit__(exc_type, exc, traceback)
        except TimeoutError:
            if self._connected:
                raise
            raise ServiceRequestTimeoutError(
                f"Timed out connecting for {self._target} (TimeoutError)"
            ) from None

    def connected(self) -> None:
        """The connection is there: the answer must come within ``read_timeout`` from now."""
        self._connected = True
        timeout = self._timeout
        if timeout.expired():
            return  # too late: the attempt is being cancelled already
        when = asyncio.get_running_loop().time() + self._read_timeout
        current = timeout.when()
        if current is None or when < current:
            timeout.reschedule(when)


class AttemptConnector(aiohttp.TCPConnector):
    """aiohttp's connector, telling the current :class:`AttemptLimit` when it has connected
    (a new connection or one from the pool)."""

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        connection = await super().connect(*args, **kwargs)
        limit = _CURRENT.get()
        if limit is not None:
            limit.connected()
        return connection
