"""Enums of integer and number values (x-ms-enum on ``type: integer`` or ``type: number``), as
AutoRest generates them: members are ints or floats, so they compare and compute as numbers.

``ExtensibleIntEnum`` / ``ExtensibleFloatEnum`` (``modelAsString: true``) take a value the spec
does not list as a member of its own, which round-trips unchanged. ``ClosedIntEnum`` /
``ClosedFloatEnum`` accept only the listed values from a caller; a response is read leniently
(``from_service``), as the string enums of wire_types.py are. A JSON boolean is never a number
here, although Python's ``bool`` is an ``int``; wire_rules.py reads these enums' wire values.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = [
    "ClosedFloatEnum",
    "ClosedIntEnum",
    "ExtensibleFloatEnum",
    "ExtensibleIntEnum",
    "number_value",
]

# Values a service sent for a closed enum that the spec does not list, by (enum, value).
_UNLISTED: dict[tuple[type, float], Any] = {}


def number_value(cls: type, value: object) -> int | float | None:
    """``value`` as the enum's number type, or None when it is not a number of that kind."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if issubclass(cls, int):
        return value if isinstance(value, int) else None
    return float(value)


def _pseudo(cls: Any, value: int | float) -> Any:
    base: Any = int if issubclass(cls, int) else float
    member: Any = base.__new__(cls, value)
    member._name_ = str(value)
    member._value_ = value
    return member


class _Extensible:
    @classmethod
    def _missing_(cls, value: object) -> Any:
        number = number_value(cls, value)
        if number is None:
            return None
        members: Any = cls
        for member in members:
            if member.value == number:
                return member
        pseudo = _pseudo(cls, number)
        # Enum's own lookup table, so the next lookup of the same value is an identity.
        cls._value2member_map_[number] = pseudo  # type: ignore[attr-defined]
        return pseudo


class _Closed:
    """Closed number enums: ``from_service`` keeps a value the spec does not list."""

    @classmethod
    def from_service(cls, value: int | float) -> Any:
        try:
            return cls(value)  # type: ignore[call-arg]
        except ValueError:
            number = number_value(cls, value)
            if number is None:
                raise
            key = (cls, number)
            unlisted = _UNLISTED.get(key)
            if unlisted is None:
                unlisted = _UNLISTED[key] = _pseudo(cls, number)
            return unlisted


class ExtensibleIntEnum(_Extensible, int, enum.Enum):
    """An integer enum whose service may add values (``modelAsString: true``)."""


class ClosedIntEnum(_Closed, int, enum.Enum):
    """An integer enum with a fixed set of values (``modelAsString: false``)."""


class ExtensibleFloatEnum(_Extensible, float, enum.Enum):
    """A number enum whose service may add values (``modelAsString: true``)."""


class ClosedFloatEnum(_Closed, float, enum.Enum):
    """A number enum with a fixed set of values (``modelAsString: false``)."""
