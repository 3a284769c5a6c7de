"""What a model field accepts on the way out: the request side's type rules.

A model about to be sent is written by generated code (:mod:`.model_source`); before a field's
value is written, one class test passes the common case (``v.__class__ is not int``) and
anything else goes to the field's :class:`SendCheck`, which accepts what Python users expect
(an ``int`` for a float field, a ``str`` subclass, any string for an extensible enum, a tuple
for a list) or raises a :class:`.wire_rules.WireError` worded as the response side's strict
reader words its own (``expected an integer, got str``): the type only, never the value, which
may be a secret. A ``bool`` is not a number, a string is not a date-time, a dict is not a model.
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .wire_rules import WireError, expected
from .wire_types import ClosedEnum

__all__ = ["SendCheck", "check_items", "check_map", "index_of", "scalar_check"]

Check = Callable[[Any], None]


@dataclass(frozen=True)
class SendCheck:
    """``exact``: the class whose values pass without a call (None: every value is checked);
    ``check``: the test of any other value, raising WireError."""

    exact: type | None
    check: Check


def _kind(label: str, accepts: Callable[[Any], bool]) -> Check:
    def check(value: Any) -> None:
        if not accepts(value):
            raise expected(label, value)

    return check


def _not_bool(value: Any) -> bool:
    return value is not True and value is not False


_SCALARS: dict[Any, SendCheck] = {
    str: SendCheck(str, _kind("a string", lambda v: isinstance(v, str))),
    int: SendCheck(int, _kind("an integer", lambda v: isinstance(v, int) and _not_bool(v))),
    float: SendCheck(
        float, _kind("a number", lambda v: isinstance(v, (int, float)) and _not_bool(v))
    ),
    bool: SendCheck(bool, _kind("a boolean", lambda v: v is True or v is False)),
    datetime.datetime: SendCheck(
        datetime.datetime,
        _kind("a datetime.datetime", lambda v: isinstance(v, datetime.datetime)),
    ),
    datetime.date: SendCheck(
        datetime.date,
        _kind(
            "a datetime.date",
            lambda v: isinstance(v, datetime.date) and not isinstance(v, datetime.datetime),
        ),
    ),
    datetime.timedelta: SendCheck(
        datetime.timedelta,
        _kind("a datetime.timedelta", lambda v: isinstance(v, datetime.timedelta)),
    ),
    bytes: SendCheck(bytes, _kind("bytes", lambda v: isinstance(v, (bytes, bytearray)))),
}


def scalar_check(tp: Any) -> SendCheck | None:
    """The check of a scalar field type (any format: a format changes the text, not the
    Python type); None when ``tp`` is not one."""
    try:
        return _SCALARS.get(tp)
    except TypeError:  # an unhashable annotation
        return None


def enum_check(enum_type: type[enum.Enum], extensible: bool) -> SendCheck:
    """An enum field: a member always; a plain value of the enum's kind (a string, an integer
    or number, never a bool) when the enum is extensible, or when it is one the enum lists."""
    name = enum_type.__name__
    kind: tuple[type, ...]
    if issubclass(enum_type, str):
        label, kind = "a string", (str,)
    elif issubclass(enum_type, int):
        label, kind = "an integer", (int,)
    else:
        label, kind = "a number", (int, float)
    closed = not extensible or issubclass(enum_type, ClosedEnum)

    def check(value: Any) -> None:
        if isinstance(value, enum_type):
            return
        if not isinstance(value, kind) or not _not_bool(value):
            raise expected(f"{name} or {label}", value)
        if closed:
            try:
                enum_type(value)
            except ValueError:
                raise WireError(
                    f"expected a value {name} lists, got an unlisted {type(value).__name__}"
                ) from None

    return SendCheck(enum_type, check)


def model_check(model: type) -> SendCheck:
    """A nested model field: an instance of the model (or of a subtype)."""
    label = f"{model.__name__}"

    def check(value: Any) -> None:
        if not isinstance(value, model):
            raise expected(label, value)

    return SendCheck(model, check)


def check_items(item: SendCheck | None) -> SendCheck:
    """A list field: a list (or tuple) whose items (None allowed, sent as null) pass ``item``;
    a refused item's index joins the path."""
    exact, test = (item.exact, item.check) if item is not None else (None, None)

    def check(value: Any) -> None:
        if value.__class__ is not list and not isinstance(value, (list, tuple)):
            raise expected("a list", value)
        if test is None:
            return
        for index, entry in enumerate(value):
            if entry is not None and entry.__class__ is not exact:
                try:
                    test(entry)
                except WireError as error:
                    raise error.under(index) from None

    # Without an item test a list passes on its class alone.
    return SendCheck(list if test is None else None, check)


def check_map(item: SendCheck | None) -> SendCheck:
    """A map field: a dict with string keys whose values (None allowed) pass ``item``."""
    exact, test = (item.exact, item.check) if item is not None else (None, None)

    def check(value: Any) -> None:
        if value.__class__ is not dict and not isinstance(value, dict):
            raise expected("a dict", value)
        for key, entry in value.items():
            if not isinstance(key, str):
                raise WireError(f"keys must be strings, got {type(key).__name__}")
            if test is not None and entry is not None and entry.__class__ is not exact:
                try:
                    test(entry)
                except WireError as error:
                    raise error.under(key) from None

    return SendCheck(None, check)


def index_of(values: Any, item: Any) -> int:
    """Where ``item`` (the very object) sits in ``values``: found only once a write failed."""
    for index, entry in enumerate(values):
        if entry is item:
            return index
    return -1


# pyright --strict (nox -s lint): the values checked here are a caller's, of any type, and are
# narrowed from Any on purpose; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false
