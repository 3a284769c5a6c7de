"""What each wire type accepts: the one place that says it.

A :class:`Rule` reads one JSON value as the Python value of a field's type, or refuses it with
a :class:`WireError` saying what was expected and what came (the type only: a value may be a
secret). It also says how the value is written back. The model codec (:mod:`.model_codec`)
builds every model's reading and writing code from these rules, so a rule changed here changes
both the accepted values and the error, and nothing else restates them.
"""

from __future__ import annotations

import binascii
import datetime
import enum
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from .number_enums import number_value
from .wire_types import (
    DATETIME_FAST_SHAPE,
    FAST_DATETIME_READER,
    ClosedEnum,
    format_bytes,
    format_datetime,
    format_datetime_rfc1123,
    format_duration,
    parse_bytes,
    parse_date,
    parse_datetime,
    parse_datetime_rfc1123,
    parse_duration,
)

__all__ = ["Rule", "WireError", "enum_rule", "number_enum_rule", "scalar_rule"]


class WireError(ValueError):
    """A wire value that does not fit where it was found.

    ``reason`` says what was expected and the JSON type that came, never the value; ``path`` is
    where, from the outermost object read: wire keys and array indexes, filled in as the error
    leaves each nested object (:meth:`under`).
    """

    def __init__(self, reason: str, path: Sequence[str | int] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.path: list[str | int] = list(path)

    def under(self, *steps: str | int) -> WireError:
        """This error, seen from the object that holds the value at ``steps``."""
        self.path[:0] = steps
        return self

    @property
    def where(self) -> str:
        """The path as text: ``properties.items[0].level``."""
        text = ""
        for step in self.path:
            if isinstance(step, int):
                text += f"[{step}]"
            else:
                text += f".{step}" if text else step
        return text


def expected(label: str, value: object) -> WireError:
    """The error for ``value`` where ``label`` belongs; a JSON true is a boolean, not a number."""
    kind = "bool" if value is True or value is False else type(value).__name__
    return WireError(f"expected {label}, got {kind}")


@dataclass(frozen=True)
class Rule:
    """How one wire type is read and written.

    ``read`` returns the Python value or raises :class:`WireError`. The other members let
    generated code do what ``read`` does without calling it, and are what ``read`` is made of:
    ``exact`` is the class whose values ``read`` returns unchanged; ``parse`` reads a string
    (a ValueError from it means ``expected <label>``); ``table`` maps exact strings to their
    value. ``write`` makes the JSON value (None: sent as it is). ``fast`` reads a string
    that meets ``fast_shape`` (Python source of a condition on ``{0}``) as ``parse`` would,
    only quicker: generated code tests the condition inline and calls ``fast``.
    """

    label: str
    read: Callable[[Any], Any]
    write: Callable[[Any], Any] | None = None
    exact: type | None = None
    parse: Callable[[str], Any] | None = None
    table: Mapping[str, Any] | None = None
    fast: Callable[[str], Any] | None = None
    fast_shape: str | None = None


def _text_rule(
    label: str,
    parse: Callable[[str], Any],
    write: Callable[[Any], Any],
    kind: type,
    refused: type | None = None,
) -> Rule:
    """The rule of a value written as text: a string is parsed, a value already of ``kind``
    (and not of ``refused``: a datetime is not a date) is taken as it is."""
    return Rule(label, _text(parse, label, kind, refused), write, parse=parse)


def _read_str(value: Any) -> Any:
    if isinstance(value, str):
        return value
    raise expected("a string", value)


def _read_int(value: Any) -> Any:
    if isinstance(value, int) and value is not True and value is not False:
        return value
    raise expected("an integer", value)


def _read_bool(value: Any) -> Any:
    if value is True or value is False:
        return value
    raise expected("a boolean", value)


def _read_float(value: Any) -> Any:
    if value.__class__ is float:
        return value
    if isinstance(value, (int, float)) and value is not True and value is not False:
        return float(value)
    raise expected("a number", value)


def _read_any(value: Any) -> Any:
    return value


def _text(
    parse: Callable[[str], Any], label: str, kind: type, refused: type | None = None
) -> Callable[[Any], Any]:
    """A reader of a value written as text: the parsed string, or a value already of ``kind``
    (and not of ``refused``: a datetime is not a date)."""

    def read(value: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse(value)
            except (ValueError, binascii.Error):
                raise WireError(f"expected {label}") from None
        if isinstance(value, kind) and not (refused is not None and isinstance(value, refused)):
            return value
        raise expected(label, value)

    return read


def _date_iso(value: Any) -> Any:
    return value.isoformat()


_RULES: Mapping[Any, Rule] = {
    str: Rule("a string", _read_str, exact=str),
    int: Rule("an integer", _read_int, exact=int),
    bool: Rule("a boolean", _read_bool, exact=bool),
    float: Rule("a number", _read_float, exact=float),
    datetime.datetime: replace(
        _text_rule("a date-time string", parse_datetime, format_datetime, datetime.datetime),
        fast=FAST_DATETIME_READER,
        fast_shape=DATETIME_FAST_SHAPE,
    ),
    datetime.date: _text_rule(
        "a date string", parse_date, _date_iso, datetime.date, datetime.datetime
    ),
    datetime.timedelta: _text_rule(
        "a duration string", parse_duration, format_duration, datetime.timedelta
    ),
    bytes: _text_rule("a base64 string", parse_bytes, format_bytes, bytes),
    Any: Rule("any JSON value", _read_any, exact=object),
}

# Field formats (attrs metadata "format") that change how a type is written and read.
_FORMAT_RULES: Mapping[tuple[Any, str], Rule] = {
    (datetime.datetime, "rfc1123"): _text_rule(
        "an RFC 1123 date-time string",
        parse_datetime_rfc1123,
        format_datetime_rfc1123,
        datetime.datetime,
    ),
}


def scalar_rule(tp: Any, fmt: str | None = None) -> Rule | None:
    """The rule of a scalar type written in wire format ``fmt``; None if ``tp`` is none."""
    if fmt:
        rule = _FORMAT_RULES.get((tp, fmt))
        if rule is not None:
            return rule
    try:
        return _RULES.get(tp)
    except TypeError:  # an unhashable annotation
        return None


def _write_enum(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def enum_rule(enum_type: type[enum.Enum]) -> Rule:
    """A string enum: a known spelling is its member (the enum's own value table answers exact
    spellings), another spelling goes through the enum's own lookup -- case folding, or a new
    member of an extensible enum, or an unlisted member of a closed one: a service may add
    values after this spec was written. An integer or number enum: :func:`number_enum_rule`."""
    if not issubclass(enum_type, str):
        return number_enum_rule(enum_type)
    members: Mapping[Any, Any] = enum_type._value2member_map_
    lookup: Callable[[str], Any] = (
        enum_type.from_service if issubclass(enum_type, ClosedEnum) else enum_type
    )

    def read(value: Any) -> Any:
        if value.__class__ is str:
            member = members.get(value)
            return member if member is not None else lookup(value)
        if isinstance(value, str):
            return lookup(value)
        raise expected("a string", value)

    return Rule("a string", read, _write_enum, table=members)


def number_enum_rule(enum_type: type[enum.Enum]) -> Rule:
    """An integer or number enum (number_enums.py): a JSON number of its kind (an integer for
    an integer enum, a JSON true never) is its member; a value the spec does not list is kept
    as the enum keeps it (a new member of an extensible enum, an unlisted one of a closed
    enum read from a response)."""
    members: Mapping[Any, Any] = enum_type._value2member_map_
    lookup: Callable[[Any], Any] = getattr(enum_type, "from_service", enum_type)
    label = "an integer" if issubclass(enum_type, int) else "a number"

    def read(value: Any) -> Any:
        number = number_value(enum_type, value)
        if number is None:
            raise expected(label, value)
        member = members.get(number)
        return member if member is not None else lookup(number)

    return Rule(label, read, _write_enum)
