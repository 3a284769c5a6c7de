"""One pace for many workers: a shared token bucket that a 429 slows down for everyone.

ARM throttles per subscription, so when one request of a fan-out is told to back off, every
other worker is about to hear the same. :class:`Throttle` turns the first 429 into a pause for
all of them and halves their shared request rate, which then recovers linearly (additive
increase, multiplicative decrease).
"""

from __future__ import annotations

import asyncio
import collections
import dataclasses
import math
import threading
import time
from collections.abc import Callable, Generator
from typing import Any

from ..runtime.checks import check_seconds
from ..runtime.retry import RetryPolicy

__all__ = ["Throttle", "ThrottleAwareRetryPolicy"]

_THROTTLED = 429
_RATE_WINDOW_SECONDS = 5.0


def _check_number(name: str, value: float, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    if not math.isfinite(value) or value < 0 or (positive and value == 0):
        bound = "> 0" if positive else ">= 0"
        raise ValueError(f"{name} must be a finite number {bound}, not {value!r}")
    return float(value)


class Throttle:
    """Paces request starts across threads and reacts to throttling for all of them.

    :meth:`acquire` is called before each request a worker starts; it returns at once until
    the service throttles. :meth:`throttled` (called for a 429, directly or through
    :meth:`retry_policy`) then pauses every worker for the server's ``Retry-After`` (or an
    exponential backoff when it gives none) and limits the shared rate to half of what was
    being sent; the limit then grows by ``recovery`` requests per second, each second.

    Args:
        rate: a request-per-second limit from the start; ``None`` means no limit until a 429.
        min_rate: the limit never drops below this.
        recovery: requests per second added to the limit per second since the last 429.
        backoff: the first pause, in seconds, when a 429 carries no usable ``Retry-After``;
            doubled for each further 429 that follows a pause.
        max_pause: no single pause is longer.
        clock, sleep: injectable for tests.
    """

    def __init__(
        self,
        *,
        rate: float | None = None,
        min_rate: float = 1.0,
        recovery: float = 1.0,
        backoff: float = 1.0,
        max_pause: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
    ) -> None:
        self._min_rate = _check_number("min_rate", min_rate, positive=True)
        self._recovery = _check_number("recovery", recovery)
        self._backoff = _check_number("backoff", backoff)
        check_seconds("max_pause", max_pause)
        self._max_pause = float(max_pause)
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._base_rate = None if rate is None else _check_number("rate", rate, positive=True)
        self._limited_since = clock()
        self._next_start = 0.0
        self._paused_until = 0.0
        self._consecutive = 0
        self._throttle_count = 0
        self._recent: collections.deque[float] = collections.deque()

    # -- what workers call ----------------------------------------------------------------

    def acquire(self) -> float:
        """Wait until this worker may start a request; returns the seconds waited."""
        steps = self._pacing()
        try:
            while True:
                self._sleep(next(steps))
        except StopIteration as stop:
            waited: float = stop.value
            return waited

    async def acquire_async(self) -> float:
        """:meth:`acquire` for asyncio tasks: the same pacing, awaited (the lock is only held
        for bookkeeping, never across a wait)."""
        steps = self._pacing()
        try:
            while True:
                seconds = next(steps)
                if self._sleep is time.sleep:
                    await asyncio.sleep(seconds)
                else:  # an injected sleep (tests)
                    self._sleep(seconds)
                    await asyncio.sleep(0)
        except StopIteration as stop:
            waited: float = stop.value
            return waited

    def _pacing(self) -> Generator[float, None, float]:
        """The waits before a start, as seconds to sleep (no sleeping here); returns the total."""
        waited = 0.0
        with self._lock:
            now = self._clock()
            start = self._reserve(now)
        while start > now:
            yield start - now
            waited += start - now
            with self._lock:
                now = self._clock()
                if self._paused_until > start:
                    # A 429 arrived while this worker slept: queue up again behind the pause.
                    start = self._reserve(now)
        with self._lock:
            self._record_start(now)
        return waited

    def throttled(self, retry_after: float | None = None) -> float:
        """Record a 429; every worker pauses and the shared rate is halved. Returns the pause.

        A 429 arriving while a pause is on (the other workers' requests already in flight)
        only lengthens the pause to its ``retry_after``; it does not cut the rate again.
        """
        with self._lock:
            now = self._clock()
            requested = 0.0 if retry_after is None else max(0.0, float(retry_after))
            if now < self._paused_until:
                self._paused_until = max(self._paused_until, now + min(requested, self._max_pause))
                return self._paused_until - now
            self._throttle_count += 1
            self._consecutive = self._consecutive + 1 if now - self._paused_until < 1.0 else 1
            backoff = self._backoff * 2.0 ** (self._consecutive - 1)
            pause = min(self._max_pause, max(requested, backoff))
            current = self._rate_at(now)
            if current is None:
                current = self._observed_rate(now)
            self._base_rate = max(self._min_rate, current / 2.0)
            self._limited_since = now + pause
            self._paused_until = now + pause
            self._next_start = self._paused_until
            return pause

    # -- state ----------------------------------------------------------------------------

    @property
    def rate(self) -> float | None:
        """The current limit in requests per second; ``None`` while unlimited."""
        with self._lock:
            return self._rate_at(self._clock())

    @property
    def paused_for(self) -> float:
        """Seconds until the current pause ends (0 when none)."""
        with self._lock:
            return max(0.0, self._paused_until - self._clock())

    @property
    def throttle_count(self) -> int:
        """Throttling episodes so far (429s during a pause are not counted again)."""
        return self._throttle_count

    def retry_policy(self, base: RetryPolicy | None = None) -> ThrottleAwareRetryPolicy:
        """``base`` (the defaults when ``None``) reporting every 429 the client sees to this
        throttle, polls and retries included: build the fan-out's client with it."""
        settings: dict[str, Any] = {
            field.name: getattr(base or RetryPolicy(), field.name)
            for field in dataclasses.fields(RetryPolicy)
            if field.init
        }
        return ThrottleAwareRetryPolicy(**settings, throttle=self)

    def __repr__(self) -> str:
        rate = self.rate
        shown = "unlimited" if rate is None else f"{rate:.2f}/s"
        return f"Throttle(rate={shown}, throttled={self._throttle_count})"

    # -- internals (lock held) --------------------------------------------------------------

    def _reserve(self, now: float) -> float:
        start = max(now, self._paused_until)
        rate = self._rate_at(now)
        if rate is not None:
            start = max(start, self._next_start)
            self._next_start = start + 1.0 / rate
        return start

    def _rate_at(self, now: float) -> float | None:
        if self._base_rate is None:
            return None
        recovered = self._recovery * max(0.0, now - self._limited_since)
        return self._base_rate + recovered

    def _record_start(self, now: float) -> None:
        recent = self._recent
        recent.append(now)
        while recent and recent[0] < now - _RATE_WINDOW_SECONDS:
            recent.popleft()

    def _observed_rate(self, now: float) -> float:
        recent = self._recent
        while recent and recent[0] < now - _RATE_WINDOW_SECONDS:
            recent.popleft()
        if not recent:
            return self._min_rate
        # At least a one-second window, so a burst of simultaneous starts is not read as an
        # enormous rate.
        span = max(1.0, now - recent[0])
        return len(recent) / span


@dataclasses.dataclass(frozen=True)
class ThrottleAwareRetryPolicy(RetryPolicy):
    """A :class:`RetryPolicy` that also tells a :class:`Throttle` about each 429 it sees.

    The transport still retries the throttled request itself (after the server's
    ``Retry-After``); the throttle makes every other worker hold off for as long.
    """

    throttle: Throttle | None = dataclasses.field(default=None, repr=False, compare=False)

    def should_retry_response(self, method: str, code: int, *, has_retry_after: bool) -> bool:
        if code == _THROTTLED and self.throttle is not None:
            self.throttle.throttled()
        return super().should_retry_response(method, code, has_retry_after=has_retry_after)

    def retry_after(self, code: int, headers: Any) -> float | None:
        seconds = super().retry_after(code, headers)
        if code == _THROTTLED and self.throttle is not None and seconds:
            self.throttle.throttled(seconds)
        return seconds
