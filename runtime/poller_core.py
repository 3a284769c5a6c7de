"""``PollerCore``: what the sync ``LROPoller`` and the async ``AsyncLROPoller`` share, sans I/O.

The operation's :class:`~.lro_core.LroCore` and :class:`~.lro_core.PollSchedule`, the looks
(``status``, ``done``, ``continuation_token``), when the next wait ends and whether it runs
out, and what a failed step becomes (a timeout that keeps the operation resumable, or the
operation's failure, with its continuation token). The drivers add only the loop that sleeps
or awaits and the requests.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Generic, TypeVar, cast

from .checks import check_seconds
from .exceptions import AzureError
from .lro_core import DEFAULT_RETRY_AFTER_MAX, LroCore, PollSchedule, cut_short

__all__ = ["PollerCore"]

T = TypeVar("T")

_LOGGER = logging.getLogger("vmss_runcommands.runtime.polling")


class PollerCore(Generic[T]):
    """The state of one poller: the operation's core, its schedule and its outcome."""

    def __init__(
        self,
        core: LroCore[T],
        *,
        polling: bool,
        polling_interval: float,
        max_retry_after: float = DEFAULT_RETRY_AFTER_MAX,
        deadline: float | None,
        first_poll_immediately: bool,
        clock: Callable[[], float],
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
        self._clock = clock
        self._exception: BaseException | None = None
        if not polling:
            try:
                core.finish_without_polling()
            except Exception as exc:
                self._fail(exc)
        elif core.needs_no_poll():
            self._schedule.next_poll_at = now

    # -- looking --

    def status(self) -> str:
        """The latest status reported by the service, verbatim."""
        return self._core.status()

    def continuation_token(self) -> str:
        """A token for either poller's ``from_continuation_token``; works in every state."""
        return self._core.continuation_token()

    def __repr__(self) -> str:
        state = self._core.state
        return f"<{type(self).__name__} {state.operation_id} status={state.status!r}>"

    # -- the decisions of a wait --

    def _wait_ends_at(self, timeout: float | None) -> float | None:
        """When a wait of ``timeout`` seconds (``None``: no limit) gives up."""
        if timeout is None:
            return None
        check_seconds("timeout", timeout)
        return self._clock() + timeout

    def _next_wait(
        self, give_up_at: float | None, timeout: float | None
    ) -> tuple[float, float | None, str, bool]:
        """``(seconds to sleep, limit of the next poll, its wording, whether the wait runs
        out after that sleep)``: a poll due after the limit is not waited for."""
        now = self._clock()
        due = self._schedule.next_poll_at
        limit, reason = self._schedule.limit(give_up_at, timeout)
        if limit is not None and due > limit:
            return max(0.0, limit - now), limit, reason, True
        return max(0.0, due - now), limit, reason, False

    def _due(self) -> bool:
        """Whether a poll is due now (re-checked under the driver's lock)."""
        return not self._core.finished() and self._clock() >= self._schedule.next_poll_at

    def _step_failed(self, exc: Exception, limit: float | None, reason: str) -> None:
        """A step raised ``exc``: our own time limit ending a request is a timeout (the
        operation is still running and resumable); anything else is the operation's failure."""
        if limit is not None and cut_short(exc, self._clock(), limit):
            raise self._schedule.timeout_error(f"{reason} during a poll") from exc
        self._fail(exc)

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

    def _outcome(self) -> T:
        """The result once finished, or the operation's error."""
        if self._exception is not None:
            raise self._exception
        return cast(T, self._core.resource())
