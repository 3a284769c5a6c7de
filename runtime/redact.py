"""Masking of secrets in bodies and URLs before they reach a log line or an exception message."""

from __future__ import annotations

import functools
import html
import json
import re
import urllib.parse
from collections.abc import Iterable
from typing import Any, cast
from urllib.parse import urlsplit, urlunsplit

REDACTED = "REDACTED"
"""Replacement for query values and header values that must not be shown."""

MASK = "***"
"""Replacement for the value of a secret field in a JSON body."""

SHOWN_DEPTH = 64
"""Containers deeper than this in a JSON value made fit to show (an error's details, a model's
unknown keys) are shown as :data:`TOO_DEEP`: JSON the decoder follows (nearly as deep as the
recursion limit) must not make a repr or an error message raise ``RecursionError``."""

TOO_DEEP = "<nested too deeply to show>"

_KEPT_QUERY_PARAMETERS = frozenset({"api-version"})

# A SAS signature inside any string value (e.g. an outputBlobUri) is a credential even though
# the service does not mark the field as secret.
_SAS_SIGNATURE = re.compile(r"(?i)([?&]sig=)[^&\"'\s\\]+")

_STRING_VALUE = re.compile(r'"(?:[^"\\]|\\.)*(?:"|\\?\Z)', re.DOTALL)
_SCALAR_VALUE = re.compile(r"[^,}\]\s]*")

# Keys that name a credential in any JSON a service may send back, whether or not a model marks
# them secret: masked in every body, error and log line the runtime shows. Deliberately narrow
# (whole key names or clear suffixes), so ordinary fields such as ``continuationToken``,
# ``keyData`` or ``tokenType`` stay readable.
_GENERIC_SECRET_KEY = (
    r"(?:[\w.-]*?(?:pass(?:word|wd)|secret|(?:access|refresh|id|sas|bearer|auth)[_-]?token"
    r"|(?:account|access|shared|primary|secondary|storage|api|subscription)[_-]?key"
    r"|connection[_-]?string|authorization(?:[_-]auxiliary)?)|pwd|token|sig|signature)"
)
_GENERIC_SECRET_KEY_NAME = re.compile(_GENERIC_SECRET_KEY, re.IGNORECASE)

# Credentials recognisable by their shape, wherever they stand in free text: a bearer token
# or a Basic login (a proxy's, from its URL) after its scheme, and a JSON Web Token (an Entra
# ID access token) on its own.
_BEARER_CREDENTIAL = re.compile(
    r"(?i)\b((?:bearer|basic)\s+)(?=[A-Za-z0-9\-._~+/]*[0-9\-._~+/])"  # not a plain word
    r"([A-Za-z0-9\-._~+/]{8,}=*)(?![A-Za-z0-9\-._~+/=]|\s*\")"
)
_JSON_WEB_TOKEN = re.compile(r"\beyJ[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]{6,}\.[A-Za-z0-9_-]*")


def mask_token_shapes(text: str) -> str:
    """``text`` with every bearer or Basic credential after its scheme and every JSON Web
    Token masked (what :func:`mask_free_text` masks by shape, without its ``key=value``
    reading): for text shown as it is, such as a script's output."""
    return _JSON_WEB_TOKEN.sub(REDACTED, _BEARER_CREDENTIAL.sub(rf"\1{REDACTED}", text))


def is_secret_key(name: str, lowered_fields: frozenset[str] = frozenset()) -> bool:
    """Whether a JSON key names a secret: one of ``lowered_fields`` (the wire names generated
    models mark secret, lower-cased) or a generic credential name (``password``,
    ``clientSecret``, ``accessToken``, ``accountKey``, ``connectionString``, ``sig``...)."""
    lowered = name.lower()
    return lowered in lowered_fields or _generic_secret_key(lowered)


@functools.lru_cache(maxsize=1024)
def _generic_secret_key(lowered: str) -> bool:
    return _GENERIC_SECRET_KEY_NAME.fullmatch(lowered) is not None


