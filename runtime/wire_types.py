"""Wire formats of single values: what ARM writes for a date-time, a duration, bytes or an enum,
and the Python value each becomes.

Every function here reads or writes one value and knows nothing of models; which of them a
field uses is decided once, in :mod:`.wire_rules`.
"""

from __future__ import annotations

import base64
import datetime
import email.utils
import enum
import re
import sys
from typing import Any, Final, Literal

__all__ = [
    "DATETIME_FAST_SHAPE",
    "FAST_DATETIME_READER",
    "UNSET",
    "ClosedEnum",
    "ExtensibleEnum",
    "Unset",
    "format_bytes",
    "format_datetime",
    "format_datetime_rfc1123",
    "format_duration",
    "parse_bytes",
    "parse_date",
    "parse_datetime",
    "parse_datetime_rfc1123",
    "parse_duration",
]


class Unset(enum.Enum):
    """The type of ``UNSET``. Fields that were not given, or that the service did not send,
    read as None (and None is not sent); UNSET is kept for code written against the older
    models, which compared with it."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


class ExtensibleEnum(str, enum.Enum):
    """An enum whose service may add values (x-ms-enum ``modelAsString: true``).

    Known values compare case-insensitively and map to their member; an unknown value becomes
    a member of its own (cached), so it round-trips unchanged and ``isinstance`` still holds.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        # Enum's own lookup table, so the next lookup of the same value is an identity.
        cls._value2member_map_[value] = pseudo
        return pseudo

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


# Values a service sent for a closed enum that the spec does not list, by (enum, value).
_UNLISTED: dict[tuple[type, str], Any] = {}


class ClosedEnum(str, enum.Enum):
    """An enum with a fixed set of values (``modelAsString: false``); lookups ignore case.

    ``ClosedEnum(value)`` accepts only the listed values: code that builds a request gets an
    error for anything else. A response is read more leniently (``from_service``): a value the
    service added after this spec becomes an unlisted member rather than failing the whole
    response, as a new status level would otherwise break every read of a resource.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            folded = value.casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return None

    @classmethod
    def from_service(cls, value: str) -> Any:
        try:
            return cls(value)
        except ValueError:
            key = (cls, value)
            unlisted = _UNLISTED.get(key)
            if unlisted is None:
                unlisted = str.__new__(cls, value)
                unlisted._name_ = value
                unlisted._value_ = value
                _UNLISTED[key] = unlisted
            return unlisted

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


# -- datetimes ------------------------------------------------------------------------------

# The general reader: date, 'T' (or 't' or a space), hours and minutes, optional seconds, any
# number of fraction digits, then 'Z', an offset with or without its colon, or nothing (UTC).
_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?$"
)
_FROMISOFORMAT = datetime.datetime.fromisoformat

# The text ``datetime.fromisoformat`` reads exactly as the general reader does (from 3.11 it
# takes 'Z' and any number of fraction digits): UTC as ``+00:00`` or ``Z`` after whole seconds
# or a fraction of digits, tested by slices (the zone; the separators by position; the whole
# fraction: fromisoformat reads an empty one and ignores what follows its sixth digit). It
# refuses anything else such a text holds (non-ASCII digits too), and the general reader
# decides. Python source of a condition on ``{0}``, also inlined by model_source.py.
DATETIME_FAST_SHAPE: Final = (
    "{0}[-6:] == '+00:00' and ({0}[4:20:3] == '--T::.' and {0}[20:-6].isdecimal()"
    " or {0}[4:17:3] == '--T::' and {0}[19:] == '+00:00')"
    " or {0}[-1:] == 'Z' and ({0}[4:20:3] == '--T::.' and {0}[20:-1].isdecimal()"
    " or {0}[4:17:3] == '--T::' and {0}[19:] == 'Z')"
)
FAST_DATETIME_READER: Final = _FROMISOFORMAT if sys.version_info >= (3, 11) else None
"""What reads a date-time of that shape; None where fromisoformat refuses 'Z' (3.10)."""

_fits_fast_path: Final = eval(f"lambda value: {DATETIME_FAST_SHAPE.format('value')}")


def parse_datetime(value: str) -> datetime.datetime:
    """ISO-8601 as ARM writes it: 'Z' or an offset (none means UTC), up to 7+ fraction digits
    (truncated to microseconds, as Python cannot hold more).

    What ARM sends nearly always -- UTC as ``+00:00`` or ``Z``, after whole seconds or any
    number of fraction digits (``2024-08-26T09:03:52.5630183+00:00``) -- is checked by
    position (:data:`DATETIME_FAST_SHAPE`) and read by ``datetime.fromisoformat`` in C; where
    it refuses the text, the general reader decides. Anything else takes the general reader,
    which the tests hold the fast path to.
    """
    if FAST_DATETIME_READER is not None and _fits_fast_path(value):
        try:
            return FAST_DATETIME_READER(value)
        except ValueError:
            pass
    return _parse_datetime_general(value)


def _parse_datetime_general(value: str) -> datetime.datetime:
    """The general reader behind :func:`parse_datetime`, also its reference in the tests."""
    match = _ISO.match(value.strip())
    if match is None:
        raise ValueError("not an ISO-8601 date-time")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    tz = match["tz"] or "+00:00"
    if tz in ("Z", "z"):
        tz = "+00:00"
    elif ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    clock = match["time"] if match["time"].count(":") == 2 else f"{match['time']}:00"
    return _FROMISOFORMAT(f"{match['date']}T{clock}.{fraction}{tz}")


def format_datetime(value: datetime.datetime) -> str:
    """RFC 3339 with 'Z' for UTC; a naive datetime is taken to be UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_datetime_rfc1123(value: str) -> datetime.datetime:
    """An RFC 1123 date-time (``format: date-time-rfc1123``): ``Mon, 01 Jan 2001 00:00:00 GMT``."""
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError("not an RFC 1123 date-time") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


