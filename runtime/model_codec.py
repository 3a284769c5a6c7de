"""Reading and writing generated models: wire dict -> model -> wire dict.

A :class:`Codec` holds, per model, one reading and one writing function, written the first time
the model is read or written (:mod:`.model_source` writes them from the model's field table and
the wire rules) and kept. It chooses the reader and writer of every field type -- a rule, a
nested model (a polymorphic one dispatched on its discriminator), an array or map of those --
and turns a refused value's :class:`.wire_rules.WireError` into the ``DeserializationError`` a
caller sees, naming the wire path.
"""

from __future__ import annotations

import enum
import threading
import typing
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import cattrs

from .exceptions import DeserializationError
from .lenient import lenient_rule, reading_leniently
from .model_layout import discriminator_value, model_repr
from .model_source import Reader, Writer, item_error, member, reader_of, writer_of
from .wire_rules import Rule, WireError, enum_rule, expected, scalar_rule

__all__ = ["Codec", "WireModel"]

T = TypeVar("T")
M = TypeVar("M", bound="WireModel")


class WireModel:
    """The base of every generated model: its wire form both ways, through the codec of the
    module that defines it (which the :class:`Codec` of that module sets), and its repr."""

    __slots__ = ()
    if TYPE_CHECKING:  # no runtime annotation: resolving a model's types must not see it
        __wire_codec__: ClassVar[Codec]

    __repr__ = model_repr

    def to_dict(self, *, keep_readonly: bool = False) -> dict[str, Any]:
        """The wire form; None fields and (unless keep_readonly) read-only ones left out."""
        return self.__wire_codec__.unstructure(self, keep_readonly=keep_readonly)

    def as_dict(self, *, exclude_readonly: bool = False) -> dict[str, Any]:
        """azure-core's name: ``to_dict(keep_readonly=not exclude_readonly)``."""
        return self.to_dict(keep_readonly=not exclude_readonly)

    @classmethod
    def from_dict(cls: type[M], data: Mapping[str, Any]) -> M:
        """From the wire form; DeserializationError names a bad field."""
        codec = cls.__wire_codec__
        # The built reader first; what it refuses, ``structure`` reads again to say why.
        read = codec._entry_readers.get(cls)  # pyright: ignore[reportPrivateUsage]
        if read is not None:
            try:
                result: M = read(data)
            except (WireError, RecursionError):
                pass
            else:
                return result
        return codec.structure(data, cls)


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def _list_reader(item: Reader) -> Reader:
    def read(value: Any) -> Any:
        if value.__class__ is not list and not isinstance(value, list):
            raise expected("an array", value)
        try:
            # A JSON null item reads as None, as azure-core reads it.
            return [None if entry is None else item(entry) for entry in value]
        except WireError as error:
            raise item_error(error, value, item) from None

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


class Codec:
    """Reads and writes a set of generated models; one per generated module.

    Building it costs nothing: a model's functions are generated on its first use (with those
    of the models it contains) and kept, so importing stays cheap and no call pays twice.
    Safe to share between threads.
    """

    def __init__(
        self, models: Iterable[type], *, lenient: bool = False, fast_paths: bool = True
    ) -> None:
        self._models = frozenset(models)
        # Off: nested models read and written by calls, every object's keys tested by a set
        # operation (the reference the fast paths are tested against).
        self._fast_paths = fast_paths
        self._plain = self._plain_model if fast_paths else None
        # Lenient: how a response that failed the strict read is read again (lenient.py).
        self._lenient = lenient
        self._twin: Codec | None = None
        if not lenient:  # the lenient twin reads for its strict codec, which the models name
            for model in self._models:
                if issubclass(model, WireModel) and "__wire_codec__" not in model.__dict__:
                    model.__wire_codec__ = self
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
            if not self._lenient and reading_leniently():
                return self._lenient_twin().structure(data, cls)
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

    def _lenient_twin(self) -> Codec:
        with self._lock:
            if self._twin is None:
                self._twin = Codec(self._models, lenient=True, fast_paths=self._fast_paths)
            return self._twin

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
        rule = lenient_rule(tp, fmt) if self._lenient else scalar_rule(tp, fmt)
        if rule is None and _is_enum(tp):
            rule = enum_rule(tp)
        return rule

    def _reader(self, tp: Any, fmt: str | None) -> Reader:
        union = member(tp)
        if union is not None:
            return self._reader(union[0], fmt)
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
        union = member(tp)
        if union is not None:
            return self._writer(union[0], fmt, keep_readonly)
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
                reader = self._model_readers[model] = reader_of(
                    model,
                    self._rule,
                    self._reader,
                    lenient=self._lenient,
                    plain=self._plain,
                )
            finally:
                self._generating.discard((model, None))
        return reader

    def _plain_model(self, tp: Any) -> type | None:
        """``tp`` if it is a model of this codec, not polymorphic; else None."""
        if tp in self._models and tp not in self._subtypes:
            return typing.cast(type, tp)
        return None

    def _model_writer(self, model: type, keep_readonly: bool) -> Writer:
        built = self._model_writers[keep_readonly]
        writer = built.get(model)
        if writer is None:
            if (model, keep_readonly) in self._generating:
                return lambda obj: built[model](obj)
            self._generating.add((model, keep_readonly))
            try:
                writer = built[model] = writer_of(
                    model,
                    keep_readonly,
                    self._writer,
                    plain=self._plain,
                )
            finally:
                self._generating.discard((model, keep_readonly))
        return writer


def _identity(value: Any) -> Any:
    return value


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
