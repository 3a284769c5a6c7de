"""Scripted failures (``fail_next``): answered before any normal processing."""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote

from .errors import cloud_error_body
from .wire import Request, Response, json_response


@dataclass
class FaultRule:
    """Answer the next ``remaining`` matching requests with a canned response."""

    status: int
    code: str
    message: str
    method: str | None
    path_contains: str | None
    headers: tuple[tuple[str, str], ...]
    remaining: int
    body: bytes | None

    def matches(self, request: Request) -> bool:
        """Method, and a case-insensitive substring of the raw or percent-decoded path."""
        if self.method is not None and self.method.upper() != request.method.upper():
            return False
        if self.path_contains is None:
            return True
        needle = self.path_contains.lower()
        return needle in request.path.lower() or needle in unquote(request.path).lower()

    def response(self) -> Response:
        """The scripted response: a CloudError unless raw ``body`` bytes were given."""
        if self.body is None:
            response = json_response(self.status, cloud_error_body(self.code, self.message))
        else:
            response = Response(self.status, self.body, [("Content-Type", _sniff(self.body))])
        for name, value in self.headers:
            response.set_header(name, value)
        return response


def _sniff(body: bytes) -> str:
    try:
        json.loads(body)
    except ValueError:
        stripped = body.lstrip()[:1]
        return "text/html; charset=utf-8" if stripped == b"<" else "text/plain; charset=utf-8"
    return "application/json; charset=utf-8"


class FaultPlan:
    """FIFO of fault rules; the first rule matching a request fires and is used up."""

    def __init__(self) -> None:
        self._rules: list[FaultRule] = []
        self._lock = threading.Lock()

    def add(
        self,
        status: int,
        code: str,
        message: str,
        *,
        method: str | None,
        path_contains: str | None,
        headers: Mapping[str, str] | None,
        count: int,
        body: bytes | None,
    ) -> None:
        """Queue a rule; see :meth:`ArmEmulator.fail_next`."""
        if not 100 <= status <= 599:
            raise ValueError(f"status must be an HTTP status code, got {status}")
        if count < 1:
            raise ValueError(f"count must be >= 1, got {count}")
        rule = FaultRule(
            status=status,
            code=code,
            message=message,
            method=method,
            path_contains=path_contains,
            headers=tuple((headers or {}).items()),
            remaining=count,
            body=body,
        )
        with self._lock:
            self._rules.append(rule)

    def take(self, request: Request) -> Response | None:
        """The scripted response for ``request``, consuming one use of the rule, if any."""
        with self._lock:
            for rule in self._rules:
                if rule.matches(request):
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                    return rule.response()
        return None

    @property
    def pending(self) -> int:
        """Number of scripted responses not yet used."""
        with self._lock:
            return sum(rule.remaining for rule in self._rules)

    def clear(self) -> None:
        """Drop every pending rule."""
        with self._lock:
            self._rules.clear()
