"""The text of each model's reading and writing function, written from its field table.

:class:`.model_codec.Codec` asks for a model's functions the first time the model is read or
written; this module writes them as Python source from the model's fields
(:func:`.model_layout.model_fields`) and the wire rules (:mod:`.wire_rules`), compiles them and
hands them back. The functions they call at run time (``as_object``, ``unknown``, ...) are here
too. The reading function of a model like ::

    location: str                                   # required
    run_as_user: str | None   # wire "runAsUser", flattened from "properties"

is, in substance::

    def read_VirtualMachineRunCommand(o):
        if o.__class__ is not dict: o = as_object(o)
        c1 = o.get("properties") ...                 # the flattened container
        v0 = o.get("location", MISSING)
        if v0 is MISSING: raise WireError("required field is missing", ("location",))
        try:
            if v0.__class__ is not str: v0 = read_str(v0)   # the rule: accepts or raises
        except WireError as error:
            raise error.under("location")
        v1 = c1.get("runAsUser")
        try:
            if v1.__class__ is not str and v1 is not None: v1 = read_str(v1)
        except WireError as error:
            raise error.under("properties", "runAsUser")
        ...
        r = new(VirtualMachineRunCommand); r.location = v0; r.run_as_user = v1; ...

(Run ``Codec.structure`` once and look in ``linecache`` for ``<wire codec ...>`` to see the
real text.) A rule that converts -- a date-time, an enum -- has its parser or its table
called inline the same way.

Every value is checked by its rule on the way in, so the instance is filled without going
through ``__init__`` (whose only extra work, refusing plain dicts in model fields, cannot
apply). A value a rule refuses raises :class:`.wire_rules.WireError`; each enclosing object adds
its key on the way out. Writing functions are written the same way: set fields only, read-only
ones only on request, flattened fields nested under their containers, unknown keys merged back,
then the fields ``wire_nulls`` names, as null.
"""

from __future__ import annotations

