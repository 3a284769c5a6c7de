"""Reading a response body within a size cap: announced, streamed or inflated.

The body is read in chunks of at most :data:`CHUNK_BYTES`; a ``Content-Length`` over the cap
fails before anything is read, and a body (or its inflated form, for compression the caller
asked for) that grows past the cap fails as soon as it does, so at most the cap plus one chunk
is ever held. urllib3 inflates at most the requested amount per read, so a small
compressed body cannot expand unboundedly in one step.
"""

from __future__ import annotations

import time
from collections.abc import Mapping

import urllib3

from .exceptions import ResponseBodyTooLargeError, ServiceResponseTimeoutError
from .http import HttpRequest
from .redact import redact_url

__all__ = ["CHUNK_BYTES", "DEFAULT_MAX_RESPONSE_BODY", "asks_for_compression", "read_body"]

DEFAULT_MAX_RESPONSE_BODY = 32 * 1024 * 1024
"""Bytes of response body accepted by default (after inflating, when compression was asked for)."""

CHUNK_BYTES = 256 * 1024


def asks_for_compression(headers: Mapping[str, str]) -> bool:
    """Whether the request's own ``Accept-Encoding`` asks for anything but ``identity``."""
    layout = tuple(headers)
    name = _ENCODING_NAME_BY_LAYOUT.get(layout, _UNSEEN)
    if name is _UNSEEN:
        name = _encoding_header_name(layout)
    if name is None:
        return False
    codings = {part.split(";")[0].strip().lower() for part in headers[name].split(",")}
    return bool(codings - {"", "identity"})


# The Accept-Encoding name among a request's header names (or None), per tuple of names:
# requests repeat a few layouts. Names only; a bounded number of layouts.
_ENCODING_NAME_BY_LAYOUT: dict[tuple[str, ...], str | None] = {}
_REMEMBERED_LAYOUTS = 256
_UNSEEN = ""  # no header is named "" (http.client refuses it)


def _encoding_header_name(layout: tuple[str, ...]) -> str | None:
    found = None
    for name in layout:
        if name.lower() == "accept-encoding":
            found = name
            break
    if len(_ENCODING_NAME_BY_LAYOUT) < _REMEMBERED_LAYOUTS:
        _ENCODING_NAME_BY_LAYOUT[layout] = found
    return found


def read_body(
    raw: urllib3.BaseHTTPResponse,
    *,
    limit: int,
    decode: bool,
    request: HttpRequest,
    give_up_at: float | None = None,
) -> bytes:
    """The whole body of ``raw`` (inflated when ``decode``), or :class:`ResponseBodyTooLargeError`
    as soon as it is known to exceed ``limit`` bytes. Releases the connection when done.

    ``give_up_at`` (``time.monotonic()``) is checked between reads as well, for pools that do
    not bound each read by it (a caller-supplied ``pool_manager``):
    :class:`ServiceResponseTimeoutError` once it has passed.
    """
    headers = raw.headers
    # Names asked for with ``in`` first: HTTPHeaderDict.get raises (and catches) for a
    # missing one, and most answers are not compressed.
    announced = headers.get("Content-Length") if "Content-Length" in headers else None
    encoded = (
        "Content-Encoding" in headers and headers["Content-Encoding"].strip().lower() != "identity"
    )
    if announced is not None and not (decode and encoded):
        try:
            length = int(announced)
        except ValueError:
            length = -1
        if length > limit:
            raise _too_large(request, limit, f"announces {length} bytes")
        if length >= 0 and give_up_at is None:
            # Known to fit: one read, which http.client ends at the announced length (each
            # recv still bounded by the pool's limits).
            body = raw.read(decode_content=decode)
            raw.release_conn()
            return body
    chunks: list[bytes] = []
    total = 0
    while True:
        if give_up_at is not None and time.monotonic() >= give_up_at:
            raise ServiceResponseTimeoutError(
                f"The call's time limit passed while reading the response to {request.method} "
                f"{redact_url(request.url)}"
            )
        chunk = raw.read1(CHUNK_BYTES, decode_content=decode)
        if not chunk:
            break
        total += len(chunk)
        if total > limit:
            raise _too_large(request, limit, "is larger")
        chunks.append(chunk)
    raw.release_conn()
    return b"".join(chunks)


def _too_large(request: HttpRequest, limit: int, what: str) -> ResponseBodyTooLargeError:
    return ResponseBodyTooLargeError(
        f"The response to {request.method} {redact_url(request.url)} {what} than the "
        f"{limit}-byte limit (max_response_body); the rest was not read",
        limit=limit,
    )
