"""The sync driver of long-running operations: ``LROPoller`` over the sans-I/O core.

The algorithms, status rules, final-result rules and token contents live in
:mod:`.lro_core` and :mod:`.lro_token`; this module only sends the requests the core asks for
through the blocking pipeline, and sleeps. The poller runs in the caller's thread:
``result()``/``wait()`` sleep between polls and ``done()`` performs at most one due poll
without sleeping. Nothing here starts a thread unless asked (:meth:`LROPoller.start_background`).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any, Generic, Protocol, TypeVar, overload

from .exceptions import OperationFailedError, PollingTimeoutError
from .http import HttpRequest, HttpResponse
from .lro_core import (
    DEFAULT_RETRY_AFTER_MAX,
    Flow,
    LroCore,
    drive,
    is_terminal_status,
    provisioning_state,
    request_budget,
    retry_after_seconds,
    same_origin,
)
from .lro_failure import FailureDescriber
from .lro_start import resume_core
from .lro_token import (
    PollingState,
    decode_continuation_token,
    encode_continuation_token,
    lost_response_token,
    normalize_final_state_via,
    token_api_version,
)
from .poller_core import PollerCore
from .retry import RetryPolicy

__all__ = [
    "DEFAULT_RETRY_AFTER_MAX",
    "ArmPollingMethod",
    "LROPoller",
    "OperationFailedError",
    "PollingPipeline",
    "PollingState",
    "PollingTimeoutError",
    "decode_continuation_token",
    "encode_continuation_token",
    "is_terminal_status",
    "lost_response_token",
    "normalize_final_state_via",
    "provisioning_state",
    "retry_after_seconds",
    "same_origin",
    "token_api_version",
]

T = TypeVar("T")


class PollingPipeline(Protocol):
    """What the poller needs from ``Pipeline``: one authenticated request at a time."""

    def run(
        self,
        request: HttpRequest,
        *,
        client_request_id: str | None = None,
        timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
    ) -> HttpResponse: ...


class ArmPollingMethod(Generic[T]):
    """One operation's :class:`~.lro_core.LroCore`, driven through a blocking pipeline.

    ``update_status()`` is one poll (and the final GET when it ends the operation). Not
    thread-safe by itself; :class:`LROPoller` serializes access to it.
    """

    def __init__(
        self,
        state: PollingState | LroCore[T],
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T] | None = None,
        last_response: HttpResponse | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
    ) -> None:
        self.core: LroCore[T] = (
            state
            if isinstance(state, LroCore)
            else LroCore(
                state,
                deserialize=deserialize,
                last_response=last_response,
                secret_fields=secret_fields,
                describe_failure=describe_failure,
            )
        )
        self._pipeline = pipeline
        self._request_timeout = request_timeout
        self._retry_policy = retry_policy
        self._give_up_at: float | None = None
        self._clock: Callable[[], float] = time.monotonic

    @classmethod
    def from_initial_response(
        cls,
        response: HttpResponse,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        final_state_via: str | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
    ) -> ArmPollingMethod[T]:
        """Choose the algorithm and the initial status from the operation's first response."""
        core: LroCore[T] = LroCore.from_initial_response(
            response,
            deserialize=deserialize,
            operation_id=operation_id,
            client_request_id=client_request_id,
            final_state_via=final_state_via,
            secret_fields=secret_fields,
            describe_failure=describe_failure,
        )
        return cls(
            core, pipeline=pipeline, request_timeout=request_timeout, retry_policy=retry_policy
        )

    @classmethod
    def from_resource_response(
        cls,
        response: HttpResponse,
        *,
        method: str,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T] | None,
        operation_id: str,
        client_request_id: str,
        final_state_via: str | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
    ) -> ArmPollingMethod[T]:
        """Follow a PUT or PATCH through its resource (see ``LroCore.from_resource_response``)."""
        core: LroCore[T] = LroCore.from_resource_response(
            response,
            method=method,
            deserialize=deserialize,
            operation_id=operation_id,
            client_request_id=client_request_id,
            final_state_via=final_state_via,
            secret_fields=secret_fields,
            describe_failure=describe_failure,
        )
        return cls(
            core, pipeline=pipeline, request_timeout=request_timeout, retry_policy=retry_policy
        )

    # -- views, from the core --

    @property
    def state(self) -> PollingState:
        """The resumable state as of the latest response."""
        return self.core.state

    @property
    def last_response(self) -> HttpResponse | None:
        """The most recent response (initial, poll or final GET); ``None`` right after resume."""
        return self.core.last_response

    def status(self) -> str:
        """The service's status string, verbatim; ``"Failed"`` once polling stopped on an error."""
        return self.core.status()

    def is_terminal(self) -> bool:
        """Whether the service reported succeeded, failed or canceled (any case)."""
        return self.core.is_terminal()

    def finished(self) -> bool:
        """Whether the result (or the failure) is final; no more requests will be made."""
        return self.core.finished()

    def resource(self) -> T | None:
        """The deserialized result once :meth:`finished` (``None`` for result-less operations)."""
        return self.core.resource()

    def continuation_token(self) -> str:
        """A token to resume polling from, valid in every state."""
        return self.core.continuation_token()

    def server_delay(self) -> float | None:
        """The delay the latest response asked for, when it asked for a non-zero one."""
        return self.core.server_delay()

    # -- the work: the core's steps, sent through the pipeline --

    def step(self) -> None:
        """The next due step: a poll, or only the completion when already terminal."""
        drive(self.core.step(), self._send)

    def update_status(self) -> None:
        """Poll once; when the status becomes terminal, also fetch the final result (or raise)."""
        self._drive(self.core.update_status())

    def complete_if_terminal(self) -> None:
        """Finish without polling when the status is already terminal (initial or resumed)."""
        self._drive(self.core.complete_if_terminal())

    def finish_without_polling(self) -> None:
        """``polling=False``: the result is the initial response's body, as it stands."""
        self.core.finish_without_polling()

    def mark_failed(self) -> None:
        """Polling stopped on an error the service did not report (see ``LroCore.mark_failed``)."""
        self.core.mark_failed()

    def limit_requests(self, give_up_at: float | None, clock: Callable[[], float]) -> None:
        """Make every request from now on end, retries included, by ``give_up_at`` on
        ``clock``: each gets what is left as its timeout. ``None`` lifts the limit."""
        self._give_up_at = give_up_at
        self._clock = clock

    def _drive(self, flow: Flow) -> None:
        drive(flow, self._send)

    def _send(self, request: HttpRequest) -> HttpResponse:
        if self._give_up_at is None:
            timeout, retry_policy = self._request_timeout, self._retry_policy
        else:
            timeout, retry_policy = request_budget(
                request.url,
                self._give_up_at,
                self._clock(),
                self._request_timeout,
                self._retry_policy,
            )
        return self._pipeline.run(
            request,
            # The same for every request of the operation (the state keeps it as it came).
            client_request_id=self.core.state.client_request_id,
            timeout=timeout,
            retry_policy=retry_policy,
        )


