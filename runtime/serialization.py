"""Wire (un)structuring of generated attrs models, driven by field metadata, through cattrs.

Generated models describe themselves with ``attrs.field(metadata=...)``:
``wire`` (the JSON key), ``read_only`` (never sent), ``secret`` (never shown) and ``flatten``
(the wire keys of the objects an x-ms-client-flatten field lives in, e.g. ``("properties",)``).
One field per model is marked ``additional_properties``: it keeps the keys the model does not
know, so a newer service's data survives a read-modify-write round trip. Unknown keys found
inside a flattened container stay nested under the container's wire key
(``{"properties": {"brandNew": 1}}``) and are merged back into it on the way out.

A ``Codec`` has cattrs generate straight-line code for a model the first time the model is
(un)structured, and keeps it: one structure function reading every field from its wire key,
and one unstructure function per wire object (the model's top level and each flattened
container). Field types are resolved while that code is generated -- ``X | None``, an
extensible enum's ``E | str``, lists and dicts each get one specialised hook -- so no value is
dispatched on its type at run time.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import email.utils
import enum
import json
import json.encoder
import operator
import re
import sys
import threading
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from typing import Any, Final, Literal, TypeVar

import attrs
import cattrs
from cattrs.fns import identity
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .exceptions import DeserializationError, RequiredFieldError
from .number_enums import number_enum_hook
from .redact import mask_sas_signatures, redact_json_value

T = TypeVar("T")

StructureHook = Callable[[Any, Any], Any]
UnstructureHook = Callable[[Any], Any]

# Joins the wire keys of a flattened field when the model's wire keys are not all distinct.
# Only the keys of known fields are joined with it; a received key holding it is unknown.
_SEP = "\x00"


class Unset(enum.Enum):
    """The type of ``UNSET``. Fields that were not given, or that the service did not send,
    read as None (and None is not sent); UNSET is kept for code written against the older
    models, which compared with it."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET

_NONE = type(None)


def _is_optional(tp: Any) -> bool:
    args = typing.get_args(tp)
    return _NONE in args or Unset in args


class ExtensibleEnum(str, enum.Enum):
    """An enum whose service may add values (x-ms-enum ``modelAsString: true``).

    Known values compare case-insensitively and map to their member; an unknown value becomes
    a member of its own (cached), so it round-trips unchanged and ``isinstance`` still holds.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, str):
            return None
        folded = value.casefold()
        for member in cls:
            if member.value.casefold() == folded:
                return member
        pseudo = str.__new__(cls, value)
        pseudo._name_ = value
        pseudo._value_ = value
        # Enum's own lookup table, so the next lookup of the same value is an identity.
        cls._value2member_map_[value] = pseudo
        return pseudo

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


# Values a service sent for a closed enum that the spec does not list, by (enum, value).
_UNLISTED: dict[tuple[type, str], Any] = {}


class ClosedEnum(str, enum.Enum):
    """An enum with a fixed set of values (``modelAsString: false``); lookups ignore case.

    ``ClosedEnum(value)`` accepts only the listed values: code that builds a request gets an
    error for anything else. A response is read more leniently (``from_service``): a value the
    service added after this spec becomes an unlisted member rather than failing the whole
    response, as a new status level would otherwise break every read of a resource.
    """

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            folded = value.casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return None

    @classmethod
    def from_service(cls, value: str) -> Any:
        try:
            return cls(value)
        except ValueError:
            key = (cls, value)
            unlisted = _UNLISTED.get(key)
            if unlisted is None:
                unlisted = str.__new__(cls, value)
                unlisted._name_ = value
                unlisted._value_ = value
                _UNLISTED[key] = unlisted
            return unlisted

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


# -- datetimes ------------------------------------------------------------------------------

_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?$"
)
# What ARM sends nearly always; from 3.11 on ``fromisoformat`` reads it whole ('Z', any number
# of fraction digits, truncated to microseconds like the general path below).
_ARM_UTC = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?Z")
_FROMISOFORMAT_READS_ARM_UTC = sys.version_info >= (3, 11)


def parse_datetime(value: str) -> datetime.datetime:
    """ISO-8601 as ARM writes it: 'Z' or an offset (none means UTC), up to 7+ fraction digits
    (truncated to microseconds, as Python cannot hold more)."""
    if _FROMISOFORMAT_READS_ARM_UTC and _ARM_UTC.fullmatch(value) is not None:
        return datetime.datetime.fromisoformat(value)
    match = _ISO.match(value.strip())
    if match is None:
        raise ValueError("not an ISO-8601 date-time")
    fraction = (match["fraction"] or "")[:6].ljust(6, "0")
    tz = match["tz"] or "+00:00"
    if tz in ("Z", "z"):
        tz = "+00:00"
    elif ":" not in tz:
        tz = f"{tz[:3]}:{tz[3:]}"
    clock = match["time"] if match["time"].count(":") == 2 else f"{match['time']}:00"
    return datetime.datetime.fromisoformat(f"{match['date']}T{clock}.{fraction}{tz}")


def format_datetime(value: datetime.datetime) -> str:
    """RFC 3339 with 'Z' for UTC; a naive datetime is taken to be UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def parse_datetime_rfc1123(value: str) -> datetime.datetime:
    """An RFC 1123 date-time (``format: date-time-rfc1123``): ``Mon, 01 Jan 2001 00:00:00 GMT``."""
    try:
        parsed = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError) as exc:
        raise ValueError("not an RFC 1123 date-time") from exc
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=datetime.timezone.utc)


