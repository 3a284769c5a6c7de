"""How long the server asked us to wait: one reading shared by retries and LRO polling.

``Retry-After`` (delta-seconds or an HTTP-date) wins; only without a usable one are
``retry-after-ms`` and then ``x-ms-retry-after-ms`` read -- azure-core's order.
"""

from __future__ import annotations

import contextlib
import email.utils
import math
import time
from collections.abc import Callable
from typing import Any

_MILLISECOND_HEADERS = ("retry-after-ms", "x-ms-retry-after-ms")


def requested_delay(headers: Any, clock: Callable[[], float] = time.time) -> float | None:
    """Seconds to wait (clamped to >= 0), or ``None`` when no header gives a usable value.

    ``headers`` is any case-insensitive mapping with ``get``. An HTTP-date is measured against
    the response's own ``Date`` header when it has one, which cancels any skew between the
    client's clock and the server's; ``clock`` is only the fallback.
    """
    # The usual answer, a Retry-After of delta-seconds, read without a call per step.
    # Asked with ``in`` first: a missing name costs urllib3's HTTPHeaderDict.get a raised
    # KeyError, and most responses carry none of these headers.
    raw = headers["Retry-After"] if "Retry-After" in headers else None  # noqa: SIM401
    retry_after = (raw.strip() or None) if isinstance(raw, str) else None
    if retry_after is not None:
        seconds: float | None
        try:
            number = float(retry_after)
        except ValueError:
            seconds = _seconds_until_http_date(retry_after, headers, clock)
        else:
            seconds = number if math.isfinite(number) else None
        if seconds is not None:
            return max(0.0, seconds)
    for name in _MILLISECOND_HEADERS:
        millis = _text(_get(headers, name))
        if millis is None:
            continue
        try:
            value = float(millis)
        except ValueError:
            continue
        if math.isfinite(value):
            return max(0.0, value / 1000.0)
    return None


def _get(headers: Any, name: str) -> object:
    # Asked first: a missing name costs urllib3's HTTPHeaderDict.get a raised KeyError, and
    # most responses carry none of these headers.
    return headers.get(name) if name in headers else None


def _text(value: object) -> str | None:
    return (value.strip() or None) if isinstance(value, str) else None


def _seconds_until_http_date(value: str, headers: Any, clock: Callable[[], float]) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    now = clock()
    date_header = _text(headers.get("Date"))
    if date_header is not None:
        with contextlib.suppress(TypeError, ValueError, IndexError):
            now = email.utils.parsedate_to_datetime(date_header).timestamp()
    return when.timestamp() - now
