"""The rate-limit headers ARM sends: what is left of each budget (the emulator never throttles
on its own; inject ``Fault.throttle`` for that)."""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

from .store import ResourceRef

__all__ = ["RateLimits"]

# Compute's budget for actions on one scale-set VM is small (a dozen per window); the
# subscription-wide ones are large.
_RESOURCE_BUDGET = 12
_SUBSCRIPTION_WRITES = 1199
_SUBSCRIPTION_READS = 11999
_WINDOW_SECONDS = 60.0
_WRITES = frozenset({"PUT", "PATCH", "DELETE", "POST"})


class RateLimits:
    """Counts requests in a sliding window and reports the remaining budgets."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._writes: deque[float] = deque()
        self._reads: deque[float] = deque()
        self._per_vm: dict[tuple[str, str, str], deque[float]] = {}

    def headers(self, method: str, ref: ResourceRef | None) -> list[tuple[str, str]]:
        """Count one request and return the ``x-ms-ratelimit-remaining-*`` headers for it."""
        now = self._clock()
        with self._lock:
            if method.upper() not in _WRITES:
                left = _SUBSCRIPTION_READS - self._count(self._reads, now)
                return [
                    ("x-ms-ratelimit-remaining-subscription-reads", str(max(0, left))),
                    ("x-ms-ratelimit-remaining-subscription-global-reads", str(max(0, left))),
                ]
            left = _SUBSCRIPTION_WRITES - self._count(self._writes, now)
            headers = [
                ("x-ms-ratelimit-remaining-subscription-writes", str(max(0, left))),
                ("x-ms-ratelimit-remaining-subscription-global-writes", str(max(0, left))),
            ]
            if ref is not None:
                window = self._per_vm.setdefault(ref.parent_key, deque())
                vm_left = max(0, _RESOURCE_BUDGET - self._count(window, now))
                headers.append(
                    (
                        "x-ms-ratelimit-remaining-resource",
                        f"Microsoft.Compute/VMScaleSetVMActionsResource;{vm_left}",
                    )
                )
            return headers

    @staticmethod
    def _count(window: deque[float], now: float) -> int:
        while window and now - window[0] > _WINDOW_SECONDS:
            window.popleft()
        window.append(now)
        return len(window)
