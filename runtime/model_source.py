"""The text of each model's reading and writing function, written from its field table.

:class:`.model_codec.Codec` asks for a model's functions the first time the model is read or
written; this module writes them as Python source from the model's fields
(:func:`.model_layout.model_fields`) and the wire rules (:mod:`.wire_rules`), compiles them and
hands them back, with the functions they call at run time (``as_object``, ``unknown``, ...).
A reading function is, in substance::

    def read_VirtualMachineRunCommand(o):
        if o.__class__ is not dict: o = as_object(o)
        c1 = o.get("properties") ...                 # a flattened container
        v0 = o.get("location", MISSING)
        if v0 is MISSING: raise WireError("required field is missing", ("location",))
        try:
            if v0.__class__ is not str: v0 = read_str(v0)   # the rule: accepts or raises
        except WireError as error:
            raise error.under("location")
        ...
        r = new(VirtualMachineRunCommand); r.location = v0; ...

(``linecache`` holds the real text, under ``<wire codec ...>``.) A converting rule (a
date-time, an enum) has its parser or table called inline; a plain nested model (not
polymorphic) is read by lines of its own in the same function, two levels deep, an array of
them in a loop. Every value is checked by its rule on the way in, so the instance is filled
without ``__init__`` (whose only extra work, refusing plain dicts in model fields, cannot
apply). A refused value raises :class:`.wire_rules.WireError`; each enclosing object adds its
key on the way out. Writing functions are written the same way: set fields only, read-only
ones only on request, flattened fields nested, unknown keys merged back, then the fields
``wire_nulls`` names, as null.
"""

from __future__ import annotations

import enum
import itertools
import linecache
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import attrs

from .exceptions import RequiredFieldError
from .model_layout import (
    RAW_EXTRA,
    WIRE_NULLS,
    WireField,
    extra_field_name,
    merge_unknown,
    model_fields,
    raw_setter,
    wire_layout,
)
from .wire_rules import Rule, WireError, expected
from .wire_types import Unset

__all__ = ["as_object", "item_error", "member", "reader_of", "writer_of"]

Reader = Callable[[Any], Any]
Writer = Callable[[Any], Any]

_NONE = type(None)
_MISSING = object()
_EMPTY: Mapping[str, Any] = types.MappingProxyType({})
_NO_NULLS: frozenset[str] = frozenset()
_SOURCES = itertools.count()