def format_datetime_rfc1123(value: datetime.datetime) -> str:
    """RFC 1123 in GMT, as azure-core writes ``date-time-rfc1123``; a naive datetime is UTC."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return email.utils.format_datetime(value.astimezone(datetime.timezone.utc), usegmt=True)


_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<weeks>\d+(?:[.,]\d+)?)W)?(?:(?P<days>\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:[.,]\d+)?)H)?(?:(?P<minutes>\d+(?:[.,]\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:[.,]\d+)?)S)?)?"
)


def parse_duration(value: str) -> datetime.timedelta:
    """An ISO-8601 duration (``P1DT2H``, ``PT30M``, ``PT0.5S``, ``P2W``) as a timedelta. Years
    and months have no fixed length and are refused."""
    match = _DURATION.fullmatch(value.strip())
    if match is None or value.strip() in ("P", "-P") or value.strip().endswith("T"):
        raise ValueError("not an ISO-8601 duration of weeks, days, hours, minutes, seconds")
    parts = {
        key: float(text.replace(",", "."))
        for key, text in match.groupdict().items()
        if text and key != "sign"
    }
    result = datetime.timedelta(**parts)
    return -result if match["sign"] else result


def format_duration(value: datetime.timedelta) -> str:
    """A timedelta as an ISO-8601 duration: ``P1DT2H3M4.5S``; ``PT0S`` for zero."""
    sign = "-" if value < datetime.timedelta(0) else ""
    value = abs(value)
    days, seconds, micro = value.days, value.seconds, value.microseconds
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{sign}P{days}D" if days else f"{sign}P"
    clock = ""
    if hours:
        clock += f"{hours}H"
    if minutes:
        clock += f"{minutes}M"
    if secs or micro:
        clock += f"{secs}.{micro:06d}".rstrip("0").rstrip(".") + "S"
    if clock:
        text += "T" + clock
    return text if text not in ("P", "-P") else "PT0S"


def parse_date(value: str) -> datetime.date:
    """An ISO-8601 full date, ``2024-07-01``."""
    return datetime.date.fromisoformat(value.strip()[:10])


def parse_bytes(value: str) -> bytes:
    """Base64 (``format: byte``), also in its URL-safe form (``base64url``), padding optional."""
    text = value.strip().replace("-", "+").replace("_", "/")
    return base64.b64decode(text + "=" * (-len(text) % 4), validate=True)


def format_bytes(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")


# -- model helpers ----------------------------------------------------------------------------

_REPR_LIMIT = 1024

ADDITIONAL_PROPERTIES = "additional_properties"
"""The metadata flag of the field that keeps a model's unknown wire keys."""

WIRE_NULLS = "wire_nulls"
"""The metadata flag of the field naming the fields sent as JSON null."""

# cattrs receives the unknown keys under this name; incoming keys are sorted into known and
# unknown before it is added, so no wire key can collide with it.
_EXTRA_KEY = "\x00additional_properties"


def model_repr(self: object) -> str:
    """Type name and the fields that are set; secrets (``repr=False``) left out, unknown keys
    shown only when there are some; 1024 chars max."""
    parts = []
    fields = attrs.fields(type(self))  # type: ignore[arg-type]
    for field in fields:
        if not field.repr:
            continue
        value = getattr(self, field.name)
        if value is None or value is UNSET:
            continue
        if field.metadata.get(ADDITIONAL_PROPERTIES):
            if not value:
                continue
            secrets = [f.metadata.get("wire", f.name) for f in fields if f.metadata.get("secret")]
            value = redact_json_value(value, secrets)
        parts.append(f"{field.name}={value!r}")
    # A SAS URL (scriptUri, outputBlobUri, ...) carries its credential in ``sig=``.
    text = mask_sas_signatures(f"{type(self).__name__}({', '.join(parts)})")
    if len(text) > _REPR_LIMIT:
        text = text[: _REPR_LIMIT - 4] + "...)"
    return text


_LAYOUTS: dict[type, Mapping[str, Any]] = {}


def wire_layout(model: type) -> Mapping[str, Any]:
    """The wire keys ``model`` knows: key -> Python field name, or -> the nested layout of a
    flattened container such as ``"properties"``. Computed once per model; do not mutate."""
    layout = _LAYOUTS.get(model)
    if layout is None:
        # Benign race: two threads may build the same layout; either result is correct.
        layout = _LAYOUTS[model] = _build_layout(model)
    return layout


def _build_layout(model: type) -> dict[str, Any]:
    layout: dict[str, Any] = {}
    for field in attrs.fields(model):
        if field.metadata.get(ADDITIONAL_PROPERTIES) or field.metadata.get(WIRE_NULLS):
            continue
        path = (*field.metadata.get("flatten", ()), field.metadata.get("wire", field.name))
        node = layout
        for container in path[:-1]:
            child = node.setdefault(container, {})
            if not isinstance(child, dict):
                raise TypeError(
                    f"{model.__name__}: wire key {container!r} is both a field and a container"
                )
            node = child
        if path[-1] in node:
            raise TypeError(f"{model.__name__}: two fields use the wire key {'.'.join(path)!r}")
        node[path[-1]] = field.name
    return layout


def wire_model(cls: type[T]) -> type[T]:
    """Class decorator of every generated model, applied to the attrs class (slots=True).

    * Assigning ``additional_properties`` -- in ``__init__`` too -- checks the value: unknown
      keys only, as a dict with str keys; a flattened container's unknown keys nested under
      the container's wire key. A property around the field's slot does it rather than an
      attrs validator and ``on_setattr`` hook, with which attrs would route the assignment
      of every other field through a Python-level ``__setattr__`` as well.
    * attrs' own ``__ne__`` is dropped: ``object.__ne__`` inverts ``__eq__`` just the same,
      in C, and the generated unstructure code compares each model-valued field with None.
    """
    name = _extra_field_name(cls)
    if name is not None and not (name not in cls.__dict__ and _inherited_property(cls, name)):
        slot = cls.__dict__.get(name)
        if slot is None or not hasattr(slot, "__set__"):
            raise TypeError(f"{cls.__name__} must be an attrs class with slots=True")
        setattr(cls, name, property(slot.__get__, _checked_setter(slot, name), slot.__delete__))
    if "__ne__" in cls.__dict__:
        delattr(cls, "__ne__")
    return cls


def _inherited_property(cls: type, name: str) -> bool:
    """A subtype's unknown-keys field: its base's checked property already guards it."""
    return any(isinstance(base.__dict__.get(name), property) for base in cls.__mro__[1:])


def send_null(model: T, *fields: str) -> T:
    """Have ``model`` send JSON null for ``fields`` (Python field names): how a merge-patch
    (PATCH) removes a value. Fields left None are otherwise not sent at all. Returns ``model``."""
    known = {
        f.name: f
        for f in attrs.fields(type(model))  # type: ignore[arg-type]
        if not f.metadata.get(ADDITIONAL_PROPERTIES) and not f.metadata.get(WIRE_NULLS)
    }
    for name in fields:
        field = known.get(name)
        if field is None:
            raise ValueError(f"{type(model).__name__} has no field {name!r} to send as null")
        if field.metadata.get("read_only"):
            raise ValueError(f"{type(model).__name__}.{name} is read-only: it is never sent")
    current: frozenset[str] = getattr(model, WIRE_NULLS)
    setattr(model, WIRE_NULLS, current | frozenset(fields))
    return model


