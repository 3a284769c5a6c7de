"""Reading a response that drifts harmlessly from its schema, as azure-core's deserializer does.

Responses are read strictly first (the fast path, unchanged). Only when that fails is the same
body read once more in lenient mode (:func:`read_response`), where a value is taken if
msrest would take it and nothing is lost:

- a required field missing or null reads as None (msrest checks ``required`` only when
  sending; services leave out what they never return, such as a password);
- an integer written as a string (``"3600"``) or as a whole float (``8.0``) is that integer;
  a number written as a string is that number; ``"true"``/``"false"`` are booleans;
- a number where a string belongs is its JSON text (``5`` -> ``"5"``);
- base64 broken by white space (a certificate wrapped or spaced out) is read without it, as
  Python's and msrest's non-validating ``b64decode`` reads it.

A value that does not fit even so (an object where a string belongs, ``8.5`` for an integer)
stays a ``DecodeError`` naming the field. Nothing here applies to what a caller sends or to
``from_dict`` called directly: those stay strict.
"""

from __future__ import annotations

import contextvars
import math
import re
from collections.abc import Callable
from typing import Any, TypeVar

from .wire_rules import Rule, WireError, expected, scalar_rule

__all__ = ["lenient_rule", "read_leniently", "read_response", "reading_leniently"]

T = TypeVar("T")

_LENIENT: contextvars.ContextVar[bool] = contextvars.ContextVar("lenient_reading", default=False)
_DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)
_INTEGER = re.compile(r"[-+]?[0-9]+")
_WHITE_SPACE = re.compile(r"\s+")


def reading_leniently() -> bool:
    """Whether a failed strict read should try the lenient one (inside :func:`read_response`)."""
    return _LENIENT.get()


def read_response(read: Callable[[Any], T], data: Any) -> T:
    """``read(data)``; when that fails, the lenient read of the same data. If that fails
    too, the strict read's error is raised."""
    try:
        return read(data)
    except _DECODE_ERRORS as strict:
        try:
            return read_leniently(read, data)
        except _DECODE_ERRORS:
            raise strict from None


def read_leniently(read: Callable[[Any], T], data: Any) -> T:
    """``read(data)`` in lenient mode: what a decoding site calls once the strict read failed,
    so that the strict read costs nothing more."""
    token = _LENIENT.set(True)
    try:
        return read(data)
    finally:
        _LENIENT.reset(token)


def _int(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        return int(value)
    raise expected("an integer", value)


def _float(value: Any) -> Any:
    if isinstance(value, str):
        try:
            number = float(value)
        except ValueError:
            pass
        else:
            if math.isfinite(number):
                return number
    raise expected("a number", value)


def _bool(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise expected("a boolean", value)


def _str(value: Any) -> Any:
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    raise expected("a string", value)


def _without_white_space(strict: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def read(value: Any) -> Any:
        if isinstance(value, str) and _WHITE_SPACE.search(value):
            return strict(_WHITE_SPACE.sub("", value))
        raise expected("a base64 string", value)

    return read


_COERCIONS: dict[Any, Callable[[Any], Any]] = {int: _int, float: _float, bool: _bool, str: _str}


def lenient_rule(tp: Any, fmt: str | None = None) -> Rule | None:
    """The rule of ``tp`` in lenient mode: the strict rule, then the coercion of its type."""
    rule = scalar_rule(tp, fmt)
    if rule is None:
        return rule
    strict = rule.read
    coerce = _COERCIONS.get(tp)
    if tp is bytes:
        coerce = _without_white_space(strict)
    if coerce is None:
        return rule
    convert = coerce

    def read(value: Any) -> Any:
        try:
            return strict(value)
        except WireError:
            return convert(value)

    return Rule(rule.label, read, rule.write, rule.exact, rule.parse, rule.table)
