"""Reading and writing generated models: wire dict -> model -> wire dict.

A :class:`Codec` writes, the first time a model is read or written, one straight-line Python
function for it from the model's field table (:func:`.model_layout.model_fields`) and the wire
type rules (:mod:`.wire_rules`), and keeps it. The reading function of a model like ::

    location: str                                   # required
    run_as_user: str | None   # wire "runAsUser", flattened from "properties"

is, in substance::

    def read_VirtualMachineRunCommand(o):
        if o.__class__ is not dict: o = as_object(o)
        c1 = o.get("properties") ...                 # the flattened container
        v0 = o.get("location", MISSING)
        if v0 is MISSING: raise WireError("required field is missing")
        if v0.__class__ is not str: v0 = read_str(v0)   # the rule: accepts or raises
        v1 = c1.get("runAsUser")
        if v1 is not None and v1.__class__ is not str: v1 = read_str(v1)
        ...
        r = new(VirtualMachineRunCommand); r.location = v0; r.run_as_user = v1; ...

Every value is checked by its rule on the way in, so the instance is filled without going
through ``__init__`` (whose only extra work, refusing plain dicts in model fields, cannot
apply). A value a rule refuses raises :class:`.wire_rules.WireError`; each enclosing object adds
its key on the way out, and :meth:`Codec.structure` turns it into a ``DeserializationError``
naming the wire path. Writing is generated the same way: set fields only, read-only ones only
on request, flattened fields nested under their containers, unknown keys merged back.
"""

from __future__ import annotations

import enum
import itertools
import linecache
import threading
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

import attrs
import cattrs

from .exceptions import DeserializationError, RequiredFieldError
from .model_layout import (
    WIRE_NULLS,
    WireField,
    discriminator_value,
    extra_field_name,
    merge_unknown,
    model_fields,
    raw_setter,
    wire_layout,
)
from .wire_rules import Rule, WireError, enum_rule, expected, scalar_rule
from .wire_types import Unset

__all__ = ["Codec"]

T = TypeVar("T")

Reader = Callable[[Any], Any]
Writer = Callable[[Any], Any]

_NONE = type(None)
_MISSING = object()
_EMPTY: Mapping[str, Any] = types.MappingProxyType({})
_NO_NULLS: frozenset[str] = frozenset()
_SOURCES = itertools.count()


def _member(tp: Any) -> tuple[Any, bool] | None:
    """What a union stands for, and whether it admits None: ``X | None`` -> (X, True),
    ``SomeEnum | str [| None]`` -> (SomeEnum, ...) (an extensible enum also takes plain
    strings); None for anything that is not such a union."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    every = typing.get_args(tp)
    args = [a for a in every if a is not _NONE and a is not Unset]
    optional = len(args) != len(every)
    if len(args) == 2 and str in args:
        other = args[0] if args[1] is str else args[1]
        if isinstance(other, type) and issubclass(other, enum.Enum):
            return other, optional
    if len(args) != 1 or not optional:
        return None
    return args[0], optional


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


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


def _item_error(error: WireError, values: Iterable[Any], read: Reader) -> WireError:
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


def _list_reader(item: Reader) -> Reader:
    def read(value: Any) -> Any:
        if value.__class__ is not list and not isinstance(value, list):
            raise expected("an array", value)
        try:
            # A JSON null item reads as None, as azure-core reads it.
            return [None if entry is None else item(entry) for entry in value]
        except WireError as error:
            raise _item_error(error, value, item) from None

    return read


def _dict_reader(item: Reader) -> Reader:
    def read(value: Any) -> Any:
        if value.__class__ is not dict and not isinstance(value, Mapping):
            raise expected("an object", value)
        result = {}
        for key, entry in value.items():
            if key.__class__ is not str and not isinstance(key, str):
                raise WireError("object keys must be strings")
            try:
                result[key] = None if entry is None else item(entry)
            except WireError as error:
                raise error.under(key) from None
        return result

    return read


def _list_writer(item: Writer | None) -> Writer:
    # A None item is sent as JSON null (azure-core sends it so).
    if item is None:
        return list
    return lambda value: [None if entry is None else item(entry) for entry in value]


def _dict_writer(item: Writer | None) -> Writer:
    if item is None:
        return dict
    return lambda value: {
        key: None if entry is None else item(entry) for key, entry in value.items()
    }


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
    with that path added (a try block costs nothing on the way through from 3.11 on)."""

    def __init__(self, src: _Source, path: tuple[str, ...]) -> None:
        self.src = src
        self.path = path
        self.lines: list[tuple[int, str]] = []

    def add(self, indent: int, text: str) -> None:
        self.lines.append((indent, text))

    def close(self) -> None:
        if not self.lines:
            return
        self.src.add(1, "try:")
        for indent, text in self.lines:
            self.src.add(2 + indent, text)
        self.src.add(1, "except WireError as error:")
        steps = ", ".join(repr(step) for step in self.path)
        self.src.add(2, f"raise error.under({steps}) from None")