def _checked_setter(slot: Any, name: str) -> Callable[[Any, Any], None]:
    store = slot.__set__

    def set_unknown_keys(obj: Any, value: Any) -> None:
        if value.__class__ is not dict or value:  # an empty dict (the default) is always fine
            check_unknown_keys(type(obj), name, value)
        store(obj, value)

    return set_unknown_keys


def check_unknown_keys(model: type, name: str, value: object) -> None:
    """Raise TypeError/ValueError unless ``value`` fits as ``model``'s unknown wire keys."""
    if not isinstance(value, dict):
        raise TypeError(f"{model.__name__}.{name} must be a dict, not {type(value).__name__}")
    if value:
        _check_unknown(value, wire_layout(model), f"{model.__name__}.{name}", "")


def _check_unknown(
    extra: Mapping[Any, Any], layout: Mapping[str, Any], owner: str, at: str
) -> None:
    for key, item in extra.items():
        if not isinstance(key, str):
            raise TypeError(f"{owner} keys must be str, not {type(key).__name__}")
        known = layout.get(key)
        if known is None:
            continue
        where = at + key
        if isinstance(known, str):
            raise ValueError(
                f"{owner} must not hold {where!r}: it is the wire key of the field "
                f"{known!r}; set that field instead"
            )
        if not isinstance(item, Mapping):
            raise ValueError(f"{owner}[{where!r}] must be a dict of the container's unknown keys")
        _check_unknown(item, known, owner, where + ".")


def _extra_field_name(model: type) -> str | None:
    for field in attrs.fields(model):
        if field.metadata.get(ADDITIONAL_PROPERTIES):
            return str(field.name)
    return None


def _wire_path(field: attrs.Attribute[Any]) -> tuple[str, ...]:
    return (*field.metadata.get("flatten", ()), field.metadata.get("wire", field.name))


def _keep(value: Any, _: Any) -> Any:
    return value