@functools.lru_cache(maxsize=64)
def _assignment_pattern(lowered_fields: frozenset[str]) -> re.Pattern[str]:
    """``"<secret key>": <value>`` (JSON inside text) and ``<secret key>=<value>``."""
    names = "|".join([*(re.escape(name) for name in sorted(lowered_fields)), _GENERIC_SECRET_KEY])
    return re.compile(
        rf"(?:(?P<quote>\\*\")(?P<jkey>{names})(?P=quote)\s*:\s*"
        rf"|(?<![\w.-])(?P<akey>{names})=)",
        re.IGNORECASE,
    )


def mask_free_text(text: str, lowered_fields: frozenset[str] = frozenset()) -> str:
    """``text`` with every credential recognisable without knowing its value masked: SAS
    signatures, bearer tokens, JSON Web Tokens, and the value of each secret key written as
    JSON (also escaped, as when a body is echoed inside a message) or as ``key=value``.

    Values the service repeats in plain prose cannot be told from other words; they are masked
    only where they are known (:func:`mask_secret_values`).
    """
    if "sig=" in text.lower():
        text = _SAS_SIGNATURE.sub(rf"\1{REDACTED}", text)
    text = _BEARER_CREDENTIAL.sub(rf"\1{REDACTED}", text)
    text = _JSON_WEB_TOKEN.sub(REDACTED, text)
    if ":" not in text and "=" not in text:
        return text
    pattern = _assignment_pattern(lowered_fields)
    pieces: list[str] = []
    position = 0
    for match in pattern.finditer(text):
        if match.start() < position:
            continue
        start = match.end()
        if match.group("akey") is not None:
            end = _end_of_assigned_value(text, start)
            shown = REDACTED
        else:
            quote = match.group("quote")
            end = _end_of_embedded_value(text, start, quote[:-1])
            shown = f"{quote}{MASK}{quote}"
        if end == start:
            continue
        pieces.append(text[position:start])
        pieces.append(shown)
        position = end
    if not pieces:
        return text
    pieces.append(text[position:])
    return "".join(pieces)


_ASSIGNED_VALUE = re.compile(r"[^&\s\"',;<>)\]}]*")


def _end_of_assigned_value(text: str, start: int) -> int:
    match = _ASSIGNED_VALUE.match(text, start)
    return match.end() if match else start


def _end_of_embedded_value(text: str, start: int, escapes: str) -> int:
    """Past the JSON value at ``start`` whose quotes are each preceded by ``escapes`` (JSON
    text inside a JSON string, once or more); a container is cut at its matching bracket,
    counted naively (a bracket inside a string only makes the mask longer)."""
    if not escapes:
        return _end_of_value(text, start)
    quote = f'{escapes}"'
    if text.startswith(quote, start):
        end = text.find(quote, start + len(quote))
        while end > 0 and text[end - 1] == "\\":  # an escaped quote inside the value
            end = text.find(quote, end + len(quote))
        return len(text) if end < 0 else end + len(quote)
    if text[start : start + 1] in ("[", "{"):
        depth = 0
        for index in range(start, len(text)):
            char = text[index]
            if char in "[{":
                depth += 1
            elif char in "]}":
                depth -= 1
                if depth == 0:
                    return index + 1
        return len(text)
    return _end_of_assigned_value(text, start)


def redact_json_bytes(
    body: bytes, secret_fields: frozenset[str], secret_values: frozenset[str] = frozenset()
) -> str:
    """Return ``body`` as text with every secret in it masked.

    A JSON body is re-dumped compactly after :func:`mask_json`: the value of every secret key
    (``secret_fields`` and generic credential names, case-insensitive, at any depth) becomes
    ``"***"``, and every string is passed through :func:`mask_free_text` and
    :func:`mask_secret_values`. Anything else (HTML, truncated JSON) is masked as free text,
    ``"<key>": <value>`` up to the end of the value, or of the text when the value is cut off.
    """
    text = body.decode("utf-8", errors="replace")
    lowered = frozenset(name.lower() for name in secret_fields)
    try:
        decoded = mask_json(json.loads(text), lowered, secret_values)
        masked = json.dumps(decoded, separators=(",", ":"), ensure_ascii=False)
    except (ValueError, RecursionError):  # not JSON, or nested too deeply to walk
        masked = mask_free_text(text, lowered)
    return mask_free_text(mask_secret_values(masked, secret_values), lowered)


