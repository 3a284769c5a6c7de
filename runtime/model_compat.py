"""Construction-time check of generated models: a plain dict where a model belongs is refused.

``VirtualMachineRunCommand(source={"script": "x"})`` used to be accepted and to fail much later,
at send time, with an ``AttributeError`` far from the mistake. A dict is not converted: it could
be meant as the wire form (``camelCase`` keys) or as keyword arguments (``snake_case``), and
guessing wrong would send something else than intended. The error names the field (and the
item) and the two ways to build the value.

A generated model names its model-valued fields in ``__wire_nested__``; its ``__init__``
(model_init.py) tests them inline (a class check per field, ``dict in map(type, ...)`` for
lists and dicts, both in C) and calls :func:`nested_dict_error` only to build the error.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from typing import Any

import attrs

__all__ = ["PLAIN_DICT", "empty_extra", "nested_dict_error"]

empty_extra: Callable[[], dict[str, Any]] = dict
"""The factory of ``additional_properties``: ``dict`` itself (no Python call per model), typed
so that type checkers know the field's type (``factory=dict`` is ``dict[Unknown, Unknown]``)."""

PLAIN_DICT: type[object] = dict
"""``dict``, typed so that comparing a model-typed value's class with it is not flagged as a
comparison that can never be true: the check is there for callers who ignore the types."""


def nested_dict_error(model: object, name: str) -> TypeError:
    """The ``TypeError`` for the dict found in ``model``'s field ``name`` (or in one of its
    items), naming both and how to build the model instead."""
    value = getattr(model, name)
    where = ""
    if value.__class__ is list:
        where = f"[{next(i for i, item in enumerate(value) if item.__class__ is dict)}]"
    elif value.__class__ is dict and any(item.__class__ is dict for item in value.values()):
        where = f"[{next(k for k, item in value.items() if item.__class__ is dict)!r}]"
    owner = type(model).__name__
    expected = _model_name(type(model), name)
    return TypeError(
        f"{owner}.{name}{where} must be a {expected}, not a dict: build it with "
        f"{expected}(...) (Python names) or {expected}.from_dict(...) (wire form)"
    )


def _model_name(cls: type, name: str) -> str:
    try:
        hint = typing.get_type_hints(cls)[name]
    except (NameError, KeyError, TypeError):
        return "model"
    pending = [hint]
    while pending:
        tp = pending.pop()
        if isinstance(tp, type) and attrs.has(tp):
            return tp.__name__
        pending.extend(typing.get_args(tp))
    return "model"
