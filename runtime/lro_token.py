"""LRO continuation tokens: the resumable state of an operation and its codec.

A token is base64url(JSON) with a version, a kind and a checksum; decoding validates every
field, so a token from an attacker can only ever name a state this SDK could have written.
Sync and async pollers read and write the same tokens.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from dataclasses import dataclass
from typing import Any, cast
from urllib.parse import parse_qs, urlsplit

__all__ = [
    "ALG_ASYNC",
    "ALG_BODY",
    "ALG_LOCATION",
    "ALG_NONE",
    "ALG_OPERATION_LOCATION",
    "STATUS_BODY_ALGORITHMS",
    "PollingState",
    "decode_continuation_token",
    "encode_continuation_token",
    "lost_response_token",
    "normalize_final_state_via",
    "token_api_version",
]

_TOKEN_VERSION = 1
_TOKEN_KIND = "vmss_runcommands.lro"
_TOKEN_MAX_CHARS = 16_384
_CHECKSUM_HEX_CHARS = 16


ALG_ASYNC = "azure-async-operation"
ALG_OPERATION_LOCATION = "operation-location"
ALG_LOCATION = "location"
ALG_BODY = "body"
ALG_NONE = "none"
_ALGORITHMS = frozenset({ALG_ASYNC, ALG_OPERATION_LOCATION, ALG_LOCATION, ALG_BODY, ALG_NONE})
STATUS_BODY_ALGORITHMS = frozenset({ALG_ASYNC, ALG_OPERATION_LOCATION})

_FINAL_STATE_VIA = frozenset(
    {"azure-async-operation", "location", "original-uri", "operation-location"}
)
_METHODS = frozenset({"PUT", "PATCH", "POST", "DELETE", "GET", "HEAD"})


@dataclass(frozen=True)
class PollingState:
    """Everything needed to resume polling; exactly what a continuation token carries."""

    operation_id: str
    method: str
    url: str
    algorithm: str
    poll_url: str | None
    location_url: str | None
    client_request_id: str
    final_state_via: str | None
    status: str


def _checksum(data: dict[str, Any]) -> str:
    canonical = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()[:_CHECKSUM_HEX_CHARS]


def encode_continuation_token(state: PollingState) -> str:
    """Serialize ``state`` as base64url(JSON) with a version and a corruption checksum.

    JSON rather than pickle so a token can never execute code when loaded; only the fields of
    :class:`PollingState` are written (no body, no Authorization, no other header).
    """
    data: dict[str, Any] = {
        "operation_id": state.operation_id,
        "method": state.method,
        "url": _without_fragment(state.url),
        "algorithm": state.algorithm,
        "poll_url": _without_fragment(state.poll_url),
        "location_url": _without_fragment(state.location_url),
        "client_request_id": state.client_request_id,
        "final_state_via": state.final_state_via,
        "status": state.status,
    }
    envelope = {"v": _TOKEN_VERSION, "kind": _TOKEN_KIND, "data": data, "sum": _checksum(data)}
    raw = json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode("utf-8")
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _without_fragment(url: str | None) -> str | None:
    """``url`` without its ``#fragment``: never sent to the server (the transports drop it),
    so a link a service wrote with a credential there (``#access_token=...``) has nothing
    to give a token that travels through storage, queues and logs."""
    if url is None or "#" not in url:
        return url
    return url.partition("#")[0]


def lost_response_token(
    *,
    operation_id: str,
    method: str,
    url: str,
    client_request_id: str,
    final_state_via: str | None = None,
) -> str | None:
    """A token for an operation whose initial request was sent but whose answer was lost.

    Resuming from it sends nothing again: it polls the resource at ``url`` itself, by its
    ``provisioningState`` for PUT and PATCH, and for DELETE until it answers 404. ``None`` for
    other methods, whose resource URL says nothing about the operation.
    """
    method = method.upper()
    if method not in ("PUT", "PATCH", "DELETE"):
        return None
    state = PollingState(
        operation_id=operation_id,
        method=method,
        url=url,
        algorithm=ALG_BODY,
        poll_url=None,
        location_url=None,
        client_request_id=client_request_id,
        final_state_via=final_state_via,
        status="InProgress",
    )
    return encode_continuation_token(state)


def _bad_token(reason: str) -> ValueError:
    return ValueError(f"Invalid LRO continuation token: {reason}.")


def _is_http_url(value: str) -> bool:
    parts = urlsplit(value)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def decode_continuation_token(token: str) -> PollingState:
    """Parse a token made by :func:`encode_continuation_token`; ``ValueError`` on anything else."""
    if not isinstance(token, str):
        raise TypeError(f"continuation_token must be a str, not {type(token).__name__}")
    text = token.strip()
    if not text or len(text) > _TOKEN_MAX_CHARS:
        raise _bad_token("empty or too long")
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        envelope = json.loads(raw.decode("utf-8"))
    except RecursionError as exc:
        # A token is text from outside: JSON nested deeper than the parser can follow is a
        # bad token like any other, not an interpreter error.
        raise _bad_token("its JSON is nested too deeply") from exc
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_token("not base64url-encoded JSON (truncated or not made by this SDK?)") from exc
    if not isinstance(envelope, dict) or envelope.get("kind") != _TOKEN_KIND:
        raise _bad_token("not a token made by this SDK")
    if envelope.get("v") != _TOKEN_VERSION:
        raise _bad_token(f"unsupported version {envelope.get('v')!r} (expected {_TOKEN_VERSION})")
    data = envelope.get("data")
    if not isinstance(data, dict) or envelope.get("sum") != _checksum(data):
        raise _bad_token("checksum mismatch (the token was modified or corrupted)")
    return _state_from_token_data(data)


def token_api_version(state: PollingState) -> str | None:
    """The ``api-version`` the operation URL of a token was built with, ``None`` without one."""
    values = parse_qs(urlsplit(state.url).query).get("api-version")
    return values[-1] if values else None


def _state_from_token_data(data: dict[str, Any]) -> PollingState:
    def text(key: str, *, optional: bool = False) -> str | None:
        value = data.get(key)
        if value is None and optional:
            return None
        if not isinstance(value, str) or not value:
            raise _bad_token(f"field {key!r} is missing or not a string")
        return value

    state = PollingState(
        operation_id=cast(str, text("operation_id")),
        method=cast(str, text("method")),
        url=cast(str, text("url")),
        algorithm=cast(str, text("algorithm")),
        poll_url=text("poll_url", optional=True),
        location_url=text("location_url", optional=True),
        client_request_id=cast(str, text("client_request_id")),
        final_state_via=text("final_state_via", optional=True),
        status=cast(str, text("status")),
    )
    if state.method not in _METHODS:
        raise _bad_token(f"unknown method {state.method!r}")
    if state.algorithm not in _ALGORITHMS:
        raise _bad_token(f"unknown polling algorithm {state.algorithm!r}")
    if state.final_state_via is not None and state.final_state_via not in _FINAL_STATE_VIA:
        raise _bad_token(f"unknown final_state_via {state.final_state_via!r}")
    for url in (state.url, state.poll_url, state.location_url):
        if url is not None and not _is_http_url(url):
            raise _bad_token("a URL in the token is not an absolute http(s) URL")
    if state.algorithm in STATUS_BODY_ALGORITHMS and state.poll_url is None:
        raise _bad_token("the polling URL is missing")
    if state.algorithm == ALG_LOCATION and state.location_url is None:
        raise _bad_token("the Location URL is missing")
    return state


def normalize_final_state_via(value: str | None) -> str | None:
    """The lower-cased ``x-ms-long-running-operation-options`` value; ``ValueError`` if unknown."""
    if value is None:
        return None
    normalized = value.strip().lower()
    if normalized not in _FINAL_STATE_VIA:
        raise ValueError(
            f"final_state_via must be one of {sorted(_FINAL_STATE_VIA)} or None, not {value!r}"
        )
    return normalized


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false