import enum
import itertools
import linecache
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
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
    """Generated source and the objects it refers to by name."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.names: dict[str, Any] = {}

    def ref(self, value: Any, hint: str) -> str:
        name = f"{hint}{len(self.names)}"
        self.names[name] = value
        return name

    def add(self, indent: int, text: str) -> None:
        self.lines.append("    " * indent + text)


class _Block:
    """Generated lines that read the value at one wire path: an error raised in them leaves
    with that path added (a try block costs nothing on the way through from 3.11 on). The
    lines go to ``sink`` (the function's source, or an enclosing block), at ``base``."""

    def __init__(self, sink: _Sink, path: tuple[str | int, ...], base: int = 1) -> None:
        self.sink = sink
        self.path = path
        self.base = base
        self.lines: list[tuple[int, str]] = []

    def add(self, indent: int, text: str) -> None:
        self.lines.append((indent, text))

    def close(self) -> None:
        if not self.lines:
            return
        base = self.base
        self.sink.add(base, "try:")
        for indent, text in self.lines:
            self.sink.add(base + 1 + indent, text)
        self.sink.add(base, "except WireError as error:")
        steps = ", ".join(repr(step) for step in self.path)
        self.sink.add(base + 1, f"raise error.under({steps}) from None")


_Sink = _Source | _Block

# How deep a model's reader writes the reading of the models it holds into its own code
# rather than calling their readers: a call less per nested object (and per array item).
_INLINE_DEPTH = 2


@dataclass(frozen=True)
class _ReadContext:
    """What generating one model's reader needs from the codec."""

    src: _Source
    rule_of: Callable[[Any, str | None], Rule | None]
    reader_for: Callable[[Any, str | None], Reader]
    # The model a field type is read as, if its reading may be written inline (a plain
    # model of the codec: not polymorphic); None otherwise.
    inline_model: Callable[[Any], type | None]
    lenient: bool
    count_keys: bool


def reader_of(
    model: type,
    rule_of: Callable[[Any, str | None], Rule | None],
    reader_for: Callable[[Any, str | None], Reader],
    *,
    lenient: bool = False,
    inline_model: Callable[[Any], type | None] | None = None,
    count_keys: bool = True,
) -> Reader:
    """The reading function of ``model``; ``rule_of`` and ``reader_for`` give the rule and
    the reader of a field's type (the codec's own, so nested models come from its cache).
    ``lenient``: a required field missing or null reads as None (lenient.py).
    ``inline_model``: the plain model a field type is, whose reading is then written into
    this function (to a small depth) instead of calling its reader. ``count_keys``: a flat
    model finds unknown keys by counting what it read (False: by a set test, always)."""
    src = _Source()
    src.names.update(
        new=object.__new__,
        as_object=as_object,
        MISSING=_MISSING,
        EMPTY=_EMPTY,
        WireError=WireError,
        unknown=_unknown,
        item_error=item_error,
    )
    context = _ReadContext(
        src, rule_of, reader_for, inline_model or _no_inline, lenient, count_keys
    )
    name = f"read_{model.__name__}"
    src.add(0, f"def {name}(o):")
    _read_model(context, src, 1, model, "o", "r", "", (model,))
    src.add(1, "return r")
    reader: Reader = _compile(name, src.lines, src.names)
    return reader


def _no_inline(tp: Any) -> None:
    return None


def _nulls_field(model: type) -> str | None:
    return next((f.name for f in attrs.fields(model) if f.metadata.get(WIRE_NULLS)), None)


def _read_model(
    context: _ReadContext,
    sink: _Sink,
    base: int,
    model: type,
    data: str,
    out: str,
    prefix: str,
    stack: tuple[type, ...],
) -> None:
    """The lines, at ``base`` in ``sink``, that read the JSON object in variable ``data``
    as ``model`` into variable ``out``. Every other variable they use starts with
    ``prefix``; ``stack`` holds the models being read around them."""
    src = context.src
    fields = model_fields(model)
    layout = wire_layout(model)
    extra_name = extra_field_name(model)
    cls = src.ref(model, "cls")
    extra = f"{prefix}extra"
    sink.add(base, f"if {data}.__class__ is not dict:")
    sink.add(base + 1, f"{data} = as_object({data})")
    sink.add(base, f"{extra} = None")
    # The top-level object, then every flattened container: its unknown keys kept.
    containers: dict[tuple[str, ...], str] = {(): data}
    # A flat model whose every wire key is read into a variable learns from its own reads
    # whether the object holds a key it does not know: when as many keys as it knows came
    # and each read found a value, there is none (the test at the end, a few cheap
    # comparisons instead of a set operation). Otherwise the object's keys are checked here.
    counted = (
        context.count_keys
        and extra_name is not None
        and all(len(f.path) == 1 for f in fields)
        and sorted(f.path[0] for f in fields if f.init) == sorted(layout)
    )
    known = covers = ""
    if extra_name is not None:
        known = src.ref(frozenset(layout), "K")
        covers = src.ref(src.names[known].issuperset, "covers")
        if not counted:
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
        if field.required and not field.discriminator and not context.lenient:
            sink.add(base, f"{var} = {container}.get({key!r}, MISSING)")
            sink.add(base, f"if {var} is MISSING:")
            sink.add(base + 1, f'raise WireError("required field is missing", {field.path!r})')
        else:
            sink.add(base, f"{var} = {container}.get({key!r})")
        _read_field(context, _Block(sink, field.path, base), field, var, stack)
    if counted:
        absent = "".join(f" or {var} is None" for field, var in values if field.init)
        sink.add(base, f"if len({data}) != {len(layout)}{absent}:")
        sink.add(base + 1, f"if not {covers}({data}):")
        sink.add(base + 2, f"{extra} = unknown({data}, {known}, (), {extra})")
    sink.add(base, f"{out} = new({cls})")
    for field, var in values:
        sink.add(base, f"{out}.{field.name} = {var}")
    if extra_name is not None:
        setter = src.ref(raw_setter(model, extra_name), "set_extra")
        default: Any = attrs.fields_dict(model)[extra_name].default
        make = getattr(default, "factory", dict)
        if make is dict and isinstance(getattr(model, RAW_EXTRA, None), types.MemberDescriptorType):
            sink.add(base, f"{out}.{RAW_EXTRA} = {{}} if {extra} is None else {extra}")
        elif make is dict:
            sink.add(base, f"{setter}({out}, {{}} if {extra} is None else {extra})")
        else:
            made = src.ref(make, "F")
            sink.add(base, f"{setter}({out}, {made}() if {extra} is None else {extra})")
    nulls_field = _nulls_field(model)
    if nulls_field is not None:
        sink.add(base, f"{out}.{nulls_field} = {src.ref(_NO_NULLS, 'N')}")
        # x-nullable fields that came as null are recorded, so that they go back as null.
        for field, var in nullable:
            container = containers[field.path[:-1]]
            sink.add(base, f"if {var} is None and {field.path[-1]!r} in {container}:")
            sink.add(base + 1, f"{out}.{nulls_field} = {out}.{nulls_field} | {{{field.name!r}}}")


def _inline(context: _ReadContext, tp: Any, stack: tuple[type, ...]) -> type | None:
    """The model whose reading is written inline where a value of type ``tp`` is read."""
    if len(stack) > _INLINE_DEPTH:
        return None
    model = context.inline_model(tp)
    return None if model is None or model in stack else model


def _read_field(
    context: _ReadContext,
    block: _Block,
    field: WireField,
    var: str,
    stack: tuple[type, ...],
) -> None:
    """The check (and conversion) of one field's value by its rule, as generated code."""
    src = context.src
    lenient = context.lenient
    union = member(field.type)
    optional = lenient or not field.required or field.discriminator or (union or (0, False))[1]
    inner = union[0] if union else field.type
    rule = context.rule_of(inner, field.format)
    # The common case first: a value of the right class is the only test it takes.
    guard = f" and {var} is not None" if optional else ""
    other = f"elif {var} is not None:" if optional else "else:"
    read = src.ref(context.reader_for(field.type, field.format), "R")
    nested = None if rule is not None else _inline(context, inner, stack)
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
        item = src.ref(context.reader_for(item_type, field.format), "I")
        item_model = _inline(context, item_type, stack)
        block.add(0, f"if {var}.__class__ is list:")
        block.add(1, "try:")
        if item_model is None:
            block.add(2, f"{var} = [None if x is None else {item}(x) for x in {var}]")
        else:
            # Each item read by the lines written here; an error names its index (item_error).
            items, entry, done = f"{var}_l", f"{var}_x", f"{var}_y"
            block.add(2, f"{items} = []")
            block.add(2, f"for {entry} in {var}:")
            block.add(3, f"if {entry} is None:")
            block.add(4, f"{items}.append(None)")
            block.add(4, "continue")
            _read_model(context, block, 3, item_model, entry, done, f"{var}_", (*stack, item_model))
            block.add(3, f"{items}.append({done})")
            block.add(2, f"{var} = {items}")
        block.add(1, "except WireError as error:")
        block.add(2, f"raise item_error(error, {var}, {item}) from None")
        block.add(0, other)
        block.add(1, f"{var} = {read}({var})")
    elif nested is not None:
        done = f"{var}_r"
        if optional:
            block.add(0, f"if {var} is not None:")
        _read_model(
            context, block, 1 if optional else 0, nested, var, done, f"{var}_", (*stack, nested)
        )
        block.add(1 if optional else 0, f"{var} = {done}")
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
    inline_model: Callable[[Any], type | None] | None = None,
) -> Writer:
    """The writing function of ``model``; ``writer_for`` gives the writer of a field's type
    (None: the value is sent as it is). ``inline_model``: the plain model a field type (or
    an array's item type) is, whose writing is then written into this function (to a small
    depth) instead of calling its writer."""
    src = _Source()
    src.names.update(Required=RequiredFieldError, merge=merge_unknown, put_nulls=_put_nulls)
    context = _WriteContext(src, keep_readonly, writer_for, inline_model or _no_inline)
    name = f"write_{model.__name__}"
    src.add(0, f"def {name}(obj):")
    _write_model(context, 1, model, "obj", "r", "", (model,))
    src.add(1, "return r")
    writer: Writer = _compile(name, src.lines, src.names)
    return writer


