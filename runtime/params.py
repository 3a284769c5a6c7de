"""Path, query and header values as azure-core writes them: the text of one parameter.

``bool`` -> ``"true"``/``"false"``, enums -> their value, ``datetime`` -> RFC 3339 in UTC with
``Z`` (``rfc1123`` and ``unix-time`` on request), ``date`` -> ``YYYY-MM-DD``, ``timedelta`` ->
an ISO 8601 duration, ``bytes`` -> base64 (``base64url`` on request), numbers -> ``str()``.
Arrays keep each element's text apart (:class:`Joined`) so that only the elements are
percent-encoded and the separator of their ``collectionFormat`` stays literal, or repeat the
query key (``multi``).
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import cast, overload

__all__ = [
    "SEPARATORS",
    "Joined",
    "Raw",
    "header_collection",
    "require_argument",
    "values_of",
    "wire_join",
    "wire_list",
    "wire_value",
]


def values_of(value: object, name: str) -> Iterable[object] | None:
    """A client-level array parameter's value, as the client was given it: None (not sent),
    or the values to join; a str or a mapping is refused, naming the parameter."""
    if value is None:
        return None
    kind = type(value).__name__
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise TypeError(f"{name} must be a list of values, not {kind}")
    return cast("Iterable[object]", value)


# collectionFormat -> the separator azure-core joins array elements with.
SEPARATORS = {"csv": ",", "ssv": " ", "tsv": "\t", "pipes": "|"}


@dataclass(frozen=True, slots=True)
class Joined:
    """An array parameter's elements: each is percent-encoded alone, then joined with
    ``separator``; ``separator=None`` repeats the query key once per element (``multi``)."""

    parts: tuple[str, ...]
    separator: str | None = ","


@dataclass(frozen=True, slots=True)
class Raw:
    """A value sent as it is, not percent-encoded (``x-ms-skip-url-encoding``)."""

    text: str


_UTC = datetime.timezone.utc


def _datetime(value: datetime.datetime, fmt: str) -> str:
    aware = value.replace(tzinfo=_UTC) if value.tzinfo is None else value.astimezone(_UTC)
    if fmt == "date-time-rfc1123":
        return email.utils.format_datetime(aware, usegmt=True)
    if fmt == "unix-time":
        return str(int(aware.timestamp()))
    return aware.isoformat().replace("+00:00", "Z")


def _duration(value: datetime.timedelta) -> str:
    """ISO 8601, as azure-core's JSON encoder writes a timedelta: ``P1DT02H03M04.5S``."""
    seconds = value.total_seconds()
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    seconds = round(seconds, 6)
    date_part = f"{int(days)}D" if days else ""
    time_part = "T"
    bigger = bool(date_part) or bool(hours)
    if bigger:
        time_part += f"{int(hours):02}H"
    bigger = bigger or bool(minutes)
    if bigger:
        time_part += f"{int(minutes):02}M"
    if seconds.is_integer():
        time_part += f"{int(seconds):02}S"
    else:
        time_part += f"{seconds:09.6f}".rstrip("0") + "S"
    return "P" + date_part + time_part


@overload
def wire_value(value: None, fmt: str = "") -> None: ...  # pyright: ignore[reportOverlappingOverload]
@overload
def wire_value(value: object, fmt: str = "") -> str: ...
def wire_value(value: object, fmt: str = "") -> str | None:
    """The text of one parameter value; ``None`` stays ``None`` (not sent, or refused by
    ``format_url`` for a path parameter, naming it)."""
    if value is None:
        return None
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return _datetime(value, fmt)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.timedelta):
        return _duration(value)
    if isinstance(value, (bytes, bytearray)):
        if fmt == "base64url":
            return base64.urlsafe_b64encode(value).decode("ascii").rstrip("=")
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, (int, float)):
        return str(value)
    raise TypeError(f"cannot send a {type(value).__name__} as a parameter value")


@overload
def wire_list(values: None, fmt: str = "", separator: str | None = ",") -> None: ...
@overload
def wire_list(values: Iterable[object], fmt: str = "", separator: str | None = ",") -> Joined: ...
def wire_list(
    values: Iterable[object] | None, fmt: str = "", separator: str | None = ","
) -> Joined | None:
    """An array path or query value; ``None`` elements become empty strings, as in azure-core."""
    if values is None:
        return None
    if isinstance(values, (str, bytes)):
        raise TypeError("an array parameter needs a list of values, not a single string")
    return Joined(tuple("" if v is None else wire_value(v, fmt) for v in values), separator)


@overload
def wire_join(values: None, fmt: str = "", separator: str = ",") -> None: ...
@overload
def wire_join(values: Iterable[object], fmt: str = "", separator: str = ",") -> str: ...
def wire_join(values: Iterable[object] | None, fmt: str = "", separator: str = ",") -> str | None:
    """An array header value: the elements' text joined with ``separator`` (no encoding)."""
    joined = wire_list(values, fmt, separator)
    return None if joined is None else separator.join(joined.parts)


def header_collection(prefix: str, values: Mapping[str, object] | None) -> dict[str, str]:
    """``x-ms-header-collection-prefix``: each entry as a header named ``prefix + key``."""
    if values is None:
        return {}
    return {f"{prefix}{key}": wire_value(value) for key, value in values.items()}


def require_argument(value: object, parameter: str) -> None:
    """A required argument passed as None (a parameter group object) fails here, naming it,
    before anything is read from it or sent."""
    if value is None:
        raise TypeError(f"{parameter} is required, not None")
