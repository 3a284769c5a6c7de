"""``AsyncLROPoller``: the asyncio driver of the sans-I/O LRO core.

Same algorithms, delays, deadlines, errors and continuation tokens as the sync
``LROPoller`` (tokens are interchangeable between the two); polls are awaited requests and
waits are ``asyncio.sleep``. No thread and no task is started: the awaiting caller polls.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, Protocol, TypeVar, cast

from ..checks import check_seconds
from ..exceptions import AzureError
from ..http import HttpRequest, HttpResponse
from ..lro_core import (
    DEFAULT_RETRY_AFTER_MAX,
    Flow,
    LroCore,
    PollSchedule,
    cut_short,
    request_budget,
)
from ..lro_failure import FailureDescriber
from ..lro_token import ALG_NONE, decode_continuation_token
from ..retry import RetryPolicy

__all__ = ["AsyncLROPoller", "AsyncPollingPipeline", "drive"]

T = TypeVar("T")

_LOGGER = logging.getLogger("vmss_runcommands.runtime.polling")


class AsyncPollingPipeline(Protocol):
    """What the poller needs from ``AsyncPipeline``: one authenticated request at a time."""

    async def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        max_response_body: int | None = None,
    ) -> HttpResponse: ...


async def drive(flow: Flow, send: Callable[[HttpRequest], Awaitable[HttpResponse]]) -> None:
    """Run one step of the core with an awaited ``send`` (the async driver)."""
    try:
        request = next(flow)
        while True:
            request = flow.send(await send(request))
    except StopIteration:
        return


class AsyncLROPoller(Generic[T]):
    """A long-running operation for asyncio; azure-core's ``AsyncLROPoller`` surface.

    ``await poller.result()`` (or ``await poller``) waits for the result, ``await
    poller.wait()`` for the end; ``done()``, ``status()`` and ``continuation_token()`` only
    look. One ``asyncio.Lock`` serializes polls, so several tasks may await one poller.
    """

    def __init__(
        self,
        core: LroCore[T],
        *,
        pipeline: AsyncPollingPipeline,
        polling: bool = True,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        first_poll_immediately: bool = False,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        now = clock()
        self._schedule = PollSchedule(
            core,
            now=now,
            polling_interval=polling_interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            first_poll_immediately=first_poll_immediately,
        )
        self._core = core
        self._pipeline = pipeline
        self._request_timeout = request_timeout
        self._retry_policy = retry_policy
        self._sleep = sleep
        self._clock = clock
        self._lock = asyncio.Lock()
        self._exception: BaseException | None = None
        self._give_up_at: float | None = None
        if not polling:
            try:
                core.finish_without_polling()
            except Exception as exc:
                self._fail(exc)
        elif core.needs_no_poll():
            self._schedule.next_poll_at = now

    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: AsyncPollingPipeline,
        deserialize: Callable[[Any], T] | None,
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> AsyncLROPoller[T]:
        """Resume from a token made by either poller; the first poll is immediate.

        ``ValueError`` for a garbage, modified or foreign token, or another operation's.
        """
        state = decode_continuation_token(continuation_token)
        if operation_id is not None and state.operation_id != operation_id:
            raise ValueError(
                f"This continuation token belongs to operation {state.operation_id!r}, "
                f"not {operation_id!r}"
            )
        if state.algorithm == ALG_NONE and deserialize is not None:
            raise ValueError(
                f"Operation {state.operation_id} finished with its first response; its result "
                "was in that response and cannot be recovered from a continuation token"
            )
        core: LroCore[T] = LroCore(
            state,
            deserialize=deserialize,
            secret_fields=secret_fields,
            describe_failure=describe_failure,
        )
        return cls(
            core,
            pipeline=pipeline,
            polling_interval=polling_interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            first_poll_immediately=True,
            request_timeout=request_timeout,
            retry_policy=retry_policy,
            sleep=sleep,
            clock=clock,
        )

    # -- looking --

    def polling_method(self) -> LroCore[T]:
        """The core holding the operation's state."""
        return self._core

    def status(self) -> str:
        """The latest status reported by the service, verbatim."""
        return self._core.status()

    def done(self) -> bool:
        """Whether the operation finished (never polls; ``await wait()`` does)."""
        return self._core.finished()

    def continuation_token(self) -> str:
        """A token for either poller's ``from_continuation_token``; works in every state."""
        return self._core.continuation_token()

    # -- waiting --

    async def wait(self, timeout: float | None = None) -> None:
        """Poll until the operation finishes; ``PollingTimeoutError`` when ``timeout`` or the
        poller's deadline passes first, the operation's error if it failed."""
        if timeout is not None:
            check_seconds("timeout", timeout)
        give_up_at = None if timeout is None else self._clock() + timeout
        schedule = self._schedule
        while not self._core.finished():
            now = self._clock()
            due = schedule.next_poll_at
            limit, reason = schedule.limit(give_up_at, timeout)
            if limit is not None and due > limit:
                if limit > now:
                    await self._sleep(limit - now)
                raise schedule.timeout_error(reason)
            if due > now:
                await self._sleep(due - now)
            async with self._lock:
                await self._step_if_due(limit, reason)
        if self._exception is not None:
            raise self._exception

    async def result(self, timeout: float | None = None) -> T:
        """Wait for the operation and return its result (see :meth:`wait`)."""
        await self.wait(timeout)
        return cast(T, self._core.resource())

    def __await__(self) -> Generator[Any, None, T]:
        return self.result().__await__()

    def __repr__(self) -> str:
        state = self._core.state
        return f"<AsyncLROPoller {state.operation_id} status={state.status!r}>"

    # -- internals --

    async def _step_if_due(self, limit: float | None, reason: str) -> None:
        core = self._core
        if core.finished() or self._clock() < self._schedule.next_poll_at:
            return
        self._give_up_at = limit
        try:
            await drive(core.step(), self._send)
        except Exception as exc:
            if limit is not None and cut_short(exc, self._clock(), limit):
                raise self._schedule.timeout_error(f"{reason} during a poll") from exc
            self._fail(exc)
        finally:
            self._give_up_at = None
        self._schedule.after_step(self._clock())

    async def _send(self, request: HttpRequest) -> HttpResponse:
        timeout, retry_policy = request_budget(
            request.url, self._give_up_at, self._clock(), self._request_timeout, self._retry_policy
        )
        return await self._pipeline.run(
            request,
            client_request_id=self._core.state.client_request_id,
            timeout=timeout,
            retry_policy=retry_policy,
        )

    def _fail(self, exc: Exception) -> None:
        self._core.mark_failed()
        if isinstance(exc, AzureError):
            exc.continuation_token = self._core.continuation_token()
        self._exception = exc
        _LOGGER.info(  # raised to the caller: not a warning as well
            "Long-running operation %s failed: %s",
            self._core.state.operation_id,
            type(exc).__name__,
        )
