"""Header values the caller supplies are checked before anything is sent.

CR, LF and NUL are refused in every value (and name), including the folded ``"\\r\\n "``
continuation form that ``http.client`` lets through: any of them could end the header early
and inject others. The error names the header, never its value (which may be a secret).
"""

from __future__ import annotations

from collections.abc import Mapping

from .exceptions import InvalidHeaderValueError

__all__ = ["check_header", "check_headers"]


def check_header(name: str, value: str, source: str) -> None:
    """Raise :class:`InvalidHeaderValueError` naming ``name`` when ``name`` or ``value`` holds
    CR, LF or NUL; ``source`` says where the value came from (a parameter or variable)."""
    # Three substring searches each (C loops): this runs for every header of every request.
    if (
        "\r" in value
        or "\n" in value
        or "\x00" in value
        or "\r" in name
        or "\n" in name
        or "\x00" in name
    ):
        raise InvalidHeaderValueError(name, source)


def check_headers(headers: Mapping[str, str], source: str) -> None:
    """:func:`check_header` for every entry of ``headers``."""
    for name, value in headers.items():
        check_header(name, value, source)
