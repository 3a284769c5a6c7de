"""The constructor of a generated model, without the Python-level call attrs' makes per model.

attrs writes ``self.additional_properties = dict()`` in ``__init__``; on a generated model that
attribute is a property that checks the value (:func:`.model_layout.wire_model`), so every
model built from values paid a Python call to check an empty dict. This ``__init__`` is
attrs' own, written the same way from the same fields -- keyword-only arguments, the same
defaults and factories, ``__attrs_post_init__`` last -- except that the unknown-keys field is
stored straight into its slot when it was not given; a given value still goes through the
checking property. A class this does not cover (validators, converters, ``on_setattr``
hooks, ``__attrs_pre_init__``) keeps attrs' ``__init__``.
"""

from __future__ import annotations

import itertools
import linecache
from collections.abc import Callable
from typing import Any

import attrs

from .model_compat import nested_dict_error

__all__ = ["install_init"]

_SOURCES = itertools.count()


def install_init(
    cls: type, extra_name: str | None, store_extra: Callable[[Any, Any], None]
) -> None:
    """Give ``cls`` the constructor described above, if its fields allow it."""
    if hasattr(cls, "__attrs_pre_init__"):
        return
    fields = attrs.fields(cls)
    if any(f.validator is not None or f.converter is not None for f in fields):
        return
    if any(f.on_setattr not in (None, attrs.setters.NO_OP) for f in fields):
        return
    names: dict[str, Any] = {"NOTHING": attrs.NOTHING, "store_extra": store_extra}
    params: list[str] = []
    body: list[str] = []
    for index, field in enumerate(fields):
        arg = field.alias or field.name
        default = field.default
        factory = isinstance(default, attrs.Factory)  # type: ignore[arg-type]
        if factory:
            names[f"f{index}"] = default.factory
            made = f"f{index}(self)" if default.takes_self else f"f{index}()"
            if default.factory is dict and not default.takes_self:
                made = "{}"
        else:
            names[f"d{index}"] = default
            made = f"d{index}"
        if field.init:
            if default is attrs.NOTHING:
                params.append(arg)
            else:
                params.append(f"{arg}=NOTHING" if factory else f"{arg}=d{index}")
        if field.name == extra_name:
            if field.init:
                body.append(f"if {arg} is NOTHING:")
                body.append(f"    store_extra(self, {made})")
                body.append("else:")
                body.append(f"    self.{field.name} = {arg}")  # the checking property
            else:
                body.append(f"store_extra(self, {made})")
        elif field.init:
            if factory:
                body.append(f"if {arg} is NOTHING:")
                body.append(f"    {arg} = {made}")
            body.append(f"self.{field.name} = {arg}")
        elif default is not attrs.NOTHING:
            body.append(f"self.{field.name} = {made}")
    # The fields holding a model, a list and a dict of models (``__wire_nested__``, written by
    # the generator): a plain dict there is refused, naming the field (model_compat.py). The
    # builtins by names no argument has (a field may be called ``type``).
    single, lists, dicts = getattr(cls, "__wire_nested__", ((), (), ()))
    names.update(_type=type, _dict=dict, _list=list, _map=map, _error=nested_dict_error)
    args = {field.name: field.alias or field.name for field in fields}
    for name in single:
        body.append(f"if _type({args[name]}) is _dict: raise _error(self, {name!r})")
    for name, items in [(n, "") for n in lists] + [(n, ".values()") for n in dicts]:
        kind = "_list" if not items else "_dict"
        check = f"_type({args[name]}) is {kind} and _dict in _map(_type, {args[name]}{items})"
        body.append(f"if {check}: raise _error(self, {name!r})")
    if hasattr(cls, "__attrs_post_init__"):
        body.append("self.__attrs_post_init__()")
    signature = ", ".join(["self", *(["*", *params] if params else [])])
    lines = [f"def __init__({signature}):", *(f"    {line}" for line in body or ["pass"])]
    source = "\n".join(lines) + "\n"
    filename = f"<model init {cls.__qualname__} #{next(_SOURCES)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), names)
    init = names["__init__"]
    previous = cls.__dict__["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(getattr(previous, "__annotations__", {}))
    init.__doc__ = previous.__doc__
    cls.__init__ = init  # type: ignore[misc]