def member(tp: Any) -> tuple[Any, bool] | None:
    """What a union stands for, and whether it admits None: ``X | None`` -> (X, True),
    ``SomeEnum | str [| None]`` -> (SomeEnum, ...) (an extensible enum also takes plain
    strings); None for anything that is not such a union."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    every = typing.get_args(tp)
    args = [a for a in every if a is not _NONE and a is not Unset]
    optional = len(args) != len(every)
    if len(args) == 2:
        # An extensible enum and the plain type of its values: ``E | str``, ``IntE | int``.
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        plain = args[0] if enums and args[1] is enums[0] else args[1]
        if len(enums) == 1 and plain in (str, int, float):
            return enums[0], optional
    if len(args) != 1 or not optional:
        return None
    return args[0], optional


def as_object(value: Any) -> dict[Any, Any]:
    """A JSON object as a dict, else the error."""
    if isinstance(value, Mapping):
        return dict(value)
    raise expected("an object", value)


def _unknown(
    node: Mapping[Any, Any],
    known: frozenset[str],
    at: tuple[str, ...],
    extra: dict[str, Any] | None,
) -> dict[str, Any]:
    """Add the keys of ``node`` its model does not know to ``extra``, nested under the wire
    keys ``at`` of the container they were found in."""
    root = extra if extra is not None else {}
    target = root
    for step in at:
        target = target.setdefault(step, {})
    for key, item in node.items():
        if key.__class__ is not str and not isinstance(key, str):
            raise WireError("object keys must be strings")
        if key not in known:
            target[key] = item
    return root


def item_error(error: WireError, values: Iterable[Any], read: Reader) -> WireError:
    """Where in an array the item ``read`` refused sits: the items are read again, one by
    one, only once one of them failed."""
    for index, item in enumerate(values):
        if item is None:
            continue
        try:
            read(item)
        except WireError as again:
            return again.under(index)
    return error


def _put_nulls(
    result: dict[str, Any],
    nulls: Iterable[str],
    paths: Mapping[str, tuple[str, ...]],
    sent: frozenset[str],
    model: str,
) -> None:
    """Write JSON null for the fields ``wire_nulls`` names (read-only ones are never sent)."""
    for name in nulls:
        path = paths.get(name)
        if path is None:
            raise ValueError(f"{model}.wire_nulls names {name!r}, not a field")
        if name not in sent:
            continue
        target = result
        for step in path[:-1]:
            target = target.setdefault(step, {})
        target[path[-1]] = None


def _compile(name: str, lines: list[str], namespace: dict[str, Any]) -> Any:
    """Compile generated source, kept in linecache so that tracebacks and profiles show it."""
    source = "\n".join(lines) + "\n"
    filename = f"<wire codec {name} #{next(_SOURCES)}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    exec(compile(source, filename, "exec"), namespace)
    return namespace[name]


class _Source:
    """Generated source, the objects it refers to by name, and what it is written from: the
    codec's rule, reader and writer of a type, and ``plain``: the model a type is if it may
    be read or written in place (a model of the codec, not polymorphic), else None."""

    def __init__(self, codec: Any, plain: Callable[[Any], type | None] | None) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}
        self.codec = codec  # rule_of, reader_for, writer_for, lenient, keep_readonly
        self.plain = plain

    def ref(self, value: Any, hint: str) -> str:
        name = f"{hint}{len(self.names)}"
        self.names[name] = value
        return name

    def add(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)

    def nested(self, tp: Any, stack: tuple[type, ...]) -> type | None:
        """The model whose lines go in place where a ``tp`` is read or written; ``stack``
        holds the models around (two levels deep at most, none twice)."""
        model = self.plain(tp) if self.plain is not None and len(stack) <= 2 else None
        return None if model in stack else model


class _Block:
    """Generated lines that read the value at one wire path: an error raised in them leaves
    with that path added (a try block costs nothing on the way through from 3.11 on). The
    lines go to ``sink`` (the function, or an enclosing block) at indent ``base``."""

    def __init__(self, sink: _Source | _Block, path: tuple[str, ...], base: int) -> None:
        self.sink, self.path, self.base = sink, path, base
        self.lines: list[tuple[int, str]] = []

    def add(self, indent: int, text: str) -> None:
        self.lines.append((indent, text))

    def close(self) -> None:
        if not self.lines:
            return
        add, base = self.sink.add, self.base
        add(base, "try:")
        for indent, text in self.lines:
            add(base + 1 + indent, text)
        add(base, "except WireError as error:")
        add(base + 1, f"raise error.under({', '.join(map(repr, self.path))}) from None")


def _nulls_field(model: type) -> str | None:
    return next((f.name for f in attrs.fields(model) if f.metadata.get(WIRE_NULLS)), None)


class _Options:
    """How one function is written (see :func:`reader_of` and :func:`writer_of`)."""

    def __init__(self, **options: Any) -> None:
        self.__dict__.update(options)


def reader_of(
    model: type,
    rule_of: Callable[[Any, str | None], Rule | None],
    reader_for: Callable[[Any, str | None], Reader],
    *,
    lenient: bool = False,
    plain: Callable[[Any], type | None] | None = None,
) -> Reader:
    """The reading function of ``model``; ``rule_of`` and ``reader_for`` give the rule and
    the reader of a field's type (the codec's own, so nested models come from its cache).
    ``lenient``: a required field missing or null reads as None (lenient.py).
    ``plain``: the plain model a type is, read in place rather than by a call (None: every
    nested model by a call, every object's keys by a set test)."""
    options = _Options(rule_of=rule_of, reader_for=reader_for, lenient=lenient)
    src = _Source(options, plain)
    src.names.update(
        new=object.__new__,
        as_object=as_object,
        MISSING=_MISSING,
        EMPTY=_EMPTY,
        WireError=WireError,
        unknown=_unknown,
        item_error=item_error,
    )
    name = f"read_{model.__name__}"
    src.add(0, f"def {name}(o):")
    _read_model(src, src, 1, model, "o", "r", "", (model,))
    src.add(1, "return r")
    reader: Reader = _compile(name, src.lines, src.names)
    return reader


def _read_model(
    src: _Source,
    sink: _Source | _Block,
    base: int,
    model: type,
    data: str,
    out: str,
    prefix: str,
    stack: tuple[type, ...],
) -> None:
    """Lines at ``base`` in ``sink`` that read the JSON object in variable ``data`` as
    ``model`` into variable ``out``; their other variables start with ``prefix``."""
    fields = model_fields(model)
    layout = wire_layout(model)
    extra_name = extra_field_name(model)
    extra = f"{prefix}extra"
    sink.add(base, f"if {data}.__class__ is not dict:")
    sink.add(base + 1, f"{data} = as_object({data})")
    sink.add(base, f"{extra} = None")
    # The top-level object, then every flattened container: its unknown keys kept.
    containers: dict[tuple[str, ...], str] = {(): data}
    # A flat model whose every wire key is read into a variable knows it met no unknown key
    # when as many keys came as it knows and each read found a value: a few cheap tests at
    # the end instead of a set operation here.
    counted = (
        src.plain is not None
        and extra_name is not None
        and all(len(f.path) == 1 for f in fields)
        and sorted(f.path[0] for f in fields if f.init) == sorted(layout)
    )
    known = src.ref(frozenset(layout), "K")
    covers = src.ref(frozenset(layout).issuperset, "covers")
    if extra_name is not None and not counted:
        sink.add(base, f"if not {covers}({data}):")
        sink.add(base + 1, f"{extra} = unknown({data}, {known}, (), {extra})")
    for field in fields:
        for depth in range(1, len(field.path)):
            path = field.path[:depth]
            if path in containers:
                continue
            node: Any = layout
            for step in path:
                node = node[step]
            var = containers[path] = f"{prefix}c{len(containers)}"
            block = _Block(sink, path, base)
            block.add(0, f"{var} = {containers[path[:-1]]}.get({path[-1]!r})")
            block.add(0, f"if {var} is None:")
            block.add(1, f"{var} = EMPTY")  # ARM may send null for a container it has nothing in
            block.add(0, f"elif {var}.__class__ is not dict:")
            block.add(1, f"{var} = as_object({var})")
            if extra_name is not None:
                known_here = src.ref(frozenset(node), "K")
                covers_here = src.ref(src.names[known_here].issuperset, "covers")
                block.add(0, f"if not {covers_here}({var}):")
                block.add(1, f"{extra} = unknown({var}, {known_here}, {path!r}, {extra})")
            block.close()
    values: list[tuple[WireField, str]] = []
    nullable: list[tuple[WireField, str]] = []
    for index, field in enumerate(fields):
        var = f"{prefix}v{index}"
        if not field.init:
            # A subtype's discriminator or a constant: the class's value, not the wire's.
            values.append((field, src.ref(field.default_value, "D")))
            continue
        values.append((field, var))
        if field.nullable:
            nullable.append((field, var))
        container, key = containers[field.path[:-1]], field.path[-1]
        if field.required and not field.discriminator and not src.codec.lenient:
            sink.add(base, f"{var} = {container}.get({key!r}, MISSING)")
            sink.add(base, f"if {var} is MISSING:")
            sink.add(base + 1, f'raise WireError("required field is missing", {field.path!r})')
        else:
            sink.add(base, f"{var} = {container}.get({key!r})")
        _read_field(src, _Block(sink, field.path, base), field, var, stack)
    if counted:
        absent = "".join(f" or {var} is None" for field, var in values if field.init)
        sink.add(base, f"if len({data}) != {len(layout)}{absent}:")
        sink.add(base + 1, f"if not {covers}({data}):")
        sink.add(base + 2, f"{extra} = unknown({data}, {known}, (), {extra})")
    sink.add(base, f"{out} = new({src.ref(model, 'cls')})")
    for field, var in values:
        sink.add(base, f"{out}.{field.name} = {var}")
    if extra_name is not None:
        extras = f"{{}} if {extra} is None else {extra}"
        default: Any = attrs.fields_dict(model)[extra_name].default
        make = getattr(default, "factory", dict)
        if make is not dict:
            extras = f"{src.ref(make, 'F')}() if {extra} is None else {extra}"
        if make is dict and isinstance(getattr(model, RAW_EXTRA, None), types.MemberDescriptorType):
            sink.add(base, f"{out}.{RAW_EXTRA} = {extras}")
        else:
            sink.add(
                base, f"{src.ref(raw_setter(model, extra_name), 'set_extra')}({out}, {extras})"
            )
    nulls_field = _nulls_field(model)
    if nulls_field is not None:
        sink.add(base, f"{out}.{nulls_field} = {src.ref(_NO_NULLS, 'N')}")
        # x-nullable fields that came as null are recorded, so that they go back as null.
        for field, var in nullable:
            container = containers[field.path[:-1]]
            sink.add(base, f"if {var} is None and {field.path[-1]!r} in {container}:")
            sink.add(base + 1, f"{out}.{nulls_field} = {out}.{nulls_field} | {{{field.name!r}}}")


def _read_field(
    src: _Source, block: _Block, field: WireField, var: str, stack: tuple[type, ...]
) -> None:
    """The check (and conversion) of one field's value by its rule, as generated code."""
    union = member(field.type)
    optional = (
        src.codec.lenient or not field.required or field.discriminator or (union or (0, False))[1]
    )
    inner = union[0] if union else field.type
    rule = src.codec.rule_of(inner, field.format)
    # The common case first: a value of the right class is the only test it takes.
    guard = f" and {var} is not None" if optional else ""
    other = f"elif {var} is not None:" if optional else "else:"
    read = src.ref(src.codec.reader_for(field.type, field.format), "R")
    nested = None if rule is not None else src.nested(inner, stack)
    if rule is not None and rule.exact is object:
        return  # any JSON value
    if rule is not None and rule.exact is not None:
        block.add(0, f"if {var}.__class__ is not {src.ref(rule.exact, 'T')}{guard}:")
        block.add(1, f"{var} = {read}({var})")
    elif rule is not None and rule.parse is not None:
        # The rule's parser on the string ARM sends, without a call in between; where the rule
        # has a fast reader, the shape it reads is tested inline first (what ARM nearly always
        # sends, read in C). A refused string goes to the rule's reader, which reads it the
        # general way or raises the error.
        parse = f"{var} = {src.ref(rule.parse, 'P')}({var})"
        block.add(0, f"if {var}.__class__ is str:")
        block.add(1, "try:")
        if rule.fast is not None and rule.fast_shape is not None:
            block.add(2, f"if {rule.fast_shape.format(var)}:")
            block.add(3, f"{var} = {src.ref(rule.fast, 'F')}({var})")
            block.add(2, "else:")
            block.add(3, parse)
        else:
            block.add(2, parse)
        block.add(1, "except ValueError:")
        block.add(2, f"{var} = {read}({var})")
        block.add(0, other)
        block.add(1, f"{var} = {read}({var})")
    elif rule is not None and rule.table is not None:
        table = src.ref(rule.table, "E")
        block.add(0, f"if {var}.__class__ is str and {var} in {table}:")
        block.add(1, f"{var} = {table}[{var}]")
        block.add(0, other)
        block.add(1, f"{var} = {read}({var})")
    elif typing.get_origin(inner) is list:
        (item_type,) = typing.get_args(inner) or (Any,)
        item = src.ref(src.codec.reader_for(item_type, field.format), "I")
        item_model = src.nested(item_type, stack)
        block.add(0, f"if {var}.__class__ is list:")
        block.add(1, "try:")
        if item_model is None:
            block.add(2, f"{var} = [None if x is None else {item}(x) for x in {var}]")
        else:  # items read in a loop by lines of their own
            block.add(2, f"{var}_l = []")
            block.add(2, f"for {var}_x in {var}:")
            block.add(3, f"if {var}_x is None:")
            block.add(4, f"{var}_l.append(None)")
            block.add(4, "continue")
            inside = (*stack, item_model)
            _read_model(src, block, 3, item_model, f"{var}_x", f"{var}_y", f"{var}_", inside)
            block.add(3, f"{var}_l.append({var}_y)")
            block.add(2, f"{var} = {var}_l")
        block.add(1, "except WireError as error:")  # the index found by reading items again
        block.add(2, f"raise item_error(error, {var}, {item}) from None")
        block.add(0, other)
        block.add(1, f"{var} = {read}({var})")
    elif nested is not None:
        at = 0
        if optional:
            block.add(0, f"if {var} is not None:")
            at = 1
        _read_model(src, block, at, nested, var, f"{var}_r", f"{var}_", (*stack, nested))
        block.add(at, f"{var} = {var}_r")
    elif optional:
        block.add(0, f"if {var} is not None:")
        block.add(1, f"{var} = {read}({var})")
    else:
        block.add(0, f"{var} = {read}({var})")
    block.close()


def writer_of(
    model: type,
    keep_readonly: bool,
    writer_for: Callable[[Any, str | None, bool], Writer | None],
    *,
    plain: Callable[[Any], type | None] | None = None,
) -> Writer:
    """The writing function of ``model``; ``writer_for`` gives the writer of a field's type
    (None: the value is sent as it is); ``plain`` as for :func:`reader_of`."""
    src = _Source(_Options(keep_readonly=keep_readonly, writer_for=writer_for), plain)
    src.names.update(Required=RequiredFieldError, merge=merge_unknown, put_nulls=_put_nulls)
    name = f"write_{model.__name__}"
    src.add(0, f"def {name}(obj):")
    _write_model(src, 1, model, "obj", "r", "", (model,))
    src.add(1, "return r")
    writer: Writer = _compile(name, src.lines, src.names)
    return writer


def _write_model(
    src: _Source, base: int, model: type, obj: str, out: str, prefix: str, stack: tuple[type, ...]
) -> None:
    """Lines at ``base`` that write the model in variable ``obj`` as a JSON object into
    variable ``out``; their other variables start with ``prefix``."""
    keep_readonly = src.codec.keep_readonly
    fields = [f for f in model_fields(model) if keep_readonly or not f.read_only]
    extra_name = extra_field_name(model)
    nulls_field = _nulls_field(model)
    v = f"{prefix}v"
    src.add(base, f"{out} = {{}}")
    containers: dict[tuple[str, ...], str] = {(): out}
    for field in fields:
        for depth in range(1, len(field.path)):
            path = field.path[:depth]
            if path not in containers:
                containers[path] = f"{prefix}c{len(containers)}"
                src.add(base, f"{containers[path]} = {{}}")
    # The top level's own fields first, then each container's, as the wire shows them.
    ordered = sorted(fields, key=lambda f: len(f.path))
    for index, field in enumerate(ordered):
        target, key = containers[field.path[:-1]], field.path[-1]
        src.add(base, f"{v} = {obj}.{field.name}")
        at = base + 1
        if field.required and not field.nullable and not field.always_sent:
            # A required field: None would be sent as null or fail deep in a formatter.
            src.add(base, f"if {v} is None:")
            src.add(at, f"raise Required({model.__name__!r}, {field.name!r})")
            at = base
        elif field.always_sent or field.required:
            src.add(base, f"if {v} is None:")
            src.add(at, f"{target}[{key!r}] = None")
            src.add(base, "else:")
        else:
            src.add(base, f"if {v} is not None:")
        value = _write_value(src, at, field, v, f"{prefix}n{index}_", stack)
        src.add(at, f"{target}[{key!r}] = {value}")
    for path in sorted((p for p in containers if p), key=len, reverse=True):
        var, parent = containers[path], containers[path[:-1]]
        src.add(base, f"if {var}:")
        src.add(base + 1, f"{parent}[{path[-1]!r}] = {var}")
    if extra_name is not None:
        src.add(base, f"{prefix}x = {obj}.{extra_name}")
        src.add(base, f"if {prefix}x:")
        layout = src.ref(wire_layout(model), "L")
        src.add(base + 1, f"merge({out}, {prefix}x, {layout}, {model.__name__!r})")
    if nulls_field is not None:
        paths = src.ref({f.name: f.path for f in model_fields(model)}, "P")
        sent = src.ref(frozenset(f.name for f in fields), "S")
        src.add(base, f"{prefix}u = {obj}.{nulls_field}")
        src.add(base, f"if {prefix}u:")
        src.add(base + 1, f"put_nulls({out}, {prefix}u, {paths}, {sent}, {model.__name__!r})")


def _write_value(
    src: _Source, base: int, field: WireField, var: str, prefix: str, stack: tuple[type, ...]
) -> str:
    """Lines at ``base`` making the JSON form of the value (not None) in ``var``; returns
    the expression that holds it."""
    union = member(field.type)
    inner = union[0] if union else field.type
    write_for = src.codec.writer_for
    nested = src.nested(inner, stack)
    if nested is not None:
        _write_model(src, base, nested, var, f"{prefix}r", prefix, (*stack, nested))
        return f"{prefix}r"
    if typing.get_origin(inner) is list:
        (item_type,) = typing.get_args(inner) or (Any,)
        item_model = src.nested(item_type, stack)
        if item_model is not None:  # a None item is sent as JSON null, as azure-core sends it
            src.add(base, f"{prefix}l = []")
            src.add(base, f"for {prefix}e in {var}:")
            src.add(base + 1, f"if {prefix}e is None:")
            src.add(base + 2, f"{prefix}l.append(None)")
            src.add(base + 2, "continue")
            inside = (*stack, item_model)
            _write_model(src, base + 1, item_model, f"{prefix}e", f"{prefix}r", prefix, inside)
            src.add(base + 1, f"{prefix}l.append({prefix}r)")
            return f"{prefix}l"
        item = write_for(item_type, field.format, src.codec.keep_readonly)
        if item is not None:
            return f"[None if x is None else {src.ref(item, 'W')}(x) for x in {var}]"
    write = write_for(field.type, field.format, src.codec.keep_readonly)
    return var if write is None else f"{src.ref(write, 'W')}({var})"


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false
