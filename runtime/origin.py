"""Where a URL really goes: origins read with the parser that makes the connection.

Every link the runtime follows (poll links, ``Location``, ``nextLink``, ``resourceLocation``,
redirects, continuation tokens) and every endpoint it sends a token to is vetted here, and only
here. The origin is read with ``urllib3.util.parse_url``, the parser the transport connects
with, never with ``urllib.parse``: the two disagree on some authorities (``https://evil\\@good/``
is host ``good`` to ``urlsplit`` but ``evil`` to urllib3), and a check made by one parser on
behalf of the other can be walked around. Authorities that any two parsers could read
differently -- a backslash, userinfo (``@``), a percent sign, whitespace or control
characters -- are refused outright, as is a link on which the two parsers still disagree.
"""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import NamedTuple

from urllib3.exceptions import LocationParseError
from urllib3.util import parse_url

__all__ = [
    "Origin",
    "UnsafeURLError",
    "is_loopback_host",
    "origin_of",
    "raw_authority",
    "same_origin",
    "token_allowed",
]

_DEFAULT_PORTS = {"https": 443, "http": 80}
# Characters that must never appear in an authority this runtime connects to.
_FORBIDDEN_IN_AUTHORITY = frozenset("\\@% \t\r\n\x00\x7f")
# Everything up to the first "/", "?" or "#" (one C-level scan rather than three finds).
_AUTHORITY = re.compile(r"[^/?#]*")
# An https URL whose authority (up to the first "/", "?" or "#") is not empty and has none of
# _FORBIDDEN_IN_AUTHORITY: the authority check of :func:`token_allowed` in one match.
_PLAIN_HTTPS_AUTHORITY = re.compile(r"https://[^/?#\\@% \t\r\n\x00\x7f]+(?:[/?#]|\Z)")


class UnsafeURLError(ValueError):
    """A URL whose destination cannot be read unambiguously (or is not http/https)."""


class Origin(NamedTuple):
    """Scheme, host and port of a URL, as urllib3 connects to them (default ports filled)."""

    scheme: str
    host: str
    port: int


def raw_authority(url: str) -> str:
    """The authority as RFC 3986 (and ``urlsplit``) delimit it: up to ``/``, ``?`` or ``#``."""
    start = url.find("://")
    if start < 0:
        raise UnsafeURLError("not an absolute URL")
    match = _AUTHORITY.match(url, start + 3)
    return match.group() if match is not None else ""


@functools.lru_cache(maxsize=512)
def origin_of(url: str) -> Origin:
    """The origin urllib3 would connect to for ``url``.

    Raises :class:`UnsafeURLError` for a URL that is not absolute http(s), that urllib3 cannot
    parse, or whose authority has a backslash, userinfo, a percent sign, whitespace or a
    control character. The message never repeats the URL (it may carry a signature).
    """
    if not isinstance(url, str):
        raise UnsafeURLError(f"a URL must be a str, not {type(url).__name__}")
    if any(ord(char) < 0x20 or ord(char) == 0x7F for char in url):
        raise UnsafeURLError("the URL contains control characters")
    authority = raw_authority(url)
    if not authority or not _FORBIDDEN_IN_AUTHORITY.isdisjoint(authority):
        raise UnsafeURLError(
            "the URL's authority is empty or has a backslash, userinfo, '%', whitespace or "
            "control characters"
        )
    try:
        parsed = parse_url(url)
    except LocationParseError:
        raise UnsafeURLError("the URL cannot be parsed") from None
    scheme = (parsed.scheme or "").lower()
    if scheme not in _DEFAULT_PORTS:
        raise UnsafeURLError("the URL is not an http or https URL")
    if parsed.auth is not None or not parsed.host:
        raise UnsafeURLError("the URL has userinfo or no host")
    host = parsed.host.lower()
    # Belt and braces: both readings of the authority must name the same host.
    hostname = authority.rpartition(":")[0] if _has_port(authority) else authority
    if hostname.lower() != host and _idna(hostname) != host:
        raise UnsafeURLError("the URL's host reads differently to different URL parsers")
    port = parsed.port if parsed.port is not None else _DEFAULT_PORTS[scheme]
    return Origin(scheme, host, port)


def _has_port(authority: str) -> bool:
    if authority.startswith("["):
        return "]:" in authority
    return ":" in authority


def _idna(hostname: str) -> str:
    try:
        return hostname.encode("idna").decode("ascii").lower()
    except UnicodeError:
        return ""


def same_origin(url: str, reference: str) -> bool:
    """Whether ``url`` goes to the scheme, host and port of ``reference`` (default ports
    folded). ``False`` for any URL :func:`origin_of` refuses."""
    # The usual case without parsing: ``url`` starts with the whole ``scheme://authority/`` of
    # ``reference``, character for character, and that authority is plain, so urllib3 reads
    # the same authority in both (it ends at the first "/").
    authority = reference.find("://") + 3
    end = reference.find("/", authority) if authority > 2 else -1
    if (
        end > authority
        and url.startswith(reference[: end + 1])
        and _FORBIDDEN_IN_AUTHORITY.isdisjoint(reference[authority:end])
        and url.isprintable()
    ):
        return True
    try:
        return origin_of(url) == origin_of(reference)
    except UnsafeURLError:
        return False


@functools.lru_cache(maxsize=256)
def is_loopback_host(host: str) -> bool:
    """127.0.0.0/8, ``::1`` (brackets allowed) or literally ``localhost``.

    Names merely ending in ``.localhost`` are not loopback here: whether they resolve to this
    machine depends on the resolver, so they are treated like any other remote name. So is
    ``localhost.`` (a fully qualified name: the hosts file does not answer it, DNS does).
    """
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def token_allowed(url: str) -> bool:
    """Whether a bearer token may go to ``url``: https, or plain http to a loopback host only.
    ``False`` for any URL :func:`origin_of` refuses."""
    if url.startswith("https://") and url.isprintable():
        # What every request has: only the authority needs a look (a full parse per URL
        # would cost each request of a fan-out far more).
        return _PLAIN_HTTPS_AUTHORITY.match(url) is not None
    try:
        origin = origin_of(url)
    except UnsafeURLError:
        return False
    return origin.scheme == "https" or is_loopback_host(origin.host)
