"""Where a generated model's fields sit on the wire, and the model helpers built on that.

Generated models describe themselves with ``attrs.field(metadata=...)``: ``wire`` (the JSON
key), ``read_only`` (never sent), ``secret`` (never shown), ``flatten`` (the wire keys of the
objects an x-ms-client-flatten field lives in, e.g. ``("properties",)``), ``nullable``
(x-nullable), ``discriminator``, ``constant`` and ``format``. One field per model is marked
``additional_properties``: it keeps the keys the model does not know, so a newer service's data
survives a read-modify-write round trip. Unknown keys found inside a flattened container stay
nested under the container's wire key (``{"properties": {"brandNew": 1}}``) and are merged back
into it on the way out. One field is marked ``wire_nulls``: the fields sent as JSON null.

:func:`model_fields` turns that metadata into a table, :class:`WireField` per field, which the
codec (:mod:`.model_codec`) builds its reading and writing code from.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import attrs

from .model_init import install_init
from .redact import mask_sas_signatures, mask_token_shapes, redact_json_value
from .wire_types import UNSET

__all__ = [
    "ADDITIONAL_PROPERTIES",
    "WIRE_NULLS",
    "WireField",
    "check_unknown_keys",
    "discriminator_value",
    "extra_field_name",
    "merge_unknown",
    "model_fields",
    "model_repr",
    "raw_setter",
    "send_null",
    "wire_layout",
    "wire_model",
]

T = TypeVar("T")

_REPR_LIMIT = 1024

RAW_EXTRA = "_wire_extra_slot"
"""The class attribute that holds the unknown-keys field's own slot, behind its property."""

ADDITIONAL_PROPERTIES = "additional_properties"
"""The metadata flag of the field that keeps a model's unknown wire keys."""

WIRE_NULLS = "wire_nulls"
"""The metadata flag of the field naming the fields sent as JSON null."""


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
    # A SAS URL (scriptUri, outputBlobUri, ...) carries its credential in ``sig=``; a bearer
    # token or JWT a service wrote into a field (a tag, a script's output) is masked too.
    text = mask_token_shapes(mask_sas_signatures(f"{type(self).__name__}({', '.join(parts)})"))
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
    * ``__init__`` is attrs' written again without that property's check of the default
      empty dict (:mod:`.model_init`).
    """
    name = extra_field_name(cls)
    if name is not None and not (name not in cls.__dict__ and _inherited_property(cls, name)):
        slot = cls.__dict__.get(name)
        if slot is None or not hasattr(slot, "__set__"):
            raise TypeError(f"{cls.__name__} must be an attrs class with slots=True")
        setattr(cls, name, property(slot.__get__, _checked_setter(slot, name), slot.__delete__))
        # The slot itself under a second name: the codec stores checked values through it
        # as a plain attribute assignment, not a call.
        setattr(cls, RAW_EXTRA, slot)
    if "__ne__" in cls.__dict__:
        delattr(cls, "__ne__")
    if name is not None:
        install_init(cls, name, raw_setter(cls, name))
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


def extra_field_name(model: type) -> str | None:
    for field in attrs.fields(model):
        if field.metadata.get(ADDITIONAL_PROPERTIES):
            return str(field.name)
    return None


def _wire_path(field: attrs.Attribute[Any]) -> tuple[str, ...]:
    return (*field.metadata.get("flatten", ()), field.metadata.get("wire", field.name))


@dataclass(frozen=True)
class WireField:
    """One field of a model as the wire sees it (the unknown-keys and wire-nulls fields are
    not among them)."""

    name: str
    path: tuple[str, ...]  # wire keys from the model's object: its containers, then its own
    type: Any  # the resolved annotation
    format: str | None  # how a date-time is written: "rfc1123", or None (RFC 3339)
    required: bool  # no default: the wire must carry it, and None is not sent
    default: Any  # attrs' default: attrs.NOTHING, a value or an attrs.Factory
    init: bool  # a constructor argument (False: a subtype's discriminator)
    read_only: bool
    nullable: bool  # x-nullable: a null received is sent back
    discriminator: bool
    constant: bool

    @property
    def always_sent(self) -> bool:
        """A subtype's discriminator or a constant is sent even when it is its default."""
        return self.discriminator or self.constant

    @property
    def default_value(self) -> Any:
        """The value the field holds when the wire did not carry it."""
        default = self.default
        if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
            return default.factory()
        return None if default is attrs.NOTHING else default


_FIELDS: dict[type, tuple[WireField, ...]] = {}


def model_fields(model: type) -> tuple[WireField, ...]:
    """The wire fields of ``model``, in declaration order; computed once per model."""
    found = _FIELDS.get(model)
    if found is None:
        attrs.resolve_types(model)
        found = _FIELDS[model] = tuple(
            WireField(
                name=field.name,
                path=_wire_path(field),
                type=field.type,
                format=field.metadata.get("format") or None,
                required=field.default is attrs.NOTHING,
                default=field.default,
                init=field.init,
                read_only=bool(field.metadata.get("read_only")),
                nullable=bool(field.metadata.get("nullable")),
                discriminator=bool(field.metadata.get("discriminator")),
                constant=bool(field.metadata.get("constant")),
            )
            for field in attrs.fields(model)
            if not field.metadata.get(ADDITIONAL_PROPERTIES) and not field.metadata.get(WIRE_NULLS)
        )
    return found


def raw_setter(model: type, name: str) -> Callable[[Any, Any], None]:
    """Stores ``name`` on an instance of ``model`` without the checks of its property: for
    the codec, which hands over values it has checked already."""
    for klass in model.__mro__:
        held = klass.__dict__.get(name)
        if isinstance(held, property) and hasattr(held.fget, "__self__"):
            slot = held.fget.__self__  # type: ignore[union-attr]
            setter: Callable[[Any, Any], None] = slot.__set__
            return setter
        if held is not None and hasattr(held, "__set__"):
            plain: Callable[[Any, Any], None] = held.__set__
            return plain
    raise TypeError(f"{model.__name__} has no slot {name!r}")


def discriminator_value(model: type) -> tuple[str, str] | None:
    """A subtype's discriminator: its wire key and the value it holds (its default); None for
    a model without one. Reads no annotation, so it costs nothing at import."""
    for field in attrs.fields(model):
        if field.metadata.get("discriminator") and field.default is not attrs.NOTHING:
            default = field.default
            value = default.value if isinstance(default, enum.Enum) else default
            return str(field.metadata.get("wire", field.name)), str(value)
    return None


def merge_unknown(
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
            merge_unknown(merged, item, entry, owner)
            target[key] = merged
        else:
            raise ValueError(
                f"{owner}.additional_properties[{key!r}] must be a dict of the container's "
                "unknown keys"
            )


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false
