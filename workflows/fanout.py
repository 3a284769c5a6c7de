"""Fan-out: one run command over many instances, a bounded number at a time.

Worker threads share one client (it is thread-safe) and one :class:`Throttle`. Outcomes are
streamed in completion order; an instance that errors is reported and never stops the others.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any

from ..runtime.exceptions import HttpResponseError
from ..runtime.polling import retry_after_seconds
from .result import RunResult
from .run import RunCommandBody, RunWaiter, check_wait_settings
from .throttle import Throttle

if TYPE_CHECKING:
    # The newest api-version's client, which the top-level client subclasses: both it and
    # the client of `from vmss_runcommands.v<newest> import RunCommandsClient` are accepted.
    from .._client import NewestRunCommandsClient as RunCommandsClient

__all__ = [
    "FanOut",
    "FanOutProgress",
    "FanOutState",
    "FanOutSummary",
    "InstanceOutcome",
    "fan_out",
]

SUCCEEDED, FAILED, ERRORED = "succeeded", "failed", "errored"

_THROTTLED = 429
_WORKER_DONE = object()


@dataclass(frozen=True)
class InstanceOutcome:
    """What happened on one instance: a :class:`RunResult`, or the error that prevented one.

    ``status`` is ``"succeeded"`` (the script succeeded), ``"failed"`` (it ran and did not) or
    ``"errored"`` (no result: the service refused, the wait timed out, ...). ``attempts``
    counts the starts, more than one when a start was throttled. ``continuation_token`` is
    set on an errored instance whose run was accepted by the service: it resumes the wait
    (``run_and_wait(..., continuation_token=...)`` or ``FanOut(continuation_tokens=...)``)
    without running the script again.
    """

    instance_id: str
    result: RunResult | None = None
    error: Exception | None = None
    attempts: int = 1
    continuation_token: str | None = None

    @property
    def status(self) -> str:
        if self.result is None:
            return ERRORED
        return SUCCEEDED if self.result.succeeded else FAILED


@dataclass(frozen=True)
class FanOutProgress:
    """Counts so far; ``in_flight`` instances have started and not finished."""

    total: int
    in_flight: int
    succeeded: int
    failed: int
    errored: int

    @property
    def done(self) -> int:
        return self.succeeded + self.failed + self.errored


@dataclass(frozen=True)
class FanOutSummary:
    """Instance ids by outcome, sorted (numerically where they are numbers).

    ``not_started`` lists the instances a cancelled fan-out never got to.
    """

    succeeded: tuple[str, ...]
    failed: tuple[str, ...]
    errored: tuple[str, ...]
    not_started: tuple[str, ...]
    throttled: int

    @property
    def total(self) -> int:
        return len(self.succeeded) + len(self.failed) + len(self.errored) + len(self.not_started)

    @property
    def all_succeeded(self) -> bool:
        return not (self.failed or self.errored or self.not_started)


def _instance_order(instance_id: str) -> tuple[int, int, str]:
    return (0, int(instance_id), "") if instance_id.isdigit() else (1, 0, instance_id)


def _checked_ids(instance_ids: Iterable[str]) -> list[str]:
    if isinstance(instance_ids, str):
        raise TypeError("instance_ids must be an iterable of str, not a single str")
    ids = list(instance_ids)
    seen: set[str] = set()
    for position, instance_id in enumerate(ids):
        if not isinstance(instance_id, str):
            raise TypeError(
                f"instance_ids[{position}] must be a str, not {type(instance_id).__name__}"
            )
        if not instance_id.strip():
            raise ValueError(f"instance_ids[{position}] must not be empty")
        if instance_id in seen:
            # Two runs of the same command on one instance would conflict (409).
            raise ValueError(f"instance_ids lists instance {instance_id!r} twice")
        seen.add(instance_id)
    return ids


class FanOutState:
    """What a fan-out knows, whoever drives it (threads here, tasks in ``workflows.aio``):
    the checked ids and settings, which instance is next, the outcomes so far, cancellation,
    and what a failed start means."""

    def __init__(
        self,
        client: Any,
        resource_group_name: str,
        vm_scale_set_name: str,
        instance_ids: Iterable[str],
        run_command_name: str,
        run_command: RunCommandBody,
        *,
        max_in_flight: int = 16,
        throttle: Throttle | None = None,
        timeout: float | None = None,
        polling_interval: float | None = None,
        max_starts: int = 5,
        continuation_tokens: Mapping[str, str] | None = None,
    ) -> None:
        for name, value in (("max_in_flight", max_in_flight), ("max_starts", max_starts)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, not {value!r}")
        self._ids = _checked_ids(instance_ids)
        self._resume_tokens = dict(continuation_tokens or {})
        unknown = sorted(set(self._resume_tokens) - set(self._ids))
        if unknown:
            raise ValueError(f"continuation_tokens names instances not in instance_ids: {unknown}")
        self._client = client
        self._where = (resource_group_name, vm_scale_set_name, run_command_name)
        self._run_command = run_command
        self._timeout = timeout
        self._polling_interval = polling_interval
        self._max_starts = max_starts
        self.throttle = throttle if throttle is not None else Throttle()
        # Fail fast on bad settings, before any thread or request.
        check_wait_settings(timeout, polling_interval)
        self._pending = iter(self._ids)
        self._lock = threading.Lock()
        self._cancelled = threading.Event()
        self._by_status: dict[str, list[str]] = {SUCCEEDED: [], FAILED: [], ERRORED: []}
        self._in_flight = 0
        self._started: set[str] = set()
        # Instances whose run the service accepted and that are not finished: their tokens.
        self._tokens: dict[str, str] = {}
        self._workers = min(max_in_flight, len(self._ids))

    def _take(self) -> str | None:
        """The next instance to start (now in flight); ``None`` when none is left or the
        fan-out was cancelled."""
        if self._cancelled.is_set():
            return None
        with self._lock:
            instance_id = next(self._pending, None)
            if instance_id is not None:
                self._started.add(instance_id)
                self._in_flight += 1
            return instance_id

    def _record(self, outcome: InstanceOutcome) -> None:
        with self._lock:
            self._in_flight -= 1
            self._by_status[outcome.status].append(outcome.instance_id)

    def _start_arguments(self, instance_id: str) -> tuple[RunCommandBody | None, str | None]:
        """``(run_command, continuation_token)`` for ``RunWaiter.start``: a resumed instance
        waits again for the run it already has."""
        token = self._resume_tokens.get(instance_id)
        return (None, token) if token is not None else (self._run_command, None)

    def _accepted(self, instance_id: str, token: str) -> None:
        with self._lock:
            self._tokens[instance_id] = token

    def _finished(self, instance_id: str) -> None:
        with self._lock:
            self._tokens.pop(instance_id, None)

    def _errored_after_start(
        self, instance_id: str, error: Exception, attempts: int, token: str
    ) -> InstanceOutcome:
        token = getattr(error, "continuation_token", None) or token
        return InstanceOutcome(
            instance_id, error=error, attempts=attempts, continuation_token=token
        )

    def in_flight(self) -> dict[str, str | None]:
        """Instances started and not finished, with the continuation token that resumes each
        (``None`` while its first request is still on its way)."""
        with self._lock:
            done = {i for ids in self._by_status.values() for i in ids}
            return {i: self._tokens.get(i) for i in self._ids if i in self._started - done}

    def _waiter_settings(self, instance_id: str) -> dict[str, Any]:
        resource_group, scale_set, name = self._where
        return {
            "resource_group_name": resource_group,
            "vm_scale_set_name": scale_set,
            "instance_id": instance_id,
            "run_command_name": name,
            "timeout": self._timeout,
            "polling_interval": self._polling_interval,
            "throttle": self.throttle,
            "on_status": None,
        }

    def _after_failed_start(
        self, instance_id: str, error: Exception, attempts: int
    ) -> InstanceOutcome | None:
        """The outcome of a start that raised; ``None``: start it again (it was throttled)."""
        # A throttled start was not processed, so sending it again cannot run the script
        # twice; everything after the start is never repeated.
        if (
            not isinstance(error, HttpResponseError)
            or error.status_code != _THROTTLED
            or attempts >= self._max_starts
        ):
            return InstanceOutcome(instance_id, error=error, attempts=attempts)
        response = error.response
        self.throttle.throttled(retry_after_seconds(response) if response is not None else None)
        return None

    def cancel(self) -> None:
        """Start no further instance; those in flight finish and are still reported."""
        self._cancelled.set()

    def progress(self) -> FanOutProgress:
        """Counts so far; safe to call from any thread."""
        with self._lock:
            return FanOutProgress(
                total=len(self._ids),
                in_flight=self._in_flight,
                succeeded=len(self._by_status[SUCCEEDED]),
                failed=len(self._by_status[FAILED]),
                errored=len(self._by_status[ERRORED]),
            )

    def summary(self) -> FanOutSummary:
        """Instance ids by outcome so far (call :meth:`wait` first for the final one)."""
        with self._lock:
            finished = {
                status: sorted(ids, key=_instance_order) for status, ids in self._by_status.items()
            }
            not_started = (
                [i for i in self._ids if i not in self._started] if self._cancelled.is_set() else []
            )
        return FanOutSummary(
            succeeded=tuple(finished[SUCCEEDED]),
            failed=tuple(finished[FAILED]),
            errored=tuple(finished[ERRORED]),
            not_started=tuple(sorted(not_started, key=_instance_order)),
            throttled=self.throttle.throttle_count,
        )

    def __repr__(self) -> str:
        p = self.progress()
        return (
            f"<FanOut {p.done}/{p.total} done: {p.succeeded} succeeded, {p.failed} failed, "
            f"{p.errored} errored, {p.in_flight} in flight>"
        )


class FanOut(FanOutState, Iterator[InstanceOutcome]):
    """A running fan-out: iterate for outcomes as they complete; see :func:`fan_out`.

    Work starts when the object is created, in ``max_in_flight`` worker threads. :meth:`wait`
    drains it and returns the summary; :meth:`cancel` (or leaving a ``with`` block early)
    starts no further instance -- runs already sent keep going on their instances.
    """

    def __init__(self, client: RunCommandsClient, *args: Any, **kwargs: Any) -> None:
        super().__init__(client, *args, **kwargs)
        self._outcomes: queue.SimpleQueue[InstanceOutcome | object] = queue.SimpleQueue()
        self._live_workers = self._workers
        self._threads = [
            threading.Thread(target=self._work, name=f"fan-out-{n}", daemon=True)
            for n in range(self._workers)
        ]
        for thread in self._threads:
            thread.start()

    def __iter__(self) -> FanOut:
        return self

    def __next__(self) -> InstanceOutcome:
        while self._live_workers > 0:
            item = self._outcomes.get()
            if item is _WORKER_DONE:
                self._live_workers -= 1
                continue
            assert isinstance(item, InstanceOutcome)
            return item
        raise StopIteration

    def wait(self) -> FanOutSummary:
        """Consume the remaining outcomes and return the summary."""
        for _ in self:
            pass
        return self.summary()

    def __enter__(self) -> FanOut:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.cancel()

    # -- the workers ----------------------------------------------------------------------

    def _work(self) -> None:
        try:
            while (instance_id := self._take()) is not None:
                outcome = self._run_one(instance_id)
                self._record(outcome)
                self._outcomes.put(outcome)
        finally:
            self._outcomes.put(_WORKER_DONE)

    def _run_one(self, instance_id: str) -> InstanceOutcome:
        run = RunWaiter(self._client, **self._waiter_settings(instance_id))
        run_command, resume_token = self._start_arguments(instance_id)
        attempts = 0
        while True:
            attempts += 1
            try:
                poller = run.start(run_command, continuation_token=resume_token)
                break
            except Exception as error:
                outcome = self._after_failed_start(instance_id, error, attempts)
                if outcome is not None:
                    return outcome
        token = poller.continuation_token()
        self._accepted(instance_id, token)
        try:
            result = run.finish(poller)
        except Exception as error:
            return self._errored_after_start(instance_id, error, attempts, token)
        finally:
            self._finished(instance_id)
        return InstanceOutcome(instance_id, result=result, attempts=attempts)


def fan_out(
    client: RunCommandsClient,
    resource_group_name: str,
    vm_scale_set_name: str,
    instance_ids: Iterable[str],
    run_command_name: str,
    run_command: RunCommandBody,
    *,
    max_in_flight: int = 16,
    throttle: Throttle | None = None,
    timeout: float | None = None,
    polling_interval: float | None = None,
    max_starts: int = 5,
    continuation_tokens: Mapping[str, str] | None = None,
) -> FanOut:
    """Run the same run command on every instance in ``instance_ids``; returns at once.

    Iterate the returned :class:`FanOut` for :class:`InstanceOutcome` objects in completion
    order, then call ``summary()`` (or just ``wait()``)::

        throttle = Throttle()
        client = RunCommandsClient(
            credential,
            subscription_id,
            retry_policy=throttle.retry_policy(),
            pool_maxsize=32,
        )
        with fan_out(client, "rg", "vmss", ids, "patch", body, max_in_flight=32,
                     throttle=throttle) as runs:
            for outcome in runs:
                print(outcome.instance_id, outcome.status)
        print(runs.summary().failed)

    A client built with ``throttle.retry_policy()`` reports every 429 it sees -- even one its
    own retries absorb -- so all workers slow down together; with any other client the
    fan-out still backs off together on a 429 that reaches it, and starts that instance again
    (up to ``max_starts`` times: a throttled start ran nothing). Give the client a
    ``pool_maxsize`` of at least ``max_in_flight``: workers beyond it wait for a connection.

    Args:
        max_in_flight: instances worked on at the same time (worker threads).
        throttle: shared pacing; a new :class:`Throttle` when ``None``.
        timeout: seconds per instance (provisioning and script); a timed-out instance is
            ``errored`` with a :class:`RunTimeoutError` carrying its continuation token.
        polling_interval: see :func:`run_and_wait`.
        max_starts: attempts to start one instance while the service throttles.
        continuation_tokens: instance id -> token (``InstanceOutcome.continuation_token``)
            for instances whose run was already accepted: the fan-out waits for them again
            instead of sending ``run_command`` (which the others still get).

    Raises:
        ValueError / TypeError: bad ids (empty, duplicated, not str) or settings, before any
            request is sent.
    """
    return FanOut(
        client,
        resource_group_name,
        vm_scale_set_name,
        instance_ids,
        run_command_name,
        run_command,
        max_in_flight=max_in_flight,
        throttle=throttle,
        timeout=timeout,
        polling_interval=polling_interval,
        max_starts=max_starts,
        continuation_tokens=continuation_tokens,
    )
