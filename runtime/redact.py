"""Masking of secrets in bodies and URLs before they reach a log line or an exception message."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

REDACTED = "REDACTED"
"""Replacement for query values and header values that must not be shown."""

MASK = "***"
"""Replacement for the value of a secret field in a JSON body."""

_KEPT_QUERY_PARAMETERS = frozenset({"api-version"})

# A SAS signature inside any string value (e.g. an outputBlobUri) is a credential even though
# the service does not mark the field as secret.
_SAS_SIGNATURE = re.compile(r"(?i)([?&]sig=)[^&\"'\s\\]+")

_STRING_VALUE = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)', re.DOTALL)
_SCALAR_VALUE = re.compile(r"[^,}\]\s]*")


def redact_json_bytes(body: bytes, secret_fields: frozenset[str]) -> str:
    """Return ``body`` as text with the value of every secret field replaced by ``"***"``.

    Keys match case-insensitively at any depth. A JSON body is re-dumped compactly; anything
    else (HTML, truncated JSON) goes through a textual fallback that masks ``"<key>": <value>``
    up to the end of the value, or to the end of the text when the value is cut off.
    """
    text = body.decode("utf-8", errors="replace")
    lowered = frozenset(name.lower() for name in secret_fields)
    try:
        masked = json.dumps(
            redact_json_value(json.loads(text), lowered), separators=(",", ":"), ensure_ascii=False
        )
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to walk
        masked = _mask_secret_fields_in_text(text, lowered)
    return _SAS_SIGNATURE.sub(rf"\1{REDACTED}", masked)


def redact_json_value(value: Any, secret_fields: Iterable[str]) -> Any:
    """Return a copy of a decoded JSON value with secret fields masked (keys case-insensitive)."""
    lowered = frozenset(name.lower() for name in secret_fields)
    if not lowered:
        return value
    return _redact_decoded(value, lowered)


def _redact_decoded(value: Any, lowered: frozenset[str]) -> Any:
    if isinstance(value, dict):
        members: dict[Any, Any] = cast(Any, value)  # not dict[Unknown, Unknown]
        return {
            key: MASK
            if isinstance(key, str) and key.lower() in lowered
            else _redact_decoded(item, lowered)
            for key, item in members.items()
        }
    if isinstance(value, list):
        items: list[Any] = cast(Any, value)
        return [_redact_decoded(item, lowered) for item in items]
    return value


def _mask_secret_fields_in_text(text: str, lowered: frozenset[str]) -> str:
    if not lowered:
        return text
    alternatives = "|".join(re.escape(name) for name in sorted(lowered))
    key_pattern = re.compile(rf'"(?:{alternatives})"\s*:\s*', re.IGNORECASE)
    pieces: list[str] = []
    position = 0
    while match := key_pattern.search(text, position):
        value_start = match.end()
        value_end = _end_of_value(text, value_start)
        pieces.append(text[position:value_start])
        pieces.append(f'"{MASK}"')
        position = value_end
    pieces.append(text[position:])
    return "".join(pieces)


def _end_of_value(text: str, start: int) -> int:
    """Index just past the JSON value starting at ``start``; ``len(text)`` when it is cut off."""
    if start >= len(text):
        return start
    opener = text[start]
    if opener == '"':
        string_match = _STRING_VALUE.match(text, start)
        return string_match.end() if string_match else len(text)
    if opener in "[{":
        return _end_of_container(text, start)
    scalar_match = _SCALAR_VALUE.match(text, start)
    return scalar_match.end() if scalar_match else start


def _end_of_container(text: str, start: int) -> int:
    depth = 0
    index = start
    while index < len(text):
        char = text[index]
        if char == '"':
            string_match = _STRING_VALUE.match(text, index)
            if string_match is None:
                return len(text)
            index = string_match.end()
            continue
        if char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
            if depth == 0:
                return index + 1
        index += 1
    return len(text)


def redact_url(url: str) -> str:
    """Mask every query value except ``api-version``, any password in the authority and the
    fragment; the rest of the URL is kept byte for byte."""
    try:
        parts = urlsplit(url)
    except ValueError:
        # Unparseable (e.g. a broken IPv6 host): show nothing past the path.
        head, separator, _ = url.partition("?")
        return f"{head.partition('#')[0]}?{REDACTED}" if separator else head.partition("#")[0]
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, hostport = netloc.rpartition("@")
        user = userinfo.partition(":")[0]
        netloc = f"{user}:{REDACTED}@{hostport}" if ":" in userinfo else netloc
    query = (
        "&".join(_redact_query_pair(pair) for pair in parts.query.split("&")) if parts.query else ""
    )
    fragment = REDACTED if parts.fragment else ""
    return urlunsplit((parts.scheme, netloc, parts.path, query, fragment))


def _redact_query_pair(pair: str) -> str:
    name, separator, _ = pair.partition("=")
    if not separator or name.lower() in _KEPT_QUERY_PARAMETERS:
        return pair
    return f"{name}={REDACTED}"


# ``?name=value`` or ``&name=value`` anywhere in free text, e.g. a URL inside a log message.
_QUERY_PAIR_IN_TEXT = re.compile(r"([?&]([^=&\s\"'#?]+)=)([^&\s\"'#)\]>]*)")


def mask_query_values(text: str) -> str:
    """Mask every query value except ``api-version`` in the URLs found in free text."""
    if "=" not in text:
        return text
    return _QUERY_PAIR_IN_TEXT.sub(_mask_pair, text)


def _mask_pair(match: re.Match[str]) -> str:
    if match.group(2).lower() in _KEPT_QUERY_PARAMETERS or not match.group(3):
        return match.group(0)
    return f"{match.group(1)}{REDACTED}"


def mask_sas_signatures(text: str) -> str:
    """Mask the ``sig=`` value of every SAS URL in ``text`` (a model's repr, a message)."""
    if "sig=" not in text.lower():
        return text
    return _SAS_SIGNATURE.sub(rf"\1{REDACTED}", text)