class Codec:
    """Reads and writes a set of generated models; one per generated module.

    Building it costs nothing: a model's functions are generated on its first use (with those
    of the models it contains) and kept, so importing stays cheap and no call pays twice.
    Safe to share between threads.
    """

    def __init__(self, models: Iterable[type]) -> None:
        self._models = frozenset(models)
        # Polymorphic models: base -> (discriminator wire key, {wire value: subtype}).
        self._subtypes = _subtype_tables(self._models)
        # Reentrant: generating one model's functions generates those of the models it holds.
        self._lock = threading.RLock()
        self._cattrs: cattrs.Converter | None = None
        self._entry_readers: dict[Any, Reader] = {}
        self._entry_writers: tuple[dict[type, Writer], ...] = ({}, {})
        self._model_readers: dict[type, Reader] = {}
        self._model_writers: tuple[dict[type, Writer], ...] = ({}, {})
        self._generating: set[tuple[type, bool | None]] = set()

    def structure(self, data: Any, cls: type[T]) -> T:
        """Wire dict -> model; any mismatch raises DeserializationError naming the wire path."""
        read = self._entry_readers.get(cls)
        if read is None:
            with self._lock:
                read = self._entry_readers[cls] = self._reader(cls, None)
        try:
            result: T = read(data)
        except WireError as error:
            path = error.where
            raise DeserializationError(
                f"cannot read {cls.__name__} from the data: {error.reason} at '{path or '$'}'",
                path=path,
            ) from error
        except RecursionError:
            raise DeserializationError(
                f"cannot read {cls.__name__} from the data: nested too deeply"
            ) from None
        return result

    def unstructure(self, obj: object, *, keep_readonly: bool = False) -> dict[str, Any]:
        """Model -> wire dict: camelCase keys, flattened fields nested, None left out, read-only
        fields left out unless ``keep_readonly``."""
        writers = self._entry_writers[keep_readonly]
        write = writers.get(obj.__class__)
        if write is None:
            with self._lock:
                write = writers[obj.__class__] = (
                    self._writer(obj.__class__, None, keep_readonly) or _identity
                )
        result: dict[str, Any] = write(obj)
        return result

    # -- readers and writers of field types, chosen once --

    def _converter(self) -> cattrs.Converter:
        # Types no rule covers (none in a generated model today) fall back on cattrs.
        if self._cattrs is None:
            self._cattrs = cattrs.Converter(detailed_validation=False)
        return self._cattrs

    def _rule(self, tp: Any, fmt: str | None) -> Rule | None:
        rule = scalar_rule(tp, fmt)
        if rule is None and _is_enum(tp):
            rule = enum_rule(tp)
        return rule

    def _reader(self, tp: Any, fmt: str | None) -> Reader:
        member = _member(tp)
        if member is not None:
            return self._reader(member[0], fmt)
        rule = self._rule(tp, fmt)
        if rule is not None:
            return rule.read
        if tp in self._models:
            if tp in self._subtypes:
                return self._polymorphic_reader(tp)
            return self._model_reader(tp)
        origin = typing.get_origin(tp)
        if origin is list:
            (item_type,) = typing.get_args(tp) or (Any,)
            return _list_reader(self._reader(item_type, fmt))
        if origin is dict:
            _, value_type = typing.get_args(tp) or (str, Any)
            return _dict_reader(self._reader(value_type, fmt))
        return self._cattrs_reader(tp)

    def _cattrs_reader(self, tp: Any) -> Reader:
        hook = self._converter().get_structure_hook(tp)
        label = getattr(tp, "__name__", str(tp))

        def read(value: Any) -> Any:
            try:
                return hook(value, tp)
            except Exception:  # cattrs raises many kinds; the value stays out of the message
                raise WireError(f"expected {label}, got {type(value).__name__}") from None

        return read

    def _writer(self, tp: Any, fmt: str | None, keep_readonly: bool) -> Writer | None:
        """The function that makes a value's JSON form; None: the value is sent as it is."""
        member = _member(tp)
        if member is not None:
            return self._writer(member[0], fmt, keep_readonly)
        rule = self._rule(tp, fmt)
        if rule is not None and tp is not Any:
            return rule.write
        if tp in self._models:
            model = typing.cast(type, tp)
            own = self._model_writer(model, keep_readonly)
            if model not in self._subtypes:
                return own
            by_class = {
                sub: self._model_writer(sub, keep_readonly)
                for sub in self._subtypes[model][1].values()
            }
            return lambda obj: by_class.get(obj.__class__, own)(obj)
        origin = typing.get_origin(tp)
        if origin is list:
            (item_type,) = typing.get_args(tp) or (Any,)
            return _list_writer(self._writer(item_type, fmt, keep_readonly))
        if origin is dict:
            _, value_type = typing.get_args(tp) or (str, Any)
            return _dict_writer(self._writer(value_type, fmt, keep_readonly))
        # Any (a free-form value, which may hold models a caller put in) and the rest.
        hook: Writer = self._converter().get_unstructure_hook(tp)
        return hook

    def _polymorphic_reader(self, model: type) -> Reader:
        """Read as the subtype the discriminator names; an unknown value (a subtype newer than
        this spec) stays the base model, its extra keys in ``additional_properties``."""
        key, table = self._subtypes[model]
        own = self._model_reader(model)
        readers = {value: self._model_reader(sub) for value, sub in table.items()}
        folded = {value.casefold(): reader for value, reader in readers.items()}

        def read(value: Any) -> Any:
            if value.__class__ is dict:
                kind = value.get(key)
                if kind.__class__ is str:
                    reader = readers.get(kind) or folded.get(kind.casefold())
                    if reader is not None:
                        return reader(value)
            return own(value)

        return read

    # -- the models' own functions --

    def _model_reader(self, model: type) -> Reader:
        reader = self._model_readers.get(model)
        if reader is None:
            if (model, None) in self._generating:
                # The model contains itself: its reader is looked up when called, by then built.
                built = self._model_readers
                return lambda value: built[model](value)
            self._generating.add((model, None))
            try:
                reader = self._model_readers[model] = self._generate_reader(model)
            finally:
                self._generating.discard((model, None))
        return reader

    def _model_writer(self, model: type, keep_readonly: bool) -> Writer:
        built = self._model_writers[keep_readonly]
        writer = built.get(model)
        if writer is None:
            if (model, keep_readonly) in self._generating:
                return lambda obj: built[model](obj)
            self._generating.add((model, keep_readonly))
            try:
                writer = built[model] = self._generate_writer(model, keep_readonly)
            finally:
                self._generating.discard((model, keep_readonly))
        return writer

    def _generate_reader(self, model: type) -> Reader:
        fields = model_fields(model)
        layout = wire_layout(model)
        extra_name = extra_field_name(model)
        src = _Source()
        cls = src.ref(model, "cls")
        src.names.update(
            new=object.__new__,
            as_object=as_object,
            MISSING=_MISSING,
            EMPTY=_EMPTY,
            WireError=WireError,
            unknown=_unknown,
            item_error=_item_error,
        )
        name = f"read_{model.__name__}"
        src.add(0, f"def {name}(o):")
        src.add(1, "if o.__class__ is not dict:")
        src.add(2, "o = as_object(o)")
        src.add(1, "o_get = o.get")  # bound once: every field reads through it
        src.add(1, "extra = None")
        # The top-level object, then every flattened container: its unknown keys kept.
        containers: dict[tuple[str, ...], str] = {(): "o"}
        if extra_name is not None:
            known = src.ref(frozenset(layout), "K")
            src.add(1, f"if not o.keys() <= {known}:")
            src.add(2, f"extra = unknown(o, {known}, (), extra)")
        for field in fields:
            for depth in range(1, len(field.path)):
                path = field.path[:depth]
                if path in containers:
                    continue
                node: Any = layout
                for step in path:
                    node = node[step]
                var = containers[path] = f"c{len(containers)}"
                block = _Block(src, path)
                block.add(0, f"{var} = {containers[path[:-1]]}_get({path[-1]!r})")
                block.add(0, f"if {var} is None:")
                block.add(
                    1, f"{var} = EMPTY"
                )  # ARM may send null for a container it has nothing in
                block.add(0, f"elif {var}.__class__ is not dict:")
                block.add(1, f"{var} = as_object({var})")
                if extra_name is not None:
                    known = src.ref(frozenset(node), "K")
                    block.add(0, f"if not {var}.keys() <= {known}:")
                    block.add(1, f"extra = unknown({var}, {known}, {path!r}, extra)")
                block.close()
                src.add(1, f"{var}_get = {var}.get")
        values: list[tuple[WireField, str]] = []
        nullable: list[tuple[WireField, str]] = []
        for index, field in enumerate(fields):
            var = f"v{index}"
            if not field.init:
                # A subtype's discriminator or a constant: the class's value, not the wire's.
                values.append((field, src.ref(field.default_value, "D")))
                continue
            values.append((field, var))
            if field.nullable:
                nullable.append((field, var))
            container, key = containers[field.path[:-1]], field.path[-1]
            if field.required and not field.discriminator:
                src.add(1, f"{var} = {container}_get({key!r}, MISSING)")
                src.add(1, f"if {var} is MISSING:")
                src.add(2, f'raise WireError("required field is missing", {field.path!r})')
            else:
                src.add(1, f"{var} = {container}_get({key!r})")
            self._read_field(_Block(src, field.path), field, var)
        src.add(1, f"r = new({cls})")
        for field, var in values:
            src.add(1, f"r.{field.name} = {var}")
        if extra_name is not None:
            setter = src.ref(raw_setter(model, extra_name), "set_extra")
            default: Any = attrs.fields_dict(model)[extra_name].default
            make = getattr(default, "factory", dict)
            if make is dict:
                src.add(1, f"{setter}(r, {{}} if extra is None else extra)")
            else:
                src.add(1, f"{setter}(r, {src.ref(make, 'F')}() if extra is None else extra)")
        nulls_field = _nulls_field(model)
        if nulls_field is not None:
            src.add(1, f"r.{nulls_field} = {src.ref(_NO_NULLS, 'N')}")
            # x-nullable fields that came as null are recorded, so that they go back as null.
            for field, var in nullable:
                container = containers[field.path[:-1]]
                src.add(1, f"if {var} is None and {field.path[-1]!r} in {container}:")
                src.add(2, f"r.{nulls_field} = r.{nulls_field} | {{{field.name!r}}}")
        src.add(1, "return r")
        reader: Reader = _compile(name, src.lines, src.names)
        return reader

    def _read_field(self, block: _Block, field: WireField, var: str) -> None:
        """The check (and conversion) of one field's value by its rule, as generated code."""
        src = block.src
        member = _member(field.type)
        optional = not field.required or field.discriminator or (member or (0, False))[1]
        inner = member[0] if member else field.type
        rule = self._rule(inner, field.format)
        # The common case first: a value of the right class is the only test it takes.
        guard = f" and {var} is not None" if optional else ""
        other = f"elif {var} is not None:" if optional else "else:"
        read = src.ref(self._reader(field.type, field.format), "R")
        if rule is not None and rule.exact is object:
            return  # any JSON value
        if rule is not None and rule.exact is not None:
            block.add(0, f"if {var}.__class__ is not {src.ref(rule.exact, 'T')}{guard}:")
            block.add(1, f"{var} = {read}({var})")
        elif rule is not None and rule.parse is not None:
            # The rule's parser on the string ARM sends, without a call in between.
            refused = src.ref(f"expected {rule.label}", "M")
            block.add(0, f"if {var}.__class__ is str:")
            block.add(1, "try:")
            block.add(2, f"{var} = {src.ref(rule.parse, 'P')}({var})")
            block.add(1, "except ValueError:")
            block.add(2, f"raise WireError({refused}) from None")
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
            item = src.ref(self._reader(item_type, field.format), "I")
            block.add(0, f"if {var}.__class__ is list:")
            block.add(1, "try:")
            block.add(2, f"{var} = [None if x is None else {item}(x) for x in {var}]")
            block.add(1, "except WireError as error:")
            block.add(2, f"raise item_error(error, {var}, {item}) from None")
            block.add(0, other)
            block.add(1, f"{var} = {read}({var})")
        elif optional:
            block.add(0, f"if {var} is not None:")
            block.add(1, f"{var} = {read}({var})")
        else:
            block.add(0, f"{var} = {read}({var})")
        block.close()

    def _generate_writer(self, model: type, keep_readonly: bool) -> Writer:
        fields = [f for f in model_fields(model) if keep_readonly or not f.read_only]
        layout = wire_layout(model)
        extra_name = extra_field_name(model)
        nulls_field = _nulls_field(model)
        src = _Source()
        src.names.update(Required=RequiredFieldError, merge=merge_unknown, put_nulls=_put_nulls)
        name = f"write_{model.__name__}"
        src.add(0, f"def {name}(obj):")
        src.add(1, "r = {}")
        containers: dict[tuple[str, ...], str] = {(): "r"}
        for field in fields:
            for depth in range(1, len(field.path)):
                path = field.path[:depth]
                if path not in containers:
                    containers[path] = f"c{len(containers)}"
                    src.add(1, f"{containers[path]} = {{}}")
        # The top level's own fields first, then each container's, as the wire shows them.
        ordered = sorted(fields, key=lambda f: len(f.path))
        for field in ordered:
            target, key = containers[field.path[:-1]], field.path[-1]
            write = self._writer(field.type, field.format, keep_readonly)
            value = "v" if write is None else f"{src.ref(write, 'W')}(v)"
            src.add(1, f"v = obj.{field.name}")
            if field.always_sent:
                src.add(1, f"{target}[{key!r}] = None if v is None else {value}")
            elif field.required and not field.nullable:
                # A required field: None would be sent as null or fail deep in a formatter.
                src.add(1, "if v is None:")
                src.add(2, f"raise Required({model.__name__!r}, {field.name!r})")
                src.add(1, f"{target}[{key!r}] = {value}")
            elif field.required:
                src.add(1, f"{target}[{key!r}] = None if v is None else {value}")
            else:
                src.add(1, "if v is not None:")
                src.add(2, f"{target}[{key!r}] = {value}")
        for path in sorted((p for p in containers if p), key=len, reverse=True):
            var, parent = containers[path], containers[path[:-1]]
            src.add(1, f"if {var}:")
            if path[:-1]:
                src.add(2, f"{parent}[{path[-1]!r}] = {var}")
            else:
                src.add(2, f"r[{path[-1]!r}] = {var}")
        if extra_name is not None:
            src.add(1, f"x = obj.{extra_name}")
            src.add(1, "if x:")
            src.add(2, f"merge(r, x, {src.ref(layout, 'L')}, {model.__name__!r})")
        if nulls_field is not None:
            paths = {f.name: f.path for f in model_fields(model)}
            sent = frozenset(f.name for f in fields)
            src.add(1, f"n = obj.{nulls_field}")
            src.add(1, "if n:")
            src.add(
                2,
                f"put_nulls(r, n, {src.ref(paths, 'P')}, {src.ref(sent, 'S')}, {model.__name__!r})",
            )
        src.add(1, "return r")
        writer: Writer = _compile(name, src.lines, src.names)
        return writer


def _identity(value: Any) -> Any:
    return value


def _nulls_field(model: type) -> str | None:
    return next((f.name for f in attrs.fields(model) if f.metadata.get(WIRE_NULLS)), None)


def _subtype_tables(models: frozenset[type]) -> dict[type, tuple[str, dict[str, type]]]:
    """For each polymorphic model: its discriminator's wire key and the value of each subtype
    (the default of the subtype's discriminator field)."""
    tables: dict[type, tuple[str, dict[str, type]]] = {}
    for model in sorted(models, key=lambda m: m.__name__):
        found = discriminator_value(model)
        if found is None:
            continue
        key, value = found
        for ancestor in model.__mro__[1:]:
            if ancestor in models:
                tables.setdefault(ancestor, (key, {}))[1][value] = model
    return tables


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false
