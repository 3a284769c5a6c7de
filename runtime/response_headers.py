"""Response headers an operation declares, read as their declared types for ``cls=``.

An operation whose success responses declare headers accepts ``cls=``, as azure-core's
generated operations do: ``cls(pipeline_response, deserialized, headers)`` is called with the
response, the result the operation would return, and a dict of the declared headers read as
their types (``int``, ``datetime``, an enum, ...). What ``cls`` returns is what the call
returns. A declared header the response lacks reads as None; one that does not parse as its
type raises ``DecodeError`` naming the header, never with its value (it may be a secret).
"""

from __future__ import annotations

import base64
import binascii
import datetime
import email.utils
from collections.abc import Callable, Mapping
from typing import TypeVar

from .bodies import read_duration
from .call_options import PipelineResponse
from .exceptions import DecodeError
from .http import HttpResponse
from .serialization import ClosedEnum, ExtensibleEnum, parse_datetime

__all__ = [
    "HeaderReader",
    "ResponseCallback",
    "call_cls",
    "header_bool",
    "header_bytes",
    "header_date",
    "header_datetime",
    "header_enum",
    "header_float",
    "header_int",
    "header_rfc1123",
    "header_str",
    "header_timedelta",
    "header_unix_time",
]

T = TypeVar("T")
R = TypeVar("R")

HeaderReader = Callable[[str], object]
"""Reads one header's text as its declared type; raises ValueError when it does not parse."""

ResponseCallback = Callable[[PipelineResponse, T, dict[str, object]], R]
"""``cls=``: called with the response, the deserialized result and the declared headers."""

# Longest header value read: urllib3 bounds the header block; this bounds each parse.
_MAX_HEADER = 8192


def header_str(text: str) -> str:
    return text


def header_int(text: str) -> int:
    return int(text.strip())


def header_float(text: str) -> float:
    return float(text.strip())


def header_bool(text: str) -> bool:
    folded = text.strip().lower()
    if folded not in ("true", "false"):
        raise ValueError("expected true or false")
    return folded == "true"


def header_date(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text.strip())


def header_datetime(text: str) -> datetime.datetime:
    return parse_datetime(text.strip())


def header_rfc1123(text: str) -> datetime.datetime:
    when = email.utils.parsedate_to_datetime(text.strip())
    return when if when.tzinfo is not None else when.replace(tzinfo=datetime.timezone.utc)


def header_unix_time(text: str) -> datetime.datetime:
    return datetime.datetime.fromtimestamp(int(text.strip()), datetime.timezone.utc)


def header_timedelta(text: str) -> datetime.timedelta:
    return read_duration(text)


def header_bytes(text: str) -> bytes:
    try:
        return base64.b64decode(text.strip(), validate=True)
    except binascii.Error:
        raise ValueError("not base64") from None


def header_enum(enum: type[ClosedEnum] | type[ExtensibleEnum]) -> HeaderReader:
    """A reader of an enum header: a value the spec does not list is kept as it was sent."""

    def read(text: str) -> object:
        if issubclass(enum, ClosedEnum):
            return enum.from_service(text)
        return enum(text)

    return read


def read_headers(response: HttpResponse, readers: Mapping[str, HeaderReader]) -> dict[str, object]:
    """The declared headers of ``response`` by their spec names; absent ones are None."""
    found: dict[str, object] = {}
    for name, reader in readers.items():
        text = response.headers.get(name)
        if text is None:
            found[name] = None
            continue
        try:
            if len(text) > _MAX_HEADER:
                raise ValueError("too long")
            found[name] = reader(text)
        except (ValueError, OverflowError, TypeError) as exc:
            raise DecodeError(
                f"response header {name!r} is not a valid value of its declared type "
                f"({type(exc).__name__})",
                response=response,
            ) from None
    return found


def call_cls(
    cls: ResponseCallback[T, R],
    response: HttpResponse,
    result: T,
    readers: Mapping[str, HeaderReader],
) -> R:
    """``cls(pipeline_response, result, declared headers)``: what a call given ``cls=`` returns."""
    return cls(
        PipelineResponse(response.request, response), result, read_headers(response, readers)
    )