PREVIEW_MARGIN = 65536
"""Bytes past a preview's end that are masked with it (see :func:`preview_window`)."""


def preview_window(body: bytes, limit: int) -> bytes:
    """The part of ``body`` to mask for a preview of ``limit`` characters: the whole body when
    it is short, else its first ``limit + PREVIEW_MARGIN`` bytes. Masking is linear but not
    cheap (a third of a second per MiB of free text), and a hostile answer can be 32 MiB; the
    margin keeps a secret that starts in the preview masked however the window cuts it (a
    value cut off at the end is masked to the end; a known value is far shorter than it)."""
    if len(body) <= limit + PREVIEW_MARGIN:
        return body
    return body[: limit + PREVIEW_MARGIN]


def mask_text(
    text: str, secret_fields: Iterable[str] = frozenset(), values: Iterable[str] = frozenset()
) -> str:
    """Free text (an error message, a log line) with the known secret ``values`` and every
    credential recognisable by its shape (:func:`mask_free_text`) masked."""
    if text.isalnum() and text.isascii() and not any(value in text for value in values):
        # One plain word (an LRO's status, a reason phrase): no shape of credential fits in
        # it (each needs a space, ".", ":" or "="), and no known value is in it -- nor any
        # escaped form of one, which would hold a backslash.
        return text
    lowered = frozenset(name.lower() for name in secret_fields)
    return mask_free_text(mask_secret_values(text, values), lowered)


def mask_json(value: Any, secret_fields: Iterable[str], values: Iterable[str] = ()) -> Any:
    """A copy of a decoded JSON value with secret keys masked as ``"***"`` and every string
    (keys too) passed through :func:`mask_text`: what a service sends back, made fit to show."""
    lowered = frozenset(name.lower() for name in secret_fields)
    return _mask_json(value, lowered, _spellings(values), SHOWN_DEPTH)


def _mask_json(value: Any, lowered: frozenset[str], values: _Spellings, left: int) -> Any:
    if isinstance(value, str):
        return mask_free_text(_mask_spelled(value, values), lowered)
    if isinstance(value, dict | list) and left <= 0:
        return TOO_DEEP
    if isinstance(value, dict):
        members: dict[Any, Any] = cast(Any, value)  # not dict[Unknown, Unknown]
        return {
            _mask_json(key, lowered, values, left): MASK
            if isinstance(key, str) and is_secret_key(key, lowered)
            else _mask_json(item, lowered, values, left - 1)
            for key, item in members.items()
        }
    if isinstance(value, list):
        items: list[Any] = cast(Any, value)
        return [_mask_json(item, lowered, values, left - 1) for item in items]
    return value


def redact_json_value(value: Any, secret_fields: Iterable[str]) -> Any:
    """Return a copy of a decoded JSON value with the value of every secret key masked:
    ``secret_fields`` and generic credential names (:func:`is_secret_key`), case-insensitive."""
    lowered = frozenset(name.lower() for name in secret_fields)
    return _redact_decoded(value, lowered, SHOWN_DEPTH)


def _redact_decoded(value: Any, lowered: frozenset[str], left: int) -> Any:
    if isinstance(value, dict | list) and left <= 0:
        return TOO_DEEP
    if isinstance(value, dict):
        members: dict[Any, Any] = cast(Any, value)  # not dict[Unknown, Unknown]
        return {
            key: MASK
            if isinstance(key, str) and is_secret_key(key, lowered)
            else _redact_decoded(item, lowered, left - 1)
            for key, item in members.items()
        }
    if isinstance(value, list):
        items: list[Any] = cast(Any, value)
        return [_redact_decoded(item, lowered, left - 1) for item in items]
    return value


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


CREDENTIAL_HEADERS = frozenset(
    {"authorization", "proxy-authorization", "cookie", "x-ms-authorization-auxiliary"}
)
"""Request headers that carry a credential (lower case)."""


