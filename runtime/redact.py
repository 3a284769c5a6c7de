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


def redact_json_bytes(
    body: bytes, secret_fields: frozenset[str], secret_values: frozenset[str] = frozenset()
) -> str:
    """Return ``body`` as text with the value of every secret field replaced by ``"***"``.

    Keys match case-insensitively at any depth. A JSON body is re-dumped compactly; anything
    else (HTML, truncated JSON) goes through a textual fallback that masks ``"<key>": <value>``
    up to the end of the value, or to the end of the text when the value is cut off.
    """
    text = body.decode("utf-8", errors="replace")
    lowered = frozenset(name.lower() for name in secret_fields)
    try:
        decoded = mask_secret_values_in_json(
            redact_json_value(json.loads(text), lowered), secret_values
        )
        masked = json.dumps(decoded, separators=(",", ":"), ensure_ascii=False)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to walk
        masked = _mask_secret_fields_in_text(text, lowered)
    return _SAS_SIGNATURE.sub(rf"\1{REDACTED}", mask_secret_values(masked, secret_values))


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


class SecretValues(frozenset[str]):
    """A set of secret values whose repr never shows them (it sits on responses and errors,
    which debuggers and ``vars()`` display)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} secret value(s), not shown>"

    __str__ = __repr__


NO_SECRET_VALUES = SecretValues()


SHORTEST_MASKED_VALUE = 4
"""Secret values shorter than this are not searched for in free text: masking every ``a`` of
a message would hide the message, and so short a secret guards nothing anyway."""


def secret_values_in_body(body: bytes | None, secret_fields: Iterable[str]) -> SecretValues:
    """The string values a request body sends under a secret field (at any depth, e.g. each
    protected parameter's ``value``) and the ``sig=`` of every SAS URL in it.

    A service may echo these back in an error message or an operation's failure; knowing them
    lets that text be masked before a user sees it.
    """
    if not body:
        return NO_SECRET_VALUES
    text = body.decode("utf-8", errors="replace")
    found: set[str] = {match.group(2) for match in _SAS_SIGNATURE_VALUE.finditer(text)}
    lowered = frozenset(name.lower() for name in secret_fields)
    if lowered:
        try:
            decoded = json.loads(text)
        except (ValueError, RecursionError):
            decoded = None
        _collect_secret_strings(decoded, lowered, found, inside=False)
    return SecretValues(value for value in found if len(value) >= SHORTEST_MASKED_VALUE)


_SAS_SIGNATURE_VALUE = re.compile(r"(?i)([?&]sig=)([^&\"'\s\\]+)")


def _collect_secret_strings(
    value: Any, lowered: frozenset[str], found: set[str], *, inside: bool
) -> None:
    if isinstance(value, dict):
        members: dict[Any, Any] = cast(Any, value)
        for key, item in members.items():
            secret = inside or (isinstance(key, str) and key.lower() in lowered)
            # Inside a secret list of name/value pairs the names are not secret.
            if inside and key == "name":
                continue
            _collect_secret_strings(item, lowered, found, inside=secret)
    elif isinstance(value, list):
        entries: list[Any] = cast(Any, value)
        for item in entries:
            _collect_secret_strings(item, lowered, found, inside=inside)
    elif inside and isinstance(value, str):
        found.add(value)


def mask_secret_values(text: str, values: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret value (and of its JSON-escaped form)
    replaced by ``***``; the longest values first, so a value inside another is not left
    half-shown."""
    for value in sorted(values, key=len, reverse=True):
        if len(value) < SHORTEST_MASKED_VALUE:
            continue
        # The value itself, then as JSON text, JSON text inside JSON text, ... (an echoed
        # request body nested in an error message, logged as JSON once more).
        form = value
        for _ in range(_ESCAPE_LEVELS):
            text = text.replace(form, MASK)
            escaped = json.dumps(form, ensure_ascii=False)[1:-1]
            if escaped == form:
                break
            form = escaped
    return text


_ESCAPE_LEVELS = 4


def mask_secret_values_in_json(value: Any, values: frozenset[str]) -> Any:
    """A copy of a decoded JSON value with ``values`` masked inside every string (keys too)."""
    if not values:
        return value
    if isinstance(value, str):
        return mask_secret_values(value, values)
    if isinstance(value, dict):
        members: dict[Any, Any] = cast(Any, value)
        return {
            mask_secret_values_in_json(key, values): mask_secret_values_in_json(item, values)
            for key, item in members.items()
        }
    if isinstance(value, list):
        items: list[Any] = cast(Any, value)
        return [mask_secret_values_in_json(item, values) for item in items]
    return value