# --- the poller ------------------------------------------------------------------------------


class LROPoller(PollerCore[T], Generic[T]):
    """A long-running operation; azure-core's ``LROPoller`` surface, polled in the caller's thread.

    ``result()``/``wait()`` sleep between polls (``Retry-After`` of the latest response when it
    asks for a non-zero delay, capped at ``max_retry_after``, else ``polling_interval``; an
    initial ``Retry-After`` is honoured before the first poll). ``done()`` never sleeps.
    One lock serializes polls, so several threads may wait on the same poller.

    No thread is started unless :meth:`start_background` is called; ``deadline`` (seconds from
    construction) bounds the whole operation, whoever waits.
    """

    def __init__(
        self,
        polling_method: ArmPollingMethod[T],
        *,
        polling: bool = True,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        first_poll_immediately: bool = False,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._method = polling_method
        self._sleep = sleep
        self._lock = threading.Lock()
        # Separate from the poll lock so a callback may register another without deadlocking.
        self._callback_lock = threading.Lock()
        self._callbacks: list[Callable[[ArmPollingMethod[T]], object]] = []
        self._background: threading.Thread | None = None
        # Set by start_background: most pollers never need an Event.
        self._background_stopped: threading.Event
        self._background_error: BaseException | None = None
        super().__init__(
            polling_method.core,
            polling=polling,
            polling_interval=polling_interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            first_poll_immediately=first_poll_immediately,
            clock=clock,
        )

    # -- construction helpers --

    @overload
    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], T],
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> LROPoller[T]: ...

    @overload
    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: PollingPipeline,
        deserialize: None,
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> LROPoller[None]: ...

    @classmethod
    def from_continuation_token(
        cls,
        continuation_token: str,
        *,
        pipeline: PollingPipeline,
        deserialize: Callable[[Any], Any] | None,
        operation_id: str | None = None,
        polling_interval: float = 30.0,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None = None,
        request_timeout: float | None = None,
        retry_policy: RetryPolicy | None = None,
        secret_fields: frozenset[str] = frozenset(),
        describe_failure: FailureDescriber | None = None,
        sleep: Callable[[float], object] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> LROPoller[Any]:
        """Resume an operation from a token: no initial request, the first poll is immediate.

        Raises ``ValueError`` for a garbage, truncated, modified or foreign token, or one made
        for another ``operation_id``.
        """
        core: LroCore[Any] = resume_core(
            continuation_token,
            deserialize=deserialize,
            operation_id=operation_id,
            secret_fields=secret_fields,
            describe_failure=describe_failure,
        )
        method = ArmPollingMethod(
            core, pipeline=pipeline, request_timeout=request_timeout, retry_policy=retry_policy
        )
        return LROPoller(
            method,
            polling_interval=polling_interval,
            max_retry_after=max_retry_after,
            deadline=deadline,
            first_poll_immediately=True,
            sleep=sleep,
            clock=clock,
        )

    # -- the Poller protocol --

    def polling_method(self) -> ArmPollingMethod[T]:
        """The object that holds the algorithm's state and does the HTTP work."""
        return self._method

    def start_background(self) -> LROPoller[T]:
        """Poll in one daemon thread from now on, and return this poller.

        ``result()``/``wait()`` then only wait for that thread (their ``timeout`` still
        applies), ``done()`` only looks, and done callbacks run in the background thread. A
        second call, or a call once the operation finished, does nothing.
        """
        with self._callback_lock:
            if self._background is None and not self._core.finished():
                self._background_stopped = threading.Event()
                self._background = threading.Thread(
                    target=self._poll_in_background,
                    name=f"LROPoller({self._core.state.operation_id})",
                    daemon=True,
                )
                self._background.start()
        return self

    def _poll_in_background(self) -> None:
        try:
            self._wait_here(None, None)
        except BaseException as exc:  # surfaced to the waiters, never lost in the thread
            self._background_error = exc
        finally:
            self._background_stopped.set()

    def done(self) -> bool:
        """Whether the operation finished; never sleeps, performs at most one poll if one is due."""
        # A thread already mid-poll will bring the news, so do not wait for its lock here.
        if self._background is None and self._due() and self._lock.acquire(blocking=False):
            try:
                self._step_if_due()
            except PollingTimeoutError:
                pass  # the deadline cut the poll short; the operation is simply not done
            finally:
                self._lock.release()
        return self._core.finished()

    def wait(self, timeout: float | None = None) -> None:
        """Poll until the operation finishes.

        Raises :class:`PollingTimeoutError` (a ``TimeoutError``) when ``timeout`` seconds, or the
        poller's overall ``deadline``, pass first, and the operation's error if it failed.
        """
        give_up_at = self._wait_ends_at(timeout)
        # A done callback runs in the background thread, which only stops after the
        # callbacks: waiting for it from inside one would wait forever.
        if self._background is not None and threading.current_thread() is not self._background:
            self._wait_for_background(timeout)
        else:
            self._wait_here(give_up_at, timeout)

    def _wait_for_background(self, timeout: float | None) -> None:
        if not self._background_stopped.wait(timeout):
            raise self._schedule.timeout_error(f"the {timeout} s timeout passed")
        if self._exception is not None:
            raise self._exception
        if self._background_error is not None:
            raise self._background_error

    def _wait_here(self, give_up_at: float | None, timeout: float | None) -> None:
        while not self._core.finished():
            pause, limit, reason, runs_out = self._next_wait(give_up_at, timeout)
            if pause > 0:
                self._sleep(pause)
            if runs_out:
                raise self._schedule.timeout_error(reason)
            with self._lock:
                self._step_if_due(limit, reason)
        if self._exception is not None:
            raise self._exception

    def result(self, timeout: float | None = None) -> T:
        """Wait for the operation and return its result; see :meth:`wait` for what it raises.

        Never returns a half-built object: a timeout is an exception, not a partial result.
        """
        self.wait(timeout)
        return self._outcome()

    def add_done_callback(self, func: Callable[[ArmPollingMethod[T]], object]) -> None:
        """Call ``func(polling_method)`` once the operation finishes (succeeded or failed).

        It runs in whichever thread observes completion; immediately if already finished.
        """
        with self._callback_lock:
            if not self._core.finished():
                self._callbacks.append(func)
                return
        func(self._method)

    def remove_done_callback(self, func: Callable[[ArmPollingMethod[T]], object]) -> None:
        """Forget a callback; ``ValueError`` once the operation has finished."""
        with self._callback_lock:
            if self._core.finished():
                raise ValueError("The operation has finished; its callbacks already ran.")
            self._callbacks = [callback for callback in self._callbacks if callback is not func]

    # -- internals --

    def _step_if_due(self, limit: float | None = None, reason: str = "") -> None:
        """Caller holds the lock. Re-check under it so concurrent waiters never double-poll.

        The step's requests must end by ``limit`` (the caller's earlier of deadline and wait
        timeout; the deadline when ``None``), or it raises :class:`PollingTimeoutError`.
        """
        if not self._due():
            return
        if limit is None and self._schedule.deadline_at is not None:
            limit, reason = self._schedule.limit(None, None)
        method = self._method
        if limit is None:  # nothing to limit the step's requests by
            try:
                method.step()
            except Exception as exc:
                self._step_failed(exc, limit, reason)
        else:
            method.limit_requests(limit, self._clock)
            try:
                method.step()
            except Exception as exc:
                self._step_failed(exc, limit, reason)
            finally:
                method.limit_requests(None, self._clock)
        if self._core.finished():
            with self._callback_lock:
                callbacks, self._callbacks = self._callbacks, []
            for callback in callbacks:
                callback(method)
        self._schedule.after_step(self._clock())


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false