class SecretHeaders(dict[str, str]):
    """Request headers whose repr shows every credential header's value as ``REDACTED``: the
    headers a request is sent with sit in local variables of the frames that send it, which a
    traceback rendered with its locals shows with ``repr``. Otherwise a plain ``dict``."""

    __slots__ = ()

    def __repr__(self) -> str:
        shown = {
            name: REDACTED if name.lower() in CREDENTIAL_HEADERS else value
            for name, value in self.items()
        }
        return repr(shown)

    __str__ = __repr__


class SecretBytes(bytes):
    """Bytes whose repr never shows them: a request body, which may hold a password, a
    protected parameter or a SAS URL, sits in local variables that a traceback rendered with
    its locals (``traceback.TracebackException(capture_locals=True)``, error trackers,
    debuggers) shows with ``repr``. Everything else is ``bytes``'s own."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"<{len(self)} bytes, not shown>"

    __str__ = __repr__


SHORTEST_MASKED_VALUE = 4
"""Secret values shorter than this are not searched for in free text: masking every ``a`` of
a message would hide the message, and so short a secret guards nothing anyway."""


def secret_values_in_body(body: bytes | None, secret_fields: Iterable[str]) -> SecretValues:
    """The string values a request body sends under a secret field (at any depth, e.g. each
    protected parameter's ``value``) and the ``sig=`` of every SAS URL in it.

    A service may echo these back in an error message or an operation's failure; knowing them
    lets that text be masked before a user sees it. Nothing of the body is remembered: the
    caller keeps the result as long as its call needs it (it runs once per request sent).
    """
    if not body:
        return NO_SECRET_VALUES
    text = body.decode("utf-8", errors="replace")
    found: set[str] = set()
    if "sig=" in text.lower():
        found.update(match.group(2) for match in _SAS_SIGNATURE_VALUE.finditer(text))
    try:
        decoded = json.loads(text)
    except (ValueError, RecursionError):
        decoded = None
    if type(decoded) is dict or type(decoded) is list:
        fields = secret_fields if isinstance(secret_fields, frozenset) else frozenset(secret_fields)
        _collect_secret_strings(decoded, _secret_key_verdicts(fields), found)
    if not found:
        return NO_SECRET_VALUES
    return SecretValues([value for value in found if len(value) >= SHORTEST_MASKED_VALUE])


_SAS_SIGNATURE_VALUE = re.compile(r"(?i)([?&]sig=)([^&\"'\s\\]+)")

# Distinct key names whose verdict one key test remembers. Key names are schema names (the
# values under them are what is secret), so remembering them keeps no secret.
_REMEMBERED_KEY_NAMES = 4096


class _KeyVerdicts(dict[str, bool]):
    """:func:`is_secret_key` for one set of secret fields (any case), remembered per key: a
    body repeats the same few key names, and the generic test is a regular expression."""

    __slots__ = ("lowered",)

    def __init__(self, secret_fields: frozenset[str]) -> None:
        super().__init__()
        self.lowered = frozenset(name.lower() for name in secret_fields)

    def __missing__(self, key: str) -> bool:
        verdict = is_secret_key(key, self.lowered)
        if len(self) < _REMEMBERED_KEY_NAMES:
            self[key] = verdict
        return verdict


@functools.lru_cache(maxsize=64)
def _secret_key_verdicts(secret_fields: frozenset[str]) -> _KeyVerdicts:
    return _KeyVerdicts(secret_fields)


def _collect_secret_strings(root: Any, is_secret: _KeyVerdicts, found: set[str]) -> None:
    """Add to ``found`` every string under a secret key of ``root`` (decoded JSON), at any
    depth; inside a secret list of name/value pairs the names are not secret.

    A loop over a stack rather than recursion: a body nested as deep as the decoder follows
    is walked whole, and a container costs no call. json.loads makes exactly dict, list and
    str: exact type tests are the cheap ones, and this runs for every request body sent.
    """
    stack: list[tuple[Any, bool]] = [(root, False)]
    pop, push = stack.pop, stack.append
    while stack:
        value, inside = pop()
        # Tested through a name: value stays Any, and needs no typing.cast per node.
        kind = value.__class__
        if kind is dict:
            for key, item in value.items():
                if inside:
                    if key == "name":
                        continue
                    secret = True
                else:
                    secret = type(key) is str and is_secret[key]
                kind = item.__class__
                if kind is str:
                    if secret:
                        found.add(item)
                elif kind is dict or kind is list:
                    push((item, secret))
        else:
            for item in value:
                kind = item.__class__
                if kind is str:
                    if inside:
                        found.add(item)
                elif kind is dict or kind is list:
                    push((item, inside))


def mask_secret_values(text: str, values: Iterable[str]) -> str:
    """``text`` with every occurrence of each secret value (and of its JSON-escaped,
    percent-encoded and HTML-escaped forms) replaced by ``***``; the longest values first, so
    a value inside another is not left half-shown."""
    return _mask_spelled(text, _spellings(values, len(text)))


_Spellings = tuple[tuple[str, tuple[str, ...]], ...]


def _spellings(values: Iterable[str], longest: int | None = None) -> _Spellings:
    """Each value long enough to mask (and no longer than ``longest``), longest first, with
    its other spellings: made once for a text, or once for all the strings of a JSON value
    rather than for each of them (they are not kept past the call)."""
    return tuple(
        (value, tuple(_other_forms(value)))
        for value in sorted(values, key=len, reverse=True)
        if len(value) >= SHORTEST_MASKED_VALUE and (longest is None or len(value) <= longest)
    )


def _mask_spelled(text: str, spellings: _Spellings) -> str:
    for value, forms in spellings:
        # A value longer than the text cannot be in it, nor can its escaped forms (longer
        # still): short texts (an LRO's status, a reason phrase) skip the bearer token.
        if len(value) > len(text):
            continue
        # The value itself, then as JSON text, JSON text inside JSON text, ... (an echoed
        # request body nested in an error message, logged as JSON once more).
        text = _mask_escaped(text, value)
        # As a service quotes it inside a URL or a form it echoes: percent-encoded (also as
        # ``+`` for a space), JSON's ASCII-only ``\uXXXX`` escapes (and those inside JSON
        # text), HTML's entities.
        for form in forms:
            if len(form) <= len(text):
                text = _mask_escaped(text, form)
    return text


def _mask_escaped(text: str, form: str) -> str:
    for _ in range(_ESCAPE_LEVELS):
        if len(form) > len(text):
            break
        text = text.replace(form, MASK)
        escaped = json.dumps(form, ensure_ascii=False)[1:-1]
        if escaped == form:
            break
        form = escaped
    return text


_PERCENT_ESCAPE = re.compile("%[0-9A-F]{2}")


def _lower_escape(match: re.Match[str]) -> str:
    return match.group().lower()  # %2f as well as %2F


def _other_forms(value: str) -> frozenset[str]:
    # (Not cached: a cache would keep the secrets past their call.)
    if value.isascii() and value.isalnum():
        return frozenset()
    forms = {
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote(value, safe="/"),
        urllib.parse.quote_plus(value, safe=""),
        json.dumps(value)[1:-1],
        html.escape(value),
        html.escape(value, quote=False),
    }
    forms |= {_PERCENT_ESCAPE.sub(_lower_escape, form) for form in forms if "%" in form}
    forms.discard(value)
    return frozenset(forms)


_ESCAPE_LEVELS = 4


def mask_secret_values_in_json(value: Any, values: frozenset[str], _left: int = SHOWN_DEPTH) -> Any:
    """A copy of a decoded JSON value with ``values`` masked inside every string (keys too)."""
    if not values:
        return value
    if isinstance(value, str):
        return mask_secret_values(value, values)
    if isinstance(value, dict | list) and _left <= 0:
        return TOO_DEEP
    if isinstance(value, dict):
        members: dict[Any, Any] = cast(Any, value)
        return {
            mask_secret_values_in_json(key, values): mask_secret_values_in_json(
                item, values, _left - 1
            )
            for key, item in members.items()
        }
    if isinstance(value, list):
        items: list[Any] = cast(Any, value)
        return [mask_secret_values_in_json(item, values, _left - 1) for item in items]
    return value
