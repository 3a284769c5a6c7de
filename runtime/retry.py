"""Retry rules (azure-core's defaults) and the urllib3 ``Retry`` subclass that applies them.

Differences from azure-core, on purpose: ``Retry-After`` is only obeyed on 429 and 503 (a 409
carrying it is a conflict, not an invitation to retry -- azure-core issue #10778), and any wait
the server asks for is capped by ``retry_after_max``.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from urllib3.util.retry import RequestHistory, Retry

from .checks import check_seconds
from .redact import redact_url
from .retry_after import requested_delay

if TYPE_CHECKING:
    from typing_extensions import Self
    from urllib3.response import BaseHTTPResponse

# The package logger (``vmss_runcommands``, or a vendored copy's own package).
_LOGGER = logging.getLogger(__name__.rsplit(".", 2)[0])

_RETRYABLE_STATUS_CODES = frozenset({408, 429, 500, 502, 503, 504})
_FIRST_ALWAYS_RETRYABLE_STATUS = 506
_NON_IDEMPOTENT_RETRYABLE_STATUS_CODES = frozenset({500, 503, 504})
_RETRY_AFTER_STATUS_CODES = frozenset({429, 503})
_SECONDS = re.compile(r"^\s*\d+(?:\.\d+)?\s*$")

LONG_SLEEP_WARNING_SECONDS = 5.0
"""A retry wait longer than this is logged at WARNING."""


def retry_wait_log_level(seconds: float) -> int:
    """The level a retry wait of ``seconds`` is logged at, by either transport."""
    return logging.WARNING if seconds > LONG_SLEEP_WARNING_SECONDS else logging.INFO


def log_retry(retries: int, method: str, url: str, cause: str, seconds: float) -> None:
    """The line either transport logs before a retry: which retry, the request's path and
    query (values masked but api-version's), its cause and the wait; WARNING for a long wait."""
    level = retry_wait_log_level(seconds)
    if not _LOGGER.isEnabledFor(level):
        return
    if not url.startswith("/"):
        parts = urlsplit(url)
        url = f"{parts.path}?{parts.query}" if parts.query else parts.path
    _LOGGER.log(
        level,
        "Retry %d of %s %s after %s: waiting %.1f s",
        retries,
        method,
        redact_url(url),
        cause,
        seconds,
    )


@dataclass(frozen=True)
class RetryPolicy:
    """How many times, on what, and how long to wait between attempts.

    Counts mirror azure-core: ``total`` bounds all retries, ``connect`` the connection failures,
    ``read`` the failures after the request was sent (idempotent methods only) and ``status``
    the retryable responses. ``timeout`` bounds one call, attempts and waits included, as
    azure-core's does: no retry starts once it has passed, and a wait is cut to what is left
    (``None``: no bound beyond the counts). ``sleep`` and ``clock`` exist so tests need not wait.
    """

    total: int = 10
    connect: int = 3
    read: int = 3
    status: int = 3
    backoff_factor: float = 0.8
    backoff_max: float = 120.0
    retry_after_max: float = 60.0
    retry_on_methods: frozenset[str] = frozenset(
        {"HEAD", "GET", "PUT", "DELETE", "OPTIONS", "TRACE"}
    )
    extra_status_codes: frozenset[int] = frozenset()
    timeout: float | None = None
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.time, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in ("total", "connect", "read", "status"):
            _check_count(name, getattr(self, name))
        for name in ("backoff_factor", "backoff_max", "retry_after_max"):
            check_seconds(f"RetryPolicy.{name}", getattr(self, name))
        if self.timeout is not None:
            check_seconds("RetryPolicy.timeout", self.timeout, allow_zero=False)
        if isinstance(self.retry_on_methods, str) or not all(
            isinstance(method, str) for method in self.retry_on_methods
        ):
            raise TypeError("retry_on_methods must be a collection of HTTP method names (str)")
        if not all(
            isinstance(code, int) and not isinstance(code, bool) for code in self.extra_status_codes
        ):
            raise TypeError("extra_status_codes must be a collection of int status codes")
        # Frozen: normalise through object.__setattr__ so lower-case method names work too.
        object.__setattr__(
            self, "retry_on_methods", frozenset(m.upper() for m in self.retry_on_methods)
        )

    @classmethod
    def no_retries(cls) -> RetryPolicy:
        """A policy that makes exactly one attempt."""
        return cls(total=0, connect=0, read=0, status=0)

    def is_retryable_status(self, code: int) -> bool:
        """408, 429, 500, 502, 503, 504 and every code from 506 up (plus ``extra_status_codes``)."""
        return (
            code in _RETRYABLE_STATUS_CODES
            or code >= _FIRST_ALWAYS_RETRYABLE_STATUS
            or code in self.extra_status_codes
        )

    def should_retry_response(self, method: str, code: int, *, has_retry_after: bool) -> bool:
        """Whether a response with ``code`` to ``method`` is worth another attempt.

        POST/PATCH are not idempotent: retried on 500/503/504 only, and on a 429 that carries a
        server-requested wait (the throttled request was not processed; azure-core does the same).
        """
        if code < 400 or not self.is_retryable_status(code):
            return False
        if method.upper() in self.retry_on_methods:
            return True
        return code in _NON_IDEMPOTENT_RETRYABLE_STATUS_CODES or (code == 429 and has_retry_after)

    def retry_after(self, code: int, headers: Any) -> float | None:
        """The server-requested wait in seconds (capped), or ``None`` when not obeyed/absent.

        ``headers`` is any case-insensitive mapping; ``Retry-After`` wins over
        ``retry-after-ms`` and ``x-ms-retry-after-ms``, as in azure-core.
        """
        if code not in _RETRY_AFTER_STATUS_CODES:
            return None
        seconds = requested_delay(headers, self.clock)
        if seconds is None:
            return None
        return min(max(seconds, 0.0), self.retry_after_max)

    def to_urllib3(self) -> ArmRetry:
        """The urllib3 ``Retry`` applying this policy (a fresh history)."""
        return ArmRetry(policy=self)


def _check_count(name: str, value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"RetryPolicy.{name} must be an int, not {type(value).__name__}")
    if value < 0:
        raise ValueError(f"RetryPolicy.{name} must be >= 0, not {value}")


def _retry_cause(last: RequestHistory, response: BaseHTTPResponse | None) -> str:
    if response is not None:
        return f"status {response.status}"
    if last.error is not None:
        return type(last.error).__name__
    return "an unknown cause"


_DRAINED_BODY_MAX = 64 * 1024


def _drop_unless_small(response: BaseHTTPResponse) -> None:
    """Close a response that is about to be retried unless its body is announced small.

    urllib3 reads the body of a retried response to the end to reuse the connection; a hostile
    server could make that read endless. A small announced body is still drained (keeping the
    connection); anything else costs a new connection instead.
    """
    length = response.headers.get("Content-Length", "")
    if length.isdigit() and int(length) <= _DRAINED_BODY_MAX:
        return
    response.close()
    response.release_conn()


class ArmRetry(Retry):
    """urllib3 ``Retry`` driven by a :class:`RetryPolicy`.

    urllib3 calls :meth:`new` on every increment, so the policy travels with each copy. The
    last response is returned rather than raised once retries are exhausted
    (``raise_on_status=False``); the caller maps it to an exception.
    """

    RETRY_AFTER_STATUS_CODES = _RETRY_AFTER_STATUS_CODES

    def __init__(
        self, *, policy: RetryPolicy, give_up_at: float | None = None, **kwargs: Any
    ) -> None:
        self.policy = policy
        # The time.monotonic() value after which no retry starts; copies made by new() share it.
        if give_up_at is None and policy.timeout is not None:
            give_up_at = time.monotonic() + policy.timeout
        self.give_up_at = give_up_at
        settings: dict[str, Any] = {
            "total": policy.total,
            "connect": policy.connect,
            "read": policy.read,
            "status": policy.status,
            # TLS failures and the like will not heal by themselves.
            "other": 0,
            "allowed_methods": policy.retry_on_methods,
            "backoff_factor": policy.backoff_factor,
            "backoff_max": policy.backoff_max,
            "raise_on_status": False,
            "respect_retry_after_header": True,
        }
        settings.update(kwargs)
        super().__init__(**settings)

    def new(self, **kw: Any) -> Self:
        params: dict[str, Any] = {
            "total": self.total,
            "connect": self.connect,
            "read": self.read,
            "redirect": self.redirect,
            "status": self.status,
            "other": self.other,
            "allowed_methods": self.allowed_methods,
            "backoff_factor": self.backoff_factor,
            "backoff_max": self.backoff_max,
            "raise_on_redirect": self.raise_on_redirect,
            "raise_on_status": self.raise_on_status,
            "history": self.history,
            "remove_headers_on_redirect": self.remove_headers_on_redirect,
            "respect_retry_after_header": self.respect_retry_after_header,
            "backoff_jitter": self.backoff_jitter,
        }
        params.update(kw)
        return type(self)(policy=self.policy, give_up_at=self.give_up_at, **params)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: BaseHTTPResponse | None = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> Self:
        retry = super().increment(method, url, response, error, _pool, _stacktrace)
        if response is not None:
            _drop_unless_small(response)
        return retry

    def _time_left(self) -> float | None:
        return None if self.give_up_at is None else self.give_up_at - time.monotonic()

    def is_exhausted(self) -> bool:
        time_left = self._time_left()
        return (time_left is not None and time_left <= 0) or super().is_exhausted()

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return self.policy.should_retry_response(
            method, status_code, has_retry_after=has_retry_after
        )

    def get_retry_after(self, response: BaseHTTPResponse) -> float | None:
        return self.policy.retry_after(response.status, response.headers)

    def compute_sleep(self, response: BaseHTTPResponse | None = None) -> float:
        """Seconds to wait before the next attempt: the (capped) server request, else backoff."""
        if response is not None and self.respect_retry_after_header:
            requested = self.get_retry_after(response)
            if requested:
                return requested
        return self.get_backoff_time()

    def sleep_for_retry(self, response: BaseHTTPResponse) -> bool:
        requested = self.get_retry_after(response)
        if not requested:
            return False
        self._wait(requested, response)
        return True

    def sleep(self, response: BaseHTTPResponse | None = None) -> None:
        self._wait(self.compute_sleep(response), response)

    def _wait(self, seconds: float, response: BaseHTTPResponse | None) -> None:
        time_left = self._time_left()
        if time_left is not None:
            seconds = max(0.0, min(seconds, time_left))
        if self.history:
            last = self.history[-1]
            log_retry(
                len(self.history),
                last.method or "",
                last.url or "",
                _retry_cause(last, response),
                seconds,
            )
        if seconds > 0:
            self.policy.sleep(seconds)

    def __repr__(self) -> str:
        return (
            f"ArmRetry(total={self.total}, connect={self.connect}, read={self.read}, "
            f"status={self.status}, attempts={len(self.history) + 1})"
        )
