"""HTTP request/response values passed between the server plumbing and the ARM layer."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

JSON_CONTENT_TYPE = "application/json; charset=utf-8"


@dataclass(frozen=True)
class Request:
    """One parsed HTTP request; ``path`` is the raw (still percent-encoded) path."""

    method: str
    path: str
    query: Mapping[str, str]
    headers: Mapping[str, str]
    body: bytes

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name."""
        wanted = name.lower()
        for key, value in self.headers.items():
            if key.lower() == wanted:
                return value
        return None

    def query_value(self, name: str) -> str | None:
        """Query value by case-insensitive name (ARM treats query names that way)."""
        wanted = name.lower()
        for key, value in self.query.items():
            if key.lower() == wanted:
                return value
        return None


@dataclass
class Response:
    """A response before the common ARM headers are stamped on it.

    ``disconnect`` makes the server cut the connection instead of answering; ``delay`` holds
    the answer back for that many seconds (both are how injected faults reach the wire).
    """

    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    disconnect: bool = False
    delay: float = 0.0
    reason: str | None = None  # None: the server's choice (empty, as Compute sends)

    def header(self, name: str) -> str | None:
        """Header value by case-insensitive name."""
        wanted = name.lower()
        for key, value in self.headers:
            if key.lower() == wanted:
                return value
        return None

    def set_header(self, name: str, value: str) -> None:
        """Replace any header of that name."""
        wanted = name.lower()
        self.headers = [(k, v) for k, v in self.headers if k.lower() != wanted]
        self.headers.append((name, value))


def json_response(
    status: int, payload: Any, headers: list[tuple[str, str]] | None = None
) -> Response:
    """A JSON response; separators match ARM's compact output."""
    body = json.dumps(payload, separators=(",", ":")).encode("utf-8")
    return Response(status, body, [("Content-Type", JSON_CONTENT_TYPE), *(headers or [])])


def empty_response(status: int, headers: list[tuple[str, str]] | None = None) -> Response:
    """A response without a body (204, DELETE monitor polls...)."""
    return Response(status, b"", list(headers or []))


def pretty_json(body: bytes) -> bytes:
    """A JSON body re-rendered as the service writes it: two-space indents and CRLF line ends
    (string values keep their escaped ``\\n``); anything that is not JSON is left as it is."""
    try:
        payload = json.loads(body)
    except ValueError:
        return body
    return json.dumps(payload, indent=2).replace("\n", "\r\n").encode("utf-8")