def _unset_union_member(tp: Any) -> Any | None:
    """The type a union stands for: ``X | None`` -> X, ``SomeEnum | str [| None]`` -> SomeEnum
    (extensible enums also accept plain strings); None for anything else."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not _NONE and a is not Unset]
    if len(args) == 2:
        # An extensible enum and its plain value type: ``E | str``, ``IntE | int``.
        enums = [a for a in args if isinstance(a, type) and issubclass(a, enum.Enum)]
        if len(enums) == 1 and (args[0] if args[1] is enums[0] else args[1]) in (str, int, float):
            return enums[0]
    if len(args) != 1 or len(args) == len(typing.get_args(tp)):
        return None
    return args[0]


def _is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


# -- structure hooks of field types -----------------------------------------------------------
#
# One function per type and optionality: the ``_or_unset`` ones stand for ``X | None`` and read
# a JSON null as None (ARM sometimes sends null for a property it has no value for). The
# exact-class test comes first because it is what JSON decoding produces. Messages stay short:
# the DeserializationError a caller sees is written by ``_diagnose``, which names the path.


def _bad(expected: str, value: Any) -> TypeError:
    return TypeError(f"expected {expected}, got {type(value).__name__}")


def _str(value: Any, _: Any) -> Any:
    if value.__class__ is str or isinstance(value, str):
        return value
    raise _bad("string", value)


def _str_or_unset(value: Any, _: Any) -> Any:
    if value.__class__ is str or isinstance(value, str):
        return value
    if value is None:
        return None
    raise _bad("string", value)


def _int(value: Any, _: Any) -> Any:
    # bool is an int subclass; a JSON true is not a number.
    if value.__class__ is int or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _bad("integer", value)


def _int_or_unset(value: Any, _: Any) -> Any:
    if value.__class__ is int or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    if value is None:
        return None
    raise _bad("integer", value)


def _bool(value: Any, _: Any) -> Any:
    if value is True or value is False:
        return value
    raise _bad("boolean", value)


def _bool_or_unset(value: Any, _: Any) -> Any:
    if value is True or value is False:
        return value
    if value is None:
        return None
    raise _bad("boolean", value)


def _float(value: Any, _: Any) -> Any:
    if value.__class__ is float:
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    raise _bad("number", value)


def _float_or_unset(value: Any, _: Any) -> Any:
    return None if value is None else _float(value, _)


def _datetime(value: Any, _: Any) -> Any:
    if isinstance(value, str):
        return parse_datetime(value)
    if isinstance(value, datetime.datetime):
        return value
    raise _bad("date-time string", value)


def _datetime_or_unset(value: Any, _: Any) -> Any:
    if value.__class__ is str:
        return parse_datetime(value)
    return None if value is None else _datetime(value, _)


def _text_hook(parse: Callable[[str], Any], kind: type, label: str) -> StructureHook:
    def structure(value: Any, _: Any) -> Any:
        if isinstance(value, str):
            try:
                return parse(value)
            except (ValueError, binascii.Error):
                raise _bad(label, value) from None
        if isinstance(value, kind) and not (
            kind is datetime.date and isinstance(value, datetime.datetime)
        ):
            return value
        raise _bad(label, value)

    return structure


def _or_none(hook: StructureHook) -> StructureHook:
    def structure(value: Any, tp: Any) -> Any:
        return None if value is None else hook(value, tp)

    return structure


_date = _text_hook(parse_date, datetime.date, "ISO-8601 date")
_duration = _text_hook(parse_duration, datetime.timedelta, "ISO-8601 duration")
_bytes = _text_hook(parse_bytes, bytes, "base64 string")


def _any(value: Any, _: Any) -> Any:
    return value


def _any_or_unset(value: Any, _: Any) -> Any:
    return None if value is None else value


# (required, optional) hooks of the scalar types.
_SCALARS: dict[Any, tuple[StructureHook, StructureHook]] = {
    str: (_str, _str_or_unset),
    int: (_int, _int_or_unset),
    bool: (_bool, _bool_or_unset),
    float: (_float, _float_or_unset),
    datetime.datetime: (_datetime, _datetime_or_unset),
    datetime.date: (_date, _or_none(_date)),
    datetime.timedelta: (_duration, _or_none(_duration)),
    bytes: (_bytes, _or_none(_bytes)),
    Any: (_any, _any_or_unset),
}


_datetime_rfc1123 = _text_hook(parse_datetime_rfc1123, datetime.datetime, "RFC 1123 date-time")

# Field formats (attrs metadata "format") that change how a date-time is written and read.
_FORMAT_SCALARS: dict[str, tuple[StructureHook, StructureHook]] = {
    "rfc1123": (_datetime_rfc1123, _or_none(_datetime_rfc1123)),
}
_FORMAT_UNSTRUCTURE: dict[str, UnstructureHook] = {"rfc1123": format_datetime_rfc1123}


def _scalar_hooks(tp: Any, fmt: str | None) -> tuple[StructureHook, StructureHook] | None:
    """The (required, optional) hooks of a scalar type written in wire format ``fmt``."""
    if fmt and tp is datetime.datetime and fmt in _FORMAT_SCALARS:
        return _FORMAT_SCALARS[fmt]
    return _SCALARS.get(tp)


def _enum_hook(enum_type: type[enum.Enum], optional: bool) -> StructureHook:
    if not issubclass(enum_type, str):
        return number_enum_hook(enum_type, optional)
    # The enum's own value table answers exact spellings without going through EnumMeta;
    # other spellings take the enum's own path (case folding, an extensible enum's new
    # members, which it adds to that same table).
    members: Mapping[Any, Any] = enum_type._value2member_map_
    lookup: Callable[[str], Any] = (
        enum_type.from_service if issubclass(enum_type, ClosedEnum) else enum_type
    )

    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is str:
            member = members.get(value)
            return member if member is not None else lookup(value)
        if value is None and optional:
            return None
        if isinstance(value, str):
            return lookup(value)
        raise _bad("string", value)

    return structure


def _list_hook(item: StructureHook, item_type: Any, optional: bool) -> StructureHook:
    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is not list:
            if value is None and optional:
                return None
            if not isinstance(value, list):
                raise _bad("array", value)
        return list(map(item, value, repeat(item_type)))

    return structure


def _dict_hook(item: StructureHook, item_type: Any, optional: bool) -> StructureHook:
    def structure(value: Any, _: Any) -> Any:
        if value.__class__ is not dict:
            if value is None and optional:
                return None
            if not isinstance(value, Mapping):
                raise _bad("object", value)
        result = {}
        for key, entry in value.items():
            if not isinstance(key, str):
                raise _bad("string key", key)
            result[key] = item(entry, item_type)
        return result

    return structure


def _or_unset(hook: StructureHook) -> StructureHook:
    def structure(value: Any, tp: Any) -> Any:
        return None if value is None else hook(value, tp)

    return structure


# -- unstructure hooks of field types ---------------------------------------------------------


def _unstructure_enum(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _list_unstructure(item: UnstructureHook) -> UnstructureHook:
    # A None item is sent as JSON null (azure-core sends it so).
    if item is identity:
        return list
    return lambda value: [None if entry is None else item(entry) for entry in value]


def _dict_unstructure(item: UnstructureHook) -> UnstructureHook:
    if item is identity:
        return dict
    return lambda value: {
        key: None if entry is None else item(entry) for key, entry in value.items()
    }


def _required(hook: UnstructureHook, model: str, field: str) -> UnstructureHook:
    """``hook`` for a required field: None there is a RequiredFieldError naming it."""

    def unstructure(value: Any) -> Any:
        if value is None:
            raise RequiredFieldError(model, field)
        return hook(value)

    return unstructure


def _no_fields(_: Any) -> dict[str, Any]:
    return {}


def _no_unknown_keys(_: Any) -> None:
    return None


# -- models -----------------------------------------------------------------------------------


class _Shape:
    """Where a model's fields sit on the wire, and the keys its structure function reads.

    When the model's wire keys are all distinct (the usual case) a field's key there is its own
    wire key, and a flattened container only has to be merged into the top-level object;
    otherwise every key carries its container path.
    """

    __slots__ = (
        "extra_name",
        "fast_containers",
        "groups",
        "keys",
        "layout",
        "model",
        "name",
        "nullable",
        "paths",
        "read_extra",
        "read_nulls",
        "top_keys",
    )

    def __init__(self, model: type) -> None:
        self.model = model
        self.name = model.__name__
        self.layout = wire_layout(model)
        self.extra_name = _extra_field_name(model)
        self.read_extra: Callable[[Any], Any] | None = (
            operator.attrgetter(self.extra_name) if self.extra_name else None
        )
        fields = [
            f
            for f in attrs.fields(model)
            if f.name != self.extra_name and not f.metadata.get(WIRE_NULLS)
        ]
        paths = {f.name: _wire_path(f) for f in fields}
        self.paths = paths
        nulls_field = next(
            (f.name for f in attrs.fields(model) if f.metadata.get(WIRE_NULLS)), None
        )
        self.read_nulls: Callable[[Any], Any] | None = (
            operator.attrgetter(nulls_field) if nulls_field else None
        )
        # Wire paths of the x-nullable fields: a null received there is sent back.
        self.nullable = tuple((f.name, paths[f.name]) for f in fields if f.metadata.get("nullable"))
        leaves = [path[-1] for path in paths.values()]
        containers = {step for path in paths.values() for step in path[:-1]}
        plain = len(set(leaves)) == len(leaves) and not containers.intersection(leaves)
        self.keys = {name: path[-1] if plain else _SEP.join(path) for name, path in paths.items()}
        self.top_keys = frozenset(self.layout)
        # The containers (key, the keys it knows) that a structure call merges without looking
        # at each key; None when some key needs sorting one by one (a nested container).
        shallow = [(key, entry) for key, entry in self.layout.items() if isinstance(entry, dict)]
        nested = any(isinstance(inner, dict) for _, entry in shallow for inner in entry.values())
        self.fast_containers = (
            tuple((key, frozenset(entry)) for key, entry in shallow)
            if plain and not nested
            else None
        )
        # Fields by the container path they sit under; the top level first.
        groups: dict[tuple[str, ...], list[attrs.Attribute[Any]]] = {(): []}
        for field in fields:
            groups.setdefault(paths[field.name][:-1], []).append(field)
        self.groups = sorted(groups.items(), key=lambda group: len(group[0]))


def _as_dict(value: Any, name: str) -> dict[Any, Any]:
    if isinstance(value, Mapping):
        return dict(value)
    raise TypeError(f"expected object for {name}, got {type(value).__name__}")


def _sort_keys(
    node: Mapping[Any, Any],
    layout: Mapping[str, Any],
    keys: Mapping[str, str],
    path: tuple[str, ...],
    flat: dict[str, Any],
    unknown: dict[str, Any],
) -> None:
    """Known keys into ``flat`` under the generated function's key, unknown ones into
    ``unknown`` (nested under their container's wire keys); containers opened on the way."""
    for key, item in node.items():
        entry = layout.get(key)
        if entry is None:
            target = unknown
            for step in path:
                target = target.setdefault(step, {})
            target[key] = item
        elif entry.__class__ is str:
            flat[keys[entry]] = item
        elif item is not None:  # ARM may send null for a container it has nothing in
            if not isinstance(item, Mapping):
                raise TypeError(f"expected object at {'.'.join((*path, key))}")
            _sort_keys(item, entry, keys, (*path, key), flat, unknown)


def _wrap_structure(shape: _Shape, inner: StructureHook) -> tuple[StructureHook, ...]:
    """The (required, optional) structure hooks of a model around its generated function."""
    name = shape.name
    top_keys = shape.top_keys
    containers = shape.fast_containers
    layout, keys, has_extra = shape.layout, shape.keys, shape.extra_name is not None

    def slow(value: dict[Any, Any]) -> Any:
        flat: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        _sort_keys(value, layout, keys, (), flat, unknown)
        if unknown and has_extra:
            flat[_EXTRA_KEY] = unknown
        return inner(flat, None)

    def build(optional: bool) -> StructureHook:
        # Set operations on the key views run in C: an object without unknown keys is handed
        # to the generated function as it is, or merged with its flattened container.
        if containers is None:

            def structure(value: Any, _: Any) -> Any:
                if value.__class__ is not dict:
                    if value is None and optional:
                        return None
                    value = _as_dict(value, name)
                return slow(value)

        elif not containers:

            def structure(value: Any, _: Any) -> Any:
                if value.__class__ is not dict:
                    if value is None and optional:
                        return None
                    value = _as_dict(value, name)
                if value.keys() <= top_keys:
                    return inner(value, None)
                return slow(value)

        elif len(containers) == 1:
            ((container, known),) = containers

            def structure(value: Any, _: Any) -> Any:
                if value.__class__ is not dict:
                    if value is None and optional:
                        return None
                    value = _as_dict(value, name)
                if value.keys() <= top_keys:
                    nested = value.get(container)
                    if nested is None:
                        return inner(value, None)
                    if nested.__class__ is dict and nested.keys() <= known:
                        return inner({**value, **nested}, None)
                return slow(value)

        else:

            def structure(value: Any, _: Any) -> Any:
                if value.__class__ is not dict:
                    if value is None and optional:
                        return None
                    value = _as_dict(value, name)
                if not value.keys() <= top_keys:
                    return slow(value)
                merged = value
                for container, known in containers:
                    nested = value.get(container)
                    if nested is None:
                        continue
                    if nested.__class__ is not dict or not nested.keys() <= known:
                        return slow(value)
                    merged = {**merged, **nested}
                return inner(merged, None)

        return structure

    if not shape.nullable:
        return build(False), build(True)
    return _keep_nulls(shape, build(False)), _keep_nulls(shape, build(True))


def _keep_nulls(shape: _Shape, structure: StructureHook) -> StructureHook:
    """Around a model with x-nullable fields: the ones that came as null are recorded in its
    ``wire_nulls``, so that they go back as null."""
    nullable = shape.nullable

    def keep_nulls(value: Any, tp: Any) -> Any:
        obj = structure(value, tp)
        if obj is None:
            return None
        nulls = []
        for name, path in nullable:
            node = value
            for step in path[:-1]:
                node = node.get(step) if isinstance(node, Mapping) else None
            if isinstance(node, Mapping) and path[-1] in node and node[path[-1]] is None:
                nulls.append(name)
        if nulls:
            setattr(obj, WIRE_NULLS, frozenset(nulls))
        return obj

    return keep_nulls


def _wrap_unstructure(
    shape: _Shape, parts: list[tuple[tuple[str, ...], UnstructureHook]], sent: frozenset[str]
) -> UnstructureHook:
    """The unstructure hook of a model: its generated top-level function, each flattened
    container's function nested under the container's wire key, then the unknown keys, then
    the fields ``wire_nulls`` names, as JSON null."""
    name, layout, paths = shape.name, shape.layout, shape.paths
    top = parts[0][1] if parts and not parts[0][0] else _no_fields
    nested = [(path, fn) for path, fn in parts if path]
    extra = shape.read_extra or _no_unknown_keys
    nulls_of = shape.read_nulls or _no_unknown_keys
    if shape.read_extra is None and shape.read_nulls is None and not nested:
        return top

    def put_nulls(result: dict[str, Any], nulls: Iterable[str]) -> None:
        for field_name in nulls:
            path = paths.get(field_name)
            if path is None:
                raise ValueError(f"{name}.wire_nulls names {field_name!r}, not a field")
            if field_name not in sent:
                continue  # read-only: never sent
            target = result
            for step in path[:-1]:
                target = target.setdefault(step, {})
            target[path[-1]] = None

    if not nested:

        def unstructure(obj: Any) -> dict[str, Any]:
            result: dict[str, Any] = top(obj)
            unknown = extra(obj)
            if unknown:
                _merge_unknown(result, unknown, layout, name)
            nulls = nulls_of(obj)
            if nulls:
                put_nulls(result, nulls)
            return result

    elif len(nested) == 1 and len(nested[0][0]) == 1:
        (((container,), part),) = nested

        def unstructure(obj: Any) -> dict[str, Any]:
            result: dict[str, Any] = top(obj)
            inner = part(obj)
            if inner:
                result[container] = inner
            unknown = extra(obj)
            if unknown:
                _merge_unknown(result, unknown, layout, name)
            nulls = nulls_of(obj)
            if nulls:
                put_nulls(result, nulls)
            return result

    else:

        def unstructure(obj: Any) -> dict[str, Any]:
            result: dict[str, Any] = top(obj)
            for path, fn in nested:
                inner = fn(obj)
                if inner:
                    target = result
                    for step in path[:-1]:
                        target = target.setdefault(step, {})
                    target.setdefault(path[-1], {}).update(inner)
            unknown = extra(obj)
            if unknown:
                _merge_unknown(result, unknown, layout, name)
            nulls = nulls_of(obj)
            if nulls:
                put_nulls(result, nulls)
            return result

    return unstructure


def _merge_unknown(
    target: dict[str, Any], unknown: Mapping[str, Any], layout: Mapping[str, Any], owner: str
) -> None:
    """Add the unknown keys to a wire dict; a container's go into the container."""
    for key, item in unknown.items():
        entry = layout.get(key)
        if entry is None:
            target[key] = item
        elif isinstance(entry, str):
            # Only reachable by mutating additional_properties in place (assignment validates).
            raise ValueError(
                f"{owner}.additional_properties holds {key!r}, the wire key of the field "
                f"{entry!r}; set that field instead"
            )
        elif isinstance(item, Mapping):
            merged = dict(target.get(key) or {})
            _merge_unknown(merged, item, entry, owner)
            target[key] = merged
        else:
            raise ValueError(
                f"{owner}.additional_properties[{key!r}] must be a dict of the container's "
                "unknown keys"
            )


class Codec:
    """(Un)structures a set of generated models; one per generated module.

    Building it costs nothing: a model's functions are generated on its first use (with those
    of the models it contains) and kept, so importing stays cheap and no call pays twice. Every
    field's hook is chosen while its model's function is generated. Safe to share between
    threads.
    """

    def __init__(self, models: Iterable[type]) -> None:
        self._models = frozenset(models)
        # Polymorphic models: base -> (discriminator wire key, {wire value: subtype}).
        self._subtypes = _subtype_tables(self._models)
        # Reentrant: generating one model's functions generates those of the models it holds.
        self._lock = threading.RLock()
        self._cattrs: cattrs.Converter | None = None
        self._shapes: dict[type, _Shape] = {}
        self._structure_hooks: dict[Any, StructureHook] = {}
        self._unstructure_hooks: tuple[dict[Any, UnstructureHook], ...] = ({}, {})
        self._model_structure: dict[type, tuple[StructureHook, ...]] = {}
        self._model_unstructure: tuple[dict[type, UnstructureHook], ...] = ({}, {})
        self._generating: set[tuple[type, bool | None]] = set()

    def structure(self, data: Any, cls: type[T]) -> T:
        """Wire dict -> model; any mismatch raises DeserializationError naming the wire path."""
        hook = self._structure_hooks.get(cls)
        if hook is None:
            with self._lock:
                hook = self._structure_hooks[cls] = self._structure_hook(cls, False)
        try:
            result: T = hook(data, cls)
        except Exception as exc:
            path, reason = _diagnose(data, cls, "")
            raise DeserializationError(
                f"cannot read {cls.__name__} from the data: {reason} at '{path or '$'}'",
                path=path,
            ) from exc
        return result

    def unstructure(self, obj: object, *, keep_readonly: bool = False) -> dict[str, Any]:
        """Model -> wire dict: camelCase keys, flattened fields nested, None left out, read-only
        fields left out unless ``keep_readonly``."""
        hooks = self._unstructure_hooks[keep_readonly]
        hook = hooks.get(obj.__class__)
        if hook is None:
            with self._lock:
                hook = hooks[obj.__class__] = self._unstructure_hook(obj.__class__, keep_readonly)
        result: dict[str, Any] = hook(obj)
        return result

    # -- hooks of field types, chosen once --

    def _converter(self) -> cattrs.Converter:
        # Generates the models' functions, and (un)structures types no hook here covers.
        if self._cattrs is None:
            self._cattrs = cattrs.Converter(detailed_validation=False)
        return self._cattrs

    def _structure_hook(self, tp: Any, optional: bool, fmt: str | None = None) -> StructureHook:
        member = _unset_union_member(tp)
        if member is not None:
            return self._structure_hook(member, optional or _is_optional(tp), fmt)
        scalar = _scalar_hooks(tp, fmt)
        if scalar is not None:
            return scalar[optional]
        if _is_enum(tp):
            return _enum_hook(tp, optional)
        if tp in self._models:
            if tp in self._subtypes:
                return self._polymorphic_structure_hook(tp, optional)
            return self._model_structure_hook(tp, optional)
        origin = typing.get_origin(tp)
        if origin is list:
            # A JSON null item of an array or a map reads as None, as azure-core reads it.
            (item_type,) = typing.get_args(tp) or (Any,)
            return _list_hook(self._structure_hook(item_type, True, fmt), item_type, optional)
        if origin is dict:
            _, value_type = typing.get_args(tp) or (str, Any)
            return _dict_hook(self._structure_hook(value_type, True, fmt), value_type, optional)
        hook: StructureHook = self._converter().get_structure_hook(tp)
        return _or_unset(hook) if optional else hook

    def _unstructure_hook(
        self, tp: Any, keep_readonly: bool, fmt: str | None = None
    ) -> UnstructureHook:
        member = _unset_union_member(tp)
        if member is not None:
            return self._unstructure_hook(member, keep_readonly, fmt)
        if tp in (str, int, bool, float):
            return identity
        if tp is datetime.datetime:
            return _FORMAT_UNSTRUCTURE.get(fmt, format_datetime) if fmt else format_datetime
        if tp is datetime.date:
            return datetime.date.isoformat
        if tp is datetime.timedelta:
            return format_duration
        if tp is bytes:
            return format_bytes
        if _is_enum(tp):
            return _unstructure_enum
        if tp in self._models:
            own = self._model_unstructure_hook(tp, keep_readonly)
            if tp not in self._subtypes:
                return own
            by_class = {
                sub: self._model_unstructure_hook(sub, keep_readonly)
                for sub in self._subtypes[tp][1].values()
            }
            return lambda obj: by_class.get(obj.__class__, own)(obj)
        origin = typing.get_origin(tp)
        if origin is list:
            (item_type,) = typing.get_args(tp) or (Any,)
            return _list_unstructure(self._unstructure_hook(item_type, keep_readonly, fmt))
        if origin is dict:
            _, value_type = typing.get_args(tp) or (str, Any)
            return _dict_unstructure(self._unstructure_hook(value_type, keep_readonly, fmt))
        hook: UnstructureHook = self._converter().get_unstructure_hook(tp)
        return hook

    def _polymorphic_structure_hook(self, model: type, optional: bool) -> StructureHook:
        """Structure as the subtype the discriminator names; an unknown value (a subtype newer
        than this spec) stays the base model, its extra keys in ``additional_properties``."""
        key, table = self._subtypes[model]
        own = self._model_structure_hook(model, optional)
        hooks = {value: self._model_structure_hook(sub, optional) for value, sub in table.items()}
        folded = {value.casefold(): hook for value, hook in hooks.items()}

        def structure(value: Any, tp: Any) -> Any:
            if value.__class__ is dict:
                kind = value.get(key)
                if kind.__class__ is str:
                    hook = hooks.get(kind) or folded.get(kind.casefold())
                    if hook is not None:
                        return hook(value, tp)
                elif kind is None and key not in value:
                    # No discriminator (a composed model sent without one): the base model,
                    # its discriminator None, as azure-core reads it.
                    return own({**value, key: None}, tp)
            return own(value, tp)

        return structure

    # -- the models' own functions, generated by cattrs --

    def _shape(self, model: type) -> _Shape:
        shape = self._shapes.get(model)
        if shape is None:
            attrs.resolve_types(model)
            shape = self._shapes[model] = _Shape(model)
        return shape

    def _model_structure_hook(self, model: type, optional: bool) -> StructureHook:
        pair = self._model_structure.get(model)
        if pair is None:
            if (model, None) in self._generating:
                # The model contains itself: its hook is looked up when called, by then built.
                built, index = self._model_structure, int(optional)
                return lambda value, tp: built[model][index](value, tp)
            pair = self._generate_structure(model)
        return pair[optional]

    def _generate_structure(self, model: type) -> tuple[StructureHook, ...]:
        self._generating.add((model, None))
        try:
            shape = self._shape(model)
            overrides: dict[str, Any] = {}
            for field in attrs.fields(model):
                if field.name == shape.extra_name:
                    overrides[field.name] = override(rename=_EXTRA_KEY, struct_hook=_keep)
                elif field.metadata.get(WIRE_NULLS):
                    overrides[field.name] = override(omit=True)
                else:
                    overrides[field.name] = override(
                        rename=shape.keys[field.name],
                        # A discriminator may be null: the base model of data without one.
                        struct_hook=self._structure_hook(
                            field.type,
                            bool(field.metadata.get("discriminator")),
                            field.metadata.get("format"),
                        ),
                    )
            inner: StructureHook = make_dict_structure_fn(model, self._converter(), **overrides)
            pair = self._model_structure[model] = _wrap_structure(shape, inner)
        finally:
            self._generating.discard((model, None))
        return pair

    def _field_unstructure_hook(
        self, model: type, field: attrs.Attribute[Any], keep_readonly: bool
    ) -> UnstructureHook:
        hook = self._unstructure_hook(field.type, keep_readonly, field.metadata.get("format"))
        if field.default is attrs.NOTHING and not field.metadata.get("nullable"):
            # A required field: None would be sent as null or fail deep in a formatter.
            return _required(hook, model.__name__, field.name)
        return hook

    def _model_unstructure_hook(self, model: type, keep_readonly: bool) -> UnstructureHook:
        built = self._model_unstructure[keep_readonly]
        hook = built.get(model)
        if hook is None:
            if (model, keep_readonly) in self._generating:
                # The model contains itself: its hook is looked up when called, by then built.
                return lambda obj: built[model](obj)
            hook = built[model] = self._generate_unstructure(model, keep_readonly)
        return hook

    def _generate_unstructure(self, model: type, keep_readonly: bool) -> UnstructureHook:
        self._generating.add((model, keep_readonly))
        try:
            shape = self._shape(model)
            parts: list[tuple[tuple[str, ...], UnstructureHook]] = []
            for path, group in shape.groups:
                # One generated function per wire object; read-only fields only for display.
                sent = {
                    field.name: override(
                        rename=field.metadata.get("wire", field.name),
                        unstruct_hook=self._field_unstructure_hook(model, field, keep_readonly),
                        # A subtype's discriminator or a constant is its default, and is sent.
                        omit_if_default=False
                        if field.metadata.get("discriminator") or field.metadata.get("constant")
                        else None,
                    )
                    for field in group
                    if keep_readonly or not field.metadata.get("read_only")
                }
                if not sent:
                    continue
                overrides: dict[str, Any] = {
                    field.name: sent.get(field.name) or override(omit=True)
                    for field in attrs.fields(model)
                }
                function: UnstructureHook = make_dict_unstructure_fn(
                    model,
                    self._converter(),
                    _cattrs_omit_if_default=True,
                    # A subtype's discriminator is not a constructor argument, but is sent.
                    _cattrs_include_init_false=True,
                    **overrides,
                )
                parts.append((path, function))
            sendable = frozenset(
                f.name
                for f in attrs.fields(model)
                if keep_readonly or not f.metadata.get("read_only")
            )
            return _wrap_unstructure(shape, parts, sendable)
        finally:
            self._generating.discard((model, keep_readonly))


def _subtype_tables(models: frozenset[type]) -> dict[type, tuple[str, dict[str, type]]]:
    """For each polymorphic model: its discriminator's wire key and the value of each subtype
    (the default of the subtype's discriminator field)."""
    tables: dict[type, tuple[str, dict[str, type]]] = {}
    for model in sorted(models, key=lambda m: m.__name__):
        field = next((f for f in attrs.fields(model) if f.metadata.get("discriminator")), None)
        if field is None or field.default is attrs.NOTHING:
            continue
        value = field.default.value if isinstance(field.default, enum.Enum) else field.default
        for ancestor in model.__mro__[1:]:
            if ancestor in models:
                key = field.metadata.get("wire", field.name)
                tables.setdefault(ancestor, (key, {}))[1][str(value)] = model
    return tables


def _subtype_for(cls: type, data: Mapping[Any, Any]) -> type:
    """The subclass of ``cls`` whose discriminator value ``data`` carries (else ``cls``)."""
    pending: list[type] = list(cls.__subclasses__())
    while pending:
        sub = pending.pop()
        pending.extend(sub.__subclasses__())
        for field in attrs.fields(sub):
            if field.metadata.get("discriminator") and field.default is not attrs.NOTHING:
                value = (
                    field.default.value if isinstance(field.default, enum.Enum) else field.default
                )
                wire = data.get(field.metadata.get("wire", field.name))
                if isinstance(wire, str) and wire.casefold() == str(value).casefold():
                    return sub
    return cls


def _diagnose(data: Any, cls: Any, path: str, fmt: str | None = None) -> tuple[str, str]:
    """Find where ``data`` stops matching ``cls``; returns (wire path, reason). Values are never
    included in the reason: they may be secrets. ``fmt`` is the field's wire format."""
    inner = _unset_union_member(cls)
    if inner is not None:
        if data is None:
            return ("", "ok") if _is_optional(cls) else (path, "required value is null")
        return _diagnose(data, inner, path, fmt)
    origin = typing.get_origin(cls)
    if attrs.has(cls):
        if not isinstance(data, Mapping):
            return path, f"expected an object, got {type(data).__name__}"
        cls = _subtype_for(cls, data)
        if not all(isinstance(key, str) for key in data):
            return path, "object keys must be strings"
        for field in attrs.fields(cls):
            if field.metadata.get(ADDITIONAL_PROPERTIES) or field.metadata.get(WIRE_NULLS):
                continue
            keys = (*field.metadata.get("flatten", ()), field.metadata.get("wire", field.name))
            node: Any = data
            for depth, key in enumerate(keys):
                if node is not UNSET and node is not None and not isinstance(node, Mapping):
                    where = _join(path, ".".join(keys[:depth]))
                    return where, f"expected an object, got {type(node).__name__}"
                node = node.get(key, UNSET) if isinstance(node, Mapping) else UNSET
            field_path = _join(path, ".".join(keys))
            if node is UNSET:
                if field.default is attrs.NOTHING:
                    return field_path, "required field is missing"
                continue
            if node is None and field.metadata.get("discriminator"):
                continue  # no discriminator: the base model
            found = _diagnose(node, field.type, field_path, field.metadata.get("format"))
            if found[1] != "ok":
                return found
        return "", "ok"
    if origin is list:
        if not isinstance(data, list):
            return path, f"expected an array, got {type(data).__name__}"
        (item,) = typing.get_args(cls) or (Any,)
        for index, entry in enumerate(data):
            if entry is None:
                continue  # a null item reads as None
            found = _diagnose(entry, item, f"{path}[{index}]", fmt)
            if found[1] != "ok":
                return found
        return "", "ok"
    if origin is dict:
        if not isinstance(data, Mapping):
            return path, f"expected an object, got {type(data).__name__}"
        if not all(isinstance(key, str) for key in data):
            return path, "object keys must be strings"
        _, value_type = typing.get_args(cls) or (str, Any)
        for key, entry in data.items():
            if entry is None:
                continue  # a null value reads as None
            found = _diagnose(entry, value_type, _join(path, str(key)), fmt)
            if found[1] != "ok":
                return found
        return "", "ok"
    checks: dict[Any, tuple[tuple[type, ...], str]] = {
        str: ((str,), "a string"),
        int: ((int,), "an integer"),
        float: ((int, float), "a number"),
        bool: ((bool,), "a boolean"),
        datetime.datetime: ((str, datetime.datetime), "a date-time string"),
        datetime.date: ((str, datetime.date), "a date string"),
        datetime.timedelta: ((str, datetime.timedelta), "a duration string"),
        bytes: ((str, bytes), "a base64 string"),
    }
    if cls is datetime.datetime and fmt == "rfc1123":
        checks[cls] = ((str, datetime.datetime), "an RFC 1123 date-time string")
    if cls in checks:
        allowed, label = checks[cls]
        if (type(data) is bool and cls is not bool) or not isinstance(data, allowed):
            return path, f"expected {label}, got {type(data).__name__}"
        parsers: dict[Any, Callable[[str], Any]] = {
            datetime.datetime: parse_datetime_rfc1123 if fmt == "rfc1123" else parse_datetime,
            datetime.date: parse_date,
            datetime.timedelta: parse_duration,
            bytes: parse_bytes,
        }
        if cls in parsers and isinstance(data, str):
            try:
                parsers[cls](data)
            except (ValueError, binascii.Error):
                return path, f"expected {label}"
        return "", "ok"
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        if not issubclass(cls, str):  # an integer or number enum (number_enums.py)
            try:
                number_enum_hook(cls, False)(data, cls)
            except TypeError as exc:
                return path, str(exc)
            return "", "ok"
        if not isinstance(data, str):
            return path, f"expected a string, got {type(data).__name__}"
        return "", "ok"  # unlisted values are kept (see ClosedEnum.from_service)
    return "", "ok"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


# Built once: json.dumps with options would build an encoder for every body. No cycle
# bookkeeping per container: only values a caller put in (unknown keys, plain-dict bodies)
# could loop, and those hit the recursion limit instead, reported like any unencodable value.
_BODY_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False, check_circular=False)


