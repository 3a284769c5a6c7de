"""The time limit of one attempt of the async transport, the same as the sync transport's.

Without a call ``timeout=``, the sync transport bounds each attempt by ``connection_timeout``
to connect and then by ``read_timeout`` for the whole answer -- status line, headers and
body -- not only for each read (see :mod:`..deadline`). aiohttp has no limit that starts once
connected, so :class:`AttemptLimit` is one timer per attempt, limiting it to
``connection_timeout + read_timeout`` (or the call's limit, when earlier) and, once
:class:`AttemptConnector` (the transport's own connector) reports the connection, to
``read_timeout`` from then, never past the call's limit. A server trickling bytes is cut off
after ``read_timeout`` whatever the driver.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextvars import Context, ContextVar, Token
from types import TracebackType
from typing import Any

import aiohttp

from ..exceptions import ServiceRequestTimeoutError, ServiceResponseTimeoutError

__all__ = ["AttemptConnector", "AttemptLimit"]

# A timer that fires this little before the limit ends the attempt rather than firing again.
_EARLY_BY = 0.001

# The context the timers run in: an empty one. A timer copies the current context unless
# given one, and a cancelled timer stays in the loop's heap (with that copy) until the loop
# purges cancelled timers -- a copy made after the limit was set would keep it, and what it
# refers to, alive that long.
_TIMER_CONTEXT = Context()

_CURRENT: ContextVar[AttemptLimit | None] = ContextVar("vmss_runcommands_attempt", default=None)


class AttemptLimit:
    """``with AttemptLimit(...)`` around one attempt (the request and its body read).

    A timer on the loop cancels the attempt's task when the limit passes; leaving, that
    cancellation becomes ``ServiceRequestTimeoutError`` (not connected yet) or
    ``ServiceResponseTimeoutError``. (``asyncio.timeout`` does the same from Python 3.11.)

    One timer per attempt, set for the earliest moment the limit could pass (``read_timeout``
    from the start, should the connection come at once) and moved only when it fires before
    the limit or when a late connection brings the limit before it: an answer in time -- all
    but a few -- costs one timer and its cancellation, not one per phase.
    """

    __slots__ = (
        "_armed_at",
        "_connected",
        "_expired",
        "_handle",
        "_loop",
        "_read_timeout",
        "_target",
        "_task",
        "_token",
        "_until",
    )

    def __init__(
        self,
        connection_timeout: float,
        read_timeout: float,
        call_ends: float | None,
        target: str | Callable[[], str],
        *,
        tracks_connect: bool = True,
    ) -> None:
        self._loop = asyncio.get_running_loop()
        # loop.time() is time.monotonic() on every platform asyncio ships loops for; call_ends
        # is on that clock.
        now = self._loop.time()
        until = now + connection_timeout + read_timeout
        # The limit: the connect-and-read allowance (or the call's limit, when earlier), then
        # read_timeout from the connection when that is earlier still.
        self._until = until if call_ends is None or call_ends > until else call_ends
        self._read_timeout = read_timeout
        self._target = target
        # With a caller's session (not our connector) the connection is never reported: a
        # timeout is then worded as waiting for the response, as aiohttp's own would be.
        self._connected = not tracks_connect
        self._expired = False
        self._task: asyncio.Task[Any] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._token: Token[AttemptLimit | None] | None = None
        first = now + read_timeout if tracks_connect else until
        self._armed_at = first if first < self._until else self._until

    def __enter__(self) -> AttemptLimit:
        self._task = asyncio.current_task()
        self._handle = self._loop.call_at(self._armed_at, self._check, context=_TIMER_CONTEXT)
        self._token = _CURRENT.set(self)
        return self

    def __exit__(
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
        # (and through it the call's poller, responses and the secrets they carry), nor the
        # request its wording reads.
        task, self._task, self._handle = self._task, None, None
        target, self._target = self._target, ""
        if not (self._expired and exc_type is asyncio.CancelledError):
            return
        uncancel = getattr(task, "uncancel", None)  # Python 3.11+
        if uncancel is not None:
            uncancel()
        if not isinstance(target, str):
            target = target()
        if self._connected:
            raise ServiceResponseTimeoutError(
                f"Timed out waiting for the response to {target} (TimeoutError)"
            ) from None
        raise ServiceRequestTimeoutError(
            f"Timed out connecting for {target} (TimeoutError)"
        ) from None

    def _check(self) -> None:
        """The timer fired: end the attempt when its limit has come, else wait on for it."""
        if self._until - self._loop.time() > _EARLY_BY:
            self._arm(self._until)
            return
        self._handle = None
        self._expired = True
        if self._task is not None:
            self._task.cancel()

    def _arm(self, when: float) -> None:
        if self._handle is not None:
            self._handle.cancel()
        self._armed_at = when
        self._handle = self._loop.call_at(when, self._check, context=_TIMER_CONTEXT)

    def connected(self) -> None:
        """The connection is there: the answer must come within ``read_timeout`` from now."""
        self._connected = True
        when = self._loop.time() + self._read_timeout
        if self._expired or when >= self._until:
            return
        self._until = when
        if when < self._armed_at and self._handle is not None:
            self._arm(when)  # connected after the timer had moved past this


class AttemptConnector(aiohttp.TCPConnector):
    """aiohttp's connector, telling the current :class:`AttemptLimit` when it has connected
    (a new connection or one from the pool)."""

    async def connect(self, *args: Any, **kwargs: Any) -> aiohttp.connector.Connection:
        connection = await super().connect(*args, **kwargs)
        limit = _CURRENT.get()
        if limit is not None:
            limit.connected()
        return connection