def format_datetime_rfc1123(value: datetime.datetime) -> str:
    """RFC 1123 in GMT, as azure-core writes ``date-time-rfc1123``; a naive datetime is UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return email.utils.format_datetime(value.astimezone(datetime.timezone.utc), usegmt=True)


_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)


def parse_duration(value: str) -> datetime.timedelta:
    """An ISO-8601 duration (``P1DT2H``, ``PT30M``, ``PT0.5S``, ``P2W``) as a timedelta. Years
    and months have no fixed length and are refused."""
    match = _DURATION.fullmatch(value.strip())
    if match is None or value.strip() in ("P", "-P") or value.strip().endswith("T"):
        raise ValueError("not an ISO-8601 duration of weeks, days, hours, minutes, seconds")
    parts = {
        key: float(text.replace(",", "."))
        for key, text in match.groupdict().items()
        if text and key != "sign"
    }
    result = datetime.timedelta(**parts)
    return -result if match["sign"] else result


def format_duration(value: datetime.timedelta) -> str:
    """A timedelta as an ISO-8601 duration: ``P1DT2H3M4.5S``; ``PT0S`` for zero."""
    sign = "-" if value < datetime.timedelta(0) else ""
    value = abs(value)
    days, seconds, micro = value.days, value.seconds, value.microseconds
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}P{days}D" if days else f"{sign}P"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if secs or micro:
        clock += f"{secs}.{micro:06d}".rstrip("0").rstrip(".") + "S"
    if clock:
        text += "T" + clock
    return text if text not in ("P", "-P") else "PT0S"


def parse_date(value: str) -> datetime.date:
    """An ISO-8601 full date, ``2024-07-01``."""
    return datetime.date.fromisoformat(value.strip()[:10])


def parse_bytes(value: str) -> bytes:
    """Base64 (``format: byte``), also in its URL-safe form (``base64url``), padding optional."""
    text = value.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def format_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")