def _one_pass_encoder() -> Callable[[Any, int], Any] | None:
    """The C encoder ``_BODY_ENCODER.encode`` would build for every body, built once: without
    cycle bookkeeping it keeps no state between calls. None where the C accelerator is
    missing or takes other arguments; the encoder's own ``encode`` serves then."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        # (markers, default, encoder, indent, key_separator, item_separator, sort_keys,
        #  skipkeys, allow_nan), as JSONEncoder.iterencode passes them.
        encode: Callable[[Any, int], Any] = make(
            None,
            _BODY_ENCODER.default,
            json.encoder.encode_basestring,
            None,
            ":",
            ",",
            False,
            False,
            True,
        )
    except TypeError:
        return None
    return encode


_ONE_PASS = _one_pass_encoder()


def serialize_body(value: object, model: type, codec: Codec, parameter: str) -> bytes:
    """A request body from a model (read-only fields dropped) or a plain mapping (sent as is)."""
    if value is None:
        raise ValueError(f"{parameter} is required")
    if isinstance(value, model):
        payload: Any = codec.unstructure(value)
    elif isinstance(value, Mapping):
        payload = dict(value)
    else:
        raise TypeError(
            f"{parameter} must be a {model.__name__} or a mapping, not {type(value).__name__}"
        )
    try:
        if _ONE_PASS is not None:
            return "".join(_ONE_PASS(payload, 0)).encode("utf-8")
        return _BODY_ENCODER.encode(payload).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        # The message names the type only: the value may be a secret.
        raise TypeError(f"{parameter} cannot be encoded as JSON: {type(exc).__name__}") from None


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed. The closures above
# iterate fast_containers only where it was checked non-empty, which pyright cannot follow.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportOptionalIterable=false