@dataclass(frozen=True)
class _WriteContext:
    """What generating one model's writer needs from the codec."""

    src: _Source
    keep_readonly: bool
    writer_for: Callable[[Any, str | None, bool], Writer | None]
    inline_model: Callable[[Any], type | None]

    def nested(self, tp: Any, stack: tuple[type, ...]) -> type | None:
        if len(stack) > _INLINE_DEPTH:
            return None
        model = self.inline_model(tp)
        return None if model is None or model in stack else model


def _write_model(
    context: _WriteContext,
    base: int,
    model: type,
    obj: str,
    out: str,
    prefix: str,
    stack: tuple[type, ...],
) -> None:
    """The lines, at ``base``, that write the model in variable ``obj`` as a JSON object into
    variable ``out``; every other variable they use starts with ``prefix``."""
    src = context.src
    fields = [f for f in model_fields(model) if context.keep_readonly or not f.read_only]
    layout = wire_layout(model)
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
        if field.required and not field.nullable and not field.always_sent:
            # A required field: None would be sent as null or fail deep in a formatter.
            src.add(base, f"if {v} is None:")
            src.add(base + 1, f"raise Required({model.__name__!r}, {field.name!r})")
            inner = base
        elif field.always_sent or field.required:
            src.add(base, f"if {v} is None:")
            src.add(base + 1, f"{target}[{key!r}] = None")
            src.add(base, "else:")
            inner = base + 1
        else:
            src.add(base, f"if {v} is not None:")
            inner = base + 1
        value = _write_value(context, inner, field, v, f"{prefix}n{index}_", stack)
        src.add(inner, f"{target}[{key!r}] = {value}")
    for path in sorted((p for p in containers if p), key=len, reverse=True):
        var, parent = containers[path], containers[path[:-1]]
        src.add(base, f"if {var}:")
        src.add(base + 1, f"{parent}[{path[-1]!r}] = {var}")
    if extra_name is not None:
        src.add(base, f"{prefix}x = {obj}.{extra_name}")
        src.add(base, f"if {prefix}x:")
        layout_name = src.ref(layout, "L")
        src.add(base + 1, f"merge({out}, {prefix}x, {layout_name}, {model.__name__!r})")
    if nulls_field is not None:
        paths = {f.name: f.path for f in model_fields(model)}
        sent = frozenset(f.name for f in fields)
        src.add(base, f"{prefix}u = {obj}.{nulls_field}")
        src.add(base, f"if {prefix}u:")
        src.add(
            base + 1,
            f"put_nulls({out}, {prefix}u, {src.ref(paths, 'P')}, {src.ref(sent, 'S')}, "
            f"{model.__name__!r})",
        )


