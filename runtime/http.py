"""Request and response values passed between the pipeline, the transport and the poller."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from urllib3._collections import HTTPHeaderDict

from .redact import NO_SECRET_VALUES, SecretValues, redact_url


@dataclass(slots=True, repr=False)
class HttpRequest:
    """One HTTP request. ``url`` is absolute and already carries its query string."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict[str, str])
    body: bytes | None = None
    secret_values: SecretValues = NO_SECRET_VALUES
    """Secrets an earlier request of the same operation sent (a poll sends none itself, but
    its answer may echo the first request's): masked in what is shown of the response."""

    def __repr__(self) -> str:
        # Headers may carry a bearer token and the body secrets: neither is ever shown.
        return f"<HttpRequest {self.method} {redact_url(self.url)}>"


_UTF8_JSON_STARTS = (b"{", b"[")

MAX_JSON_VALUES = 2_000_000
"""Values (counted as commas, objects and arrays) a response body of over a MiB may hold to be
decoded. Decoded JSON takes up to 25 times its size (an empty object is 64 bytes of Python
for 3 of JSON): a 32 MiB body of ``{},{},...`` took 740 MiB. Two million values take at most
some 150 MiB; an ARM page of results holds a few tens of thousands."""

_COUNT_VALUES_FROM = 1024 * 1024

MAX_INTEGER_DIGITS = 100
"""Digits an integer of a response body over a MiB may have. Reading and writing a decimal
integer takes time quadratic in its length: 32 MiB of 4000-digit integers (Python's own
limit is 4300) took 2 s of CPU to read as a model's text fields and 17 s to show in an
error. ARM's integers are 64-bit; a smaller body cannot hold enough long ones to matter."""


def _bounded_int(text: str) -> int:
    if len(text) > MAX_INTEGER_DIGITS:
        raise ValueError(f"the JSON body holds an integer of more than {MAX_INTEGER_DIGITS} digits")
    return int(text)


_LARGE_BODY_DECODER = json.JSONDecoder(parse_int=_bounded_int)


def _decode_large(body: bytes) -> Any:
    """A body over a MiB, decoded as ``json.loads`` decodes it but with integers bounded."""
    try:
        return _LARGE_BODY_DECODER.decode(body.decode(json.detect_encoding(body), "surrogatepass"))
    except RecursionError:
        raise ValueError("the JSON body is nested too deeply to decode") from None


class HttpResponse:
    """A fully read HTTP response; header lookups are case-insensitive."""

    __slots__ = ("body", "headers", "reason", "request", "secret_values", "status_code")

    def __init__(
        self,
        *,
        status_code: int,
        reason: str,
        headers: Mapping[str, str],
        body: bytes,
        request: HttpRequest,
    ) -> None:
        self.status_code = status_code
        self.reason = reason
        self.headers: HTTPHeaderDict = (
            headers if isinstance(headers, HTTPHeaderDict) else HTTPHeaderDict(dict(headers))
        )
        self.body = body
        self.request = request
        # Secrets the request carried (token, secret field values, SAS signatures), which
        # the service may echo back: masked in what errors and logs show of this response.
        self.secret_values: SecretValues = NO_SECRET_VALUES

    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Decode the body as JSON; raises ``ValueError`` when it is not JSON, nests deeper
        than the decoder can follow (never a bare ``RecursionError``) or holds more than
        :data:`MAX_JSON_VALUES` values."""
        body = self.body
        if len(body) > _COUNT_VALUES_FROM:
            # Three scans at C speed (milliseconds for 32 MiB), before anything is built.
            values = body.count(b",") + body.count(b"{") + body.count(b"[")
            if values > MAX_JSON_VALUES:
                raise ValueError(
                    f"the JSON body holds more than {MAX_JSON_VALUES} values "
                    f"({len(body)} bytes); it is not decoded"
                )
            return _decode_large(body)
        try:
            if body[:1] in _UTF8_JSON_STARTS and body[1:2] != b"\x00":
                # json.loads would sniff the bytes for a BOM or UTF-16/32 zero bytes first and
                # find UTF-8 for such an opening; decoding directly skips that pass.
                return json.loads(body.decode("utf-8", "surrogatepass"))
            return json.loads(body)
        except RecursionError:
            raise ValueError("the JSON body is nested too deeply to decode") from None

    def __repr__(self) -> str:
        return f"<HttpResponse {self.status_code} {self.reason} {self.request.method}>"
