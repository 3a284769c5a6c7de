"""The request log tests assert against."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field

from .wire import Request

REDACTED = "REDACTED"
_SECRET_HEADERS = frozenset({"authorization", "x-ms-authorization-auxiliary"})


@dataclass(frozen=True)
class RecordedRequest:
    """One request the emulator received.

    ``path`` is the raw, still percent-encoded path (no query); ``headers`` keep the client's
    spelling with bearer tokens replaced by ``"REDACTED"``; ``status`` is what the emulator
    answered (``0`` when an injected fault cut the connection first).  ``fault`` names the
    injected fault, if any (``"throttle"``, ``"status 503"``, ``"reset"``...).  ``body`` is the
    raw request body (it is what the client sent, so it may contain a ``runAsPassword``); it is
    left out of ``repr`` so assertion failures do not print it.
    """

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes = field(repr=False)
    status: int = 0
    fault: str | None = None

    def json(self) -> object:
        """The body parsed as JSON."""
        return json.loads(self.body)


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """Copy of ``headers`` with credentials replaced."""
    return {k: (REDACTED if k.lower() in _SECRET_HEADERS else v) for k, v in headers.items()}


class RequestLog:
    """Thread-safe append-only list of :class:`RecordedRequest`."""

    def __init__(self) -> None:
        self._items: list[RecordedRequest] = []
        self._lock = threading.Lock()

    def record(self, request: Request, status: int, fault: str | None = None) -> None:
        """Append ``request`` (redacted) with the status it was answered with."""
        item = RecordedRequest(
            method=request.method,
            path=request.path,
            query=dict(request.query),
            headers=redact_headers(request.headers),
            body=request.body,
            status=status,
            fault=fault,
        )
        with self._lock:
            self._items.append(item)

    def snapshot(self) -> list[RecordedRequest]:
        """A copy of the log; later requests do not appear in it."""
        with self._lock:
            return list(self._items)

    def clear(self) -> None:
        """Forget every recorded request."""
        with self._lock:
            self._items.clear()