def _write_value(
    context: _WriteContext,
    base: int,
    field: WireField,
    var: str,
    prefix: str,
    stack: tuple[type, ...],
) -> str:
    """Write the lines (at ``base``) that make the JSON form of the value in ``var``, which
    is not None; return the expression that holds it."""
    src = context.src
    union = member(field.type)
    inner = union[0] if union else field.type
    nested = context.nested(inner, stack)
    if nested is not None:
        _write_model(context, base, nested, var, f"{prefix}r", prefix, (*stack, nested))
        return f"{prefix}r"
    if typing.get_origin(inner) is list:
        (item_type,) = typing.get_args(inner) or (Any,)
        item_model = context.nested(item_type, stack)
        if item_model is not None:
            items, entry = f"{prefix}l", f"{prefix}e"
            src.add(base, f"{items} = []")
            src.add(base, f"for {entry} in {var}:")
            # A None item is sent as JSON null (azure-core sends it so).
            src.add(base + 1, f"if {entry} is None:")
            src.add(base + 2, f"{items}.append(None)")
            src.add(base + 2, "continue")
            done = f"{prefix}r"
            _write_model(context, base + 1, item_model, entry, done, prefix, (*stack, item_model))
            src.add(base + 1, f"{items}.append({done})")
            return items
        item = context.writer_for(item_type, field.format, context.keep_readonly)
        if item is not None:
            write_item = src.ref(item, "W")
            return f"[None if x is None else {write_item}(x) for x in {var}]"
    write = context.writer_for(field.type, field.format, context.keep_readonly)
    return var if write is None else f"{src.ref(write, 'W')}({var})"


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false
