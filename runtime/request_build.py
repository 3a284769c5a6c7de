"""Request building, sans I/O: URLs from templates and parameters, and the request itself.

Path values are percent-encoded whole and checked (``"."``/``".."``, empty, not a str);
values sent unencoded (x-ms-skip-url-encoding) cannot end the URL or inject a header; next
links get this client's api-version. Both drivers build every request here.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from .http import HttpRequest
from .origin import UnsafeURLError, origin_of
from .params import Joined, Raw

__all__ = ["PathParam", "build_request", "check_path_value", "format_url", "with_api_version"]

_ACCEPT = "application/json, text/json"
_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")
# A name str.format_map looks up as it is (".", "[", ":" and "!" would mean more to it).
_PLAIN_NAME = re.compile(r"[^{}.\[\]:!]+")


class PathParam(NamedTuple):
    """One ``{wire_name}`` placeholder of a URL template and the Python argument that fills it.

    A named tuple rather than a frozen dataclass: every operation call makes one per path
    parameter, and a frozen dataclass sets each field through ``object.__setattr__``."""

    wire_name: str
    python_name: str
    value: object


def format_url(
    base_url: str,
    template: str,
    path: Sequence[PathParam],
    query: Mapping[str, str | Joined | Raw | None],
    *,
    absolute: bool = False,
) -> str:
    """``base_url`` + ``template`` with every placeholder filled + the query string.

    With ``absolute`` the template starts with scheme and host (x-ms-parameterized-host)
    instead of following ``base_url``; ``{$scheme}`` there is ``base_url``'s scheme.
    Path values must be non-empty ``str`` (``TypeError``/``ValueError`` naming the Python
    parameter otherwise) and are percent-encoded whole, so ``/``, ``?`` or ``#`` inside a
    name cannot reach another resource; ``"."`` and ``".."`` are refused outright. Query
    entries whose value is ``None`` are dropped.
    """
    if absolute:
        template = template.replace("{$scheme}", urlsplit(base_url).scheme, 1)
    elif not template.startswith("/"):
        raise ValueError(f"URL template must start with '/': {template!r}")
    encoded: dict[str, str] = {}
    for param in path:
        value = param.value
        if type(value) is str:  # the usual case, without a call per segment
            if not value.strip() or value in (".", ".."):
                check_path_value(param.python_name, value)  # raises, naming the parameter
            encoded[param.wire_name] = _quote(value)
        else:
            encoded[param.wire_name] = _path_text(param)
    if _plain_placeholders(template):
        try:
            filled = template.format_map(encoded)
        except KeyError as missing:
            raise ValueError(
                f"URL template placeholder {{{missing.args[0]}}} has no PathParam"
            ) from None
    else:

        def fill(match: re.Match[str]) -> str:
            try:
                return encoded[match.group(1)]
            except KeyError:
                raise ValueError(
                    f"URL template placeholder {match.group(0)} has no PathParam"
                ) from None

        filled = _PLACEHOLDER.sub(fill, template)
    if absolute:
        # x-ms-parameterized-host: the template carries scheme and host itself, and the
        # host must read the same to everyone (no userinfo, backslash or control character).
        try:
            origin_of(filled)
        except UnsafeURLError as exc:
            raise ValueError(f"the host parameters do not make a usable URL: {exc}") from None
        url = filled
    else:
        url = base_url + filled
    query_string = _encode_query(query)
    if not query_string:
        return url
    # An x-ms-paths template may carry a literal query of its own.
    return f"{url}&{query_string}" if "?" in filled else f"{url}?{query_string}"


def build_request(
    method: str, url: str, body: bytes | None, extra_headers: Mapping[str, str] | None
) -> HttpRequest:
    """The request for an operation: JSON ``Accept``/``Content-Type``, then the caller's
    headers (a caller's header replaces a default of the same name, in any case)."""
    headers = {"Accept": _ACCEPT}
    if body is not None:
        headers["Content-Type"] = "application/json"
    for name, value in (extra_headers or {}).items():
        for existing in [key for key in headers if key.lower() == name.lower()]:
            del headers[existing]
        headers[name] = value
    return HttpRequest(method.upper(), url, headers=headers, body=body)


def check_path_value(python_name: str, value: object) -> None:
    if value is None:
        raise ValueError(f"{python_name} must not be None")
    if not isinstance(value, str):
        raise TypeError(f"{python_name} must be a str, not {type(value).__name__}")
    if not value.strip():
        raise ValueError(f"{python_name} must not be empty or whitespace-only")
    if value in (".", ".."):
        # quote() leaves dots alone and a "." or ".." segment would be collapsed by URL
        # normalization, addressing the parent resource instead.
        raise ValueError(f"{python_name} must not be {value!r}")


def _path_text(param: PathParam) -> str:
    value = param.value
    if isinstance(value, Joined):
        if not value.parts:
            raise ValueError(f"{param.python_name} must not be an empty list")
        return _separator(value.separator).join(_quote(part) for part in value.parts)
    if isinstance(value, Raw):
        check_path_value(param.python_name, value.text)
        return _check_raw(param.python_name, value.text)
    check_path_value(param.python_name, value)
    return _quote(str(value))


_UNSAFE_RAW = re.compile(r"[\x00-\x20\x7f#]")


def _check_raw(name: str, text: str) -> str:
    """A value sent unencoded (x-ms-skip-url-encoding) may be a service's next link: it must
    not end the URL early (``#``), split the request line or inject a header."""
    if _UNSAFE_RAW.search(text):
        raise ValueError(
            f"{name} has a space, control character or '#' that cannot be sent unencoded"
        )
    return text


def _separator(separator: str | None) -> str:
    # A space, tab or pipe is not valid in a URL: urllib3 would encode it on the way out, so
    # the URL is built the way it is sent. The comma of csv stays literal, as azure-core sends it.
    return quote(separator or ",", safe=",")


def _encode_query(query: Mapping[str, str | Joined | Raw | None]) -> str:
    pairs: list[str] = []
    for key, value in query.items():
        if value is None:
            continue
        if type(value) is str:  # the usual case first
            pairs.append(f"{_quote_name(key)}={_quote(value)}")
        elif isinstance(value, Joined):
            name = _quote_name(key)
            if value.separator is None:
                pairs.extend(f"{name}={_quote(part)}" for part in value.parts)
            else:
                joined = _separator(value.separator).join(_quote(p) for p in value.parts)
                pairs.append(f"{name}={joined}")
        elif isinstance(value, Raw):
            pairs.append(f"{_quote_name(key)}={_check_raw(key, value.text)}")
        elif isinstance(value, str):
            pairs.append(f"{_quote_name(key)}={_quote(value)}")
        else:
            raise TypeError(f"query parameter {key!r} must be a str, not {type(value).__name__}")
    return "&".join(pairs)


# The same subscription, resource group and scale set names are encoded call after call.
@functools.lru_cache(maxsize=1024)
def _quote(value: str) -> str:
    return quote(value, safe="")


@functools.lru_cache(maxsize=64)
def _quote_name(name: str) -> str:
    # "$" stays literal so "$expand" goes out as azure-core sends it.
    return quote(name, safe="$")


@functools.lru_cache(maxsize=256)
def _plain_placeholders(template: str) -> bool:
    """Whether ``str.format_map`` fills ``template``'s placeholders as ``_PLACEHOLDER`` does:
    no literal brace outside them, names it reads as plain keys."""
    names = _PLACEHOLDER.findall(template)
    return template.count("{") == template.count("}") == len(names) and all(
        _PLAIN_NAME.fullmatch(name) and not name.isdigit() for name in names
    )


def with_api_version(url: str, api_version: str) -> str:
    """``url`` with every ``api-version`` replaced by ours; the rest of the query is kept
    verbatim so opaque skip tokens are not re-encoded."""
    parts = urlsplit(url)
    kept = [
        pair
        for pair in parts.query.split("&")
        if pair and unquote(pair.partition("=")[0]).lower() != "api-version"
    ]
    kept.append(f"api-version={quote(api_version, safe='')}")
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "&".join(kept), ""))
