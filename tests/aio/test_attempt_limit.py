"""The async transport's attempt limit: one timer per attempt, and still the sync transport's
limits -- ``connection_timeout + read_timeout`` before the connection, ``read_timeout`` from
it, never past the call's own limit.

Driven directly on an event loop (no server): what is waited for is an ``asyncio.sleep``
standing in for a request that never answers.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import time
from collections.abc import Callable
from typing import Any

import pytest
from vmss_runcommands.runtime.aio.attempt import _CURRENT, AttemptLimit
from vmss_runcommands.runtime.aio.transport import _target_text
from vmss_runcommands.runtime.exceptions import (
    ServiceRequestTimeoutError,
    ServiceResponseTimeoutError,
)
from vmss_runcommands.runtime.http import HttpRequest


def _counting_timers(loop: asyncio.AbstractEventLoop) -> list[float]:
    """Patch ``loop.call_at`` to record the time (from now) of each timer an attempt limit
    arms (not those of the sleeps standing in for requests)."""
    armed: list[float] = []
    call_at = loop.call_at
    start = loop.time()

    def counted(when: float, callback: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if isinstance(getattr(callback, "__self__", None), AttemptLimit):
            armed.append(when - start)
        return call_at(when, callback, *args, **kwargs)

    loop.call_at = counted  # type: ignore[method-assign]
    return armed


def test_an_attempt_answered_in_time_costs_one_timer() -> None:
    async def attempt() -> list[float]:
        armed = _counting_timers(asyncio.get_running_loop())
        with AttemptLimit(30.0, 300.0, None, "GET https://example.test/") as limit:
            limit.connected()  # a pooled connection, at once
            await asyncio.sleep(0)
        return armed

    armed = asyncio.run(attempt())
    assert len(armed) == 1
    # Armed for the earliest the limit could pass: read_timeout from the start.
    assert armed[0] == pytest.approx(300.0, abs=1.0)


def test_a_late_connection_brings_the_limit_forward() -> None:
    """The timer first fires at read_timeout (not connected yet: it waits on for the connect
    allowance); the connection then comes and the answer must come read_timeout from it."""

    async def attempt() -> float:
        started = time.monotonic()
        with (
            pytest.raises(ServiceResponseTimeoutError, match="waiting for the response"),
            AttemptLimit(1.0, 0.2, None, "GET https://example.test/") as limit,
        ):
            await asyncio.sleep(0.3)  # past the first timer, before the connect limit
            limit.connected()
            await asyncio.sleep(5.0)  # an answer that never comes
        return time.monotonic() - started

    elapsed = asyncio.run(attempt())
    assert 0.45 <= elapsed < 1.0  # 0.3 + 0.2, well before the connect allowance (1.2)


def test_no_connection_ends_at_the_connect_and_read_allowance() -> None:
    async def attempt() -> float:
        started = time.monotonic()
        with (
            pytest.raises(ServiceRequestTimeoutError, match="connecting for GET"),
            AttemptLimit(0.2, 0.1, None, lambda: "GET https://example.test/"),
        ):
            await asyncio.sleep(5.0)
        return time.monotonic() - started

    elapsed = asyncio.run(attempt())
    assert 0.28 <= elapsed < 1.0


def test_the_call_limit_ends_an_attempt_before_its_own() -> None:
    async def attempt() -> float:
        started = time.monotonic()
        call_ends = asyncio.get_running_loop().time() + 0.2
        with (
            pytest.raises(ServiceResponseTimeoutError),
            AttemptLimit(30.0, 300.0, call_ends, "GET https://example.test/") as limit,
        ):
            limit.connected()
            await asyncio.sleep(5.0)
        return time.monotonic() - started

    elapsed = asyncio.run(attempt())
    assert 0.18 <= elapsed < 1.0


def test_an_untracked_connection_is_limited_from_the_start() -> None:
    """A caller's session never reports its connection: the whole allowance from the start,
    worded as waiting for the response."""

    async def attempt() -> tuple[float, list[float]]:
        armed = _counting_timers(asyncio.get_running_loop())
        started = time.monotonic()
        with (
            pytest.raises(ServiceResponseTimeoutError),
            AttemptLimit(0.1, 0.2, None, "GET https://example.test/", tracks_connect=False),
        ):
            await asyncio.sleep(5.0)
        return time.monotonic() - started, armed

    elapsed, armed = asyncio.run(attempt())
    assert 0.28 <= elapsed < 1.0
    assert len(armed) == 1


def test_leaving_drops_the_task() -> None:
    """A pooled connection keeps the context it was opened in, this limit included: the limit
    must not keep the task (and the call's objects) alive after the attempt."""

    request = HttpRequest("GET", "https://example.test/", {"Authorization": "Bearer secret"})

    async def attempt() -> AttemptLimit:
        with AttemptLimit(30.0, 300.0, None, functools.partial(_target_text, request)) as limit:
            limit.connected()
            assert _CURRENT.get() is limit
        return limit

    limit = asyncio.run(attempt())
    assert limit._task is None
    assert limit._handle is None
    assert request not in gc.get_referents(*gc.get_referents(limit))


def test_timers_copy_no_context_that_holds_the_limit() -> None:
    """A cancelled timer stays in the loop's heap until the loop purges it; the context it
    runs in must not hold the limit (and through it the request)."""
    contexts: list[contextvars.Context] = []

    async def attempt() -> None:
        loop = asyncio.get_running_loop()
        call_at = loop.call_at

        def recording(when: float, callback: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(getattr(callback, "__self__", None), AttemptLimit):
                given = kwargs.get("context")
                contexts.append(contextvars.copy_context() if given is None else given)
            return call_at(when, callback, *args, **kwargs)

        loop.call_at = recording  # type: ignore[method-assign]
        with AttemptLimit(1.0, 0.05, None, "GET https://example.test/") as limit:
            await asyncio.sleep(0.1)  # the first timer fires before the connection: re-armed
            limit.connected()  # and moved earlier again

    asyncio.run(attempt())
    assert len(contexts) == 3
    assert all(context.get(_CURRENT) is None for context in contexts)
