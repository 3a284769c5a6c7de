"""``AsyncLROPoller``: the asyncio driver of the sans-I/O LRO core.

Same algorithms, delays, deadlines, errors and continuation tokens as the sync
``LROPoller`` (tokens are interchangeable between the two): both are a
:class:`~..poller_core.PollerCore`, and this one only awaits the requests the core asks for
and ``asyncio.sleep``. No thread and no task is started: the awaiting caller polls.
"""

from __future__ import annotations

import asyncio
import inspect
import time
from collections.abc import Awaitable, Callable, Generator
from typing import Any, Generic, Protocol, TypeVar

from ..call_options import AsyncPollingMethod, PipelineResponse, method_continuation_token
from ..http import HttpRequest, HttpResponse
from ..lro_core import DEFAULT_RETRY_AFTER_MAX, Flow, LroCore, request_budget
from ..lro_failure import FailureDescriber
from ..lro_start import resume_core
from ..poller_core import PollerCore
from ..retry import RetryPolicy

__all__ = ["AsyncLROPoller", "AsyncMethodPoller", "AsyncPollingPipeline", "drive"]

T = TypeVar("T")


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
    """Run one step of the core with an awaited ``send`` (``lro_core.drive``'s twin)."""
    try:
        request = next(flow)
        while True:
            request = flow.send(await send(request))
    except StopIteration:
        return


class AsyncLROPoller(PollerCore[T], Generic[T]):
    """A long-running operation for asyncio; azure-core's ``AsyncLROPoller`` surface.

    ``await poller.result()`` (or ``await poller``) waits for the result, ``await
    poller.wait()`` for the end; ``done()``, ``status()`` and ``continuation_token()`` only
    look. Polls never overlap, so several tasks may await one poller: while one task polls,
    the others wait for its step to end, then look again.
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
        self._pipeline = pipeline
        self._request_timeout = request_timeout
        self._retry_policy = retry_policy
        self._sleep = sleep
        # Whether a task polls now, and what other tasks wait on meanwhile (made only when
        # one comes): cheaper than an asyncio.Lock around every poll.
        self._stepping = False
        self._step_over: asyncio.Future[None] | None = None
        self._give_up_at: float | None = None
        super().__init__(
            core,
            polling=polling,
            polling_interval=polling_interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            first_poll_immediately=first_poll_immediately,
            clock=clock,
        )

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
        core = resume_core(
            continuation_token,
            deserialize=deserialize,
            operation_id=operation_id,
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

    def done(self) -> bool:
        """Whether the operation finished (never polls; ``await wait()`` does)."""
        return self._core.finished()

    # -- waiting --

    async def wait(self, timeout: float | None = None) -> None:
        """Poll until the operation finishes; ``PollingTimeoutError`` when ``timeout`` or the
        poller's deadline passes first, the operation's error if it failed."""
        give_up_at = self._wait_ends_at(timeout)
        while not self._core.finished():
            pause, limit, reason, runs_out = self._next_wait(give_up_at, timeout)
            if pause > 0:
                await self._sleep(pause)
            if runs_out:
                raise self._schedule.timeout_error(reason)
            if self._stepping:
                await self._step_ended()  # another task's poll: then look again
                continue
            self._stepping = True
            try:
                await self._step_if_due(limit, reason)
            finally:
                self._stepping = False
                over = self._step_over
                if over is not None:
                    self._step_over = None
                    over.set_result(None)
        if self._exception is not None:
            raise self._exception

    async def result(self, timeout: float | None = None) -> T:
        """Wait for the operation and return its result (see :meth:`wait`)."""
        await self.wait(timeout)
        return self._outcome()

    def __await__(self) -> Generator[Any, None, T]:
        return self.result().__await__()

    async def _step_ended(self) -> None:
        """Wait for another task's step (shielded: a cancelled waiter cancels no other)."""
        over = self._step_over
        if over is None:
            over = self._step_over = asyncio.get_running_loop().create_future()
        await asyncio.shield(over)

    # -- internals --

    async def _step_if_due(self, limit: float | None, reason: str) -> None:
        if not self._due():
            return
        self._give_up_at = limit
        try:
            # drive()'s loop, written out: one coroutine less around every request.
            flow = self._core.step()
            try:
                request = next(flow)
                while True:
                    request = flow.send(await self._send(request))
            except StopIteration:
                pass
        except Exception as exc:
            self._step_failed(exc, limit, reason)
        finally:
            self._give_up_at = None
        self._schedule.after_step(self._clock())

    def _send(self, request: HttpRequest) -> Awaitable[HttpResponse]:
        """The pipeline's send of ``request`` within the step's budget, to be awaited (not a
        coroutine of its own: one frame less for every await inside the request)."""
        timeout, retry_policy = request_budget(
            request.url, self._give_up_at, self._clock(), self._request_timeout, self._retry_policy
        )
        return self._pipeline.run(
            request,
            client_request_id=self._core.state.client_request_id,
            timeout=timeout,
            retry_policy=retry_policy,
        )


class AsyncMethodPoller(AsyncLROPoller[T], Generic[T]):
    """An ``AsyncLROPoller`` driven by a caller's polling-method object instead of ours
    (``polling=AsyncNoPolling()``, as azure-core's async clients take it).

    The first ``wait``/``result`` starts the method's ``run()`` as a task; ``result(timeout)``
    raises ``TimeoutError`` when it has not finished in time (never half a result), and the
    run goes on for a later wait.
    """

    def __init__(
        self,
        method: AsyncPollingMethod[T],
        client: object,
        initial: PipelineResponse,
        deserialize: Callable[[PipelineResponse], T],
    ) -> None:
        # AsyncLROPoller.__init__ sets up our own ARM algorithm, which this poller does not run.
        self._custom = method
        self._run: asyncio.Future[None] | None = None
        method.initialize(client, initial, deserialize)

    def polling_method(self) -> Any:
        return self._custom

    def status(self) -> str:
        return self._custom.status()

    def done(self) -> bool:
        return self._custom.finished()

    def continuation_token(self) -> str:
        return method_continuation_token(self._custom)

    async def wait(self, timeout: float | None = None) -> None:
        if self._run is None:
            self._run = asyncio.ensure_future(self._run_method())
        try:
            await asyncio.wait_for(asyncio.shield(self._run), timeout)
        except TimeoutError:
            raise TimeoutError(
                f"The operation was still {self._custom.status()!r} after {timeout} seconds"
            ) from None

    async def _run_method(self) -> None:
        ran = self._custom.run()
        if inspect.isawaitable(ran):  # a sync polling method (NoPolling) runs at once
            await ran

    async def result(self, timeout: float | None = None) -> T:
        await self.wait(timeout)
        return self._custom.resource()

    def __repr__(self) -> str:
        return f"<AsyncLROPoller {type(self._custom).__name__} status={self._custom.status()!r}>"
