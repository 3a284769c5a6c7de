"""Wire (un)structuring of generated attrs models, driven by field metadata, through cattrs.

Generated models describe themselves with ``attrs.field(metadata=...)``:
``wire`` (the JSON key), ``read_only`` (never sent), ``secret`` (never shown) and ``flatten``
(the wire keys of the objects an x-ms-client-flatten field lives in, e.g. ``("properties",)``).
One field per model is marked ``additional_properties``: it keeps the keys the model does not
know, so a newer service's data survives a read-modify-write round trip. Unknown keys found
inside a flattened container stay nested under the container's wire key
(``{"properties": {"brandNew": 1}}``) and are merged back into it on the way out.
A ``Codec`` turns all of that into cattrs hooks once, when the generated module is imported.
"""

from __future__ import annotations

import datetime
import enum
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Mapping
from typing import Any, Final, Literal, TypeVar

import attrs
import cattrs
from cattrs.gen import make_dict_structure_fn, make_dict_unstructure_fn, override

from .exceptions import DeserializationError
from .redact import redact_json_value

T = TypeVar("T")

# Joins the wire keys of a flattened field while (un)structuring; cannot occur in JSON keys we
# receive because we only ever produce it ourselves.
_SEP = "\x00"


class Unset(enum.Enum):
    """The type of ``UNSET``: a field that was not given (and is not sent)."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = Unset.UNSET


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


class ClosedEnum(str, enum.Enum):
    """An enum with a fixed set of values (``modelAsString: false``); lookups ignore case."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if isinstance(value, str):
            folded = value.casefold()
            for member in cls:
                if member.value.casefold() == folded:
                    return member
        return None

    def __str__(self) -> str:
        return str(self.value)

    def __format__(self, format_spec: str) -> str:
        return format(str(self.value), format_spec)


# -- datetimes ------------------------------------------------------------------------------

_ISO = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})[Tt ](?P<time>\d{2}:\d{2}(?::\d{2})?)"
    r"(?:\.(?P<fraction>\d+))?(?P<tz>[Zz]|[+-]\d{2}:?\d{2})?$"
)


def parse_datetime(value: str) -> datetime.datetime:
    """ISO-8601 as ARM writes it: 'Z' or an offset (none means UTC), up to 7+ fraction digits
    (truncated to microseconds, as Python cannot hold more)."""
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


# -- model helpers ----------------------------------------------------------------------------

_REPR_LIMIT = 1024

ADDITIONAL_PROPERTIES = "additional_properties"
"""The metadata flag of the field that keeps a model's unknown wire keys."""

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
        if value is UNSET:
            continue
        if field.metadata.get(ADDITIONAL_PROPERTIES):
            if not value:
                continue
            secrets = [f.metadata.get("wire", f.name) for f in fields if f.metadata.get("secret")]
            value = redact_json_value(value, secrets)
        parts.append(f"{field.name}={value!r}")
    text = f"{type(self).__name__}({', '.join(parts)})"
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
        if field.metadata.get(ADDITIONAL_PROPERTIES):
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


def check_additional_properties(
    instance: object, attribute: attrs.Attribute[Any], value: object
) -> None:
    """attrs validator: unknown keys only, as a dict with str keys; a flattened container's
    unknown keys nested under the container's wire key."""
    model: type[Any] = type(instance)
    if not isinstance(value, dict):
        raise TypeError(
            f"{model.__name__}.{attribute.name} must be a dict, not {type(value).__name__}"
        )
    if value:
        _check_unknown(value, wire_layout(model), f"{model.__name__}.{attribute.name}", "")


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


def _keep(value: Any, _: Any) -> Any:
    return value


def _unset_union_member(tp: Any) -> Any | None:
    """The type a union stands for: ``X | Unset`` -> X, ``SomeEnum | str [| Unset]`` -> SomeEnum
    (extensible enums also accept plain strings); None for anything else."""
    if typing.get_origin(tp) not in (typing.Union, types.UnionType):
        return None
    args = [a for a in typing.get_args(tp) if a is not Unset]
    if len(args) == 2 and str in args:
        other = args[0] if args[1] is str else args[1]
        if isinstance(other, type) and issubclass(other, enum.Enum):
            return other
    if len(args) != 1 or len(args) == len(typing.get_args(tp)):
        return None
    return args[0]


def _origin(tp: Any) -> Any:
    return typing.get_origin(tp)


def _strict(kind: type, name: str) -> Callable[[Any, Any], Any]:
    def structure(value: Any, _: Any) -> Any:
        # bool is an int subclass; a JSON true is not a number.
        if type(value) is bool and kind is not bool:
            raise TypeError(f"expected {name}, got bool")
        if not isinstance(value, kind):
            raise TypeError(f"expected {name}, got {type(value).__name__}")
        return value

    return structure


def _structure_float(value: Any, _: Any) -> float:
    if type(value) is bool or not isinstance(value, (int, float)):
        raise TypeError(f"expected number, got {type(value).__name__}")
    return float(value)


def _structure_datetime(value: Any, _: Any) -> datetime.datetime:
    if isinstance(value, datetime.datetime):
        return value
    if not isinstance(value, str):
        raise TypeError(f"expected date-time string, got {type(value).__name__}")
    return parse_datetime(value)


def _structure_enum(value: Any, enum_type: Any) -> Any:
    if not isinstance(value, str):
        raise TypeError(f"expected string, got {type(value).__name__}")
    return enum_type(value)


def _unstructure_enum(value: Any) -> Any:
    return value.value if isinstance(value, enum.Enum) else value


def _structure_any(value: Any, _: Any) -> Any:
    return value


class Codec:
    """(Un)structures a set of generated models; build once per generated module."""

    def __init__(self, models: Iterable[type]) -> None:
        self._models = tuple(models)
        self._send = self._converter(keep_readonly=False)
        self._display = self._converter(keep_readonly=True)

    def structure(self, data: Any, cls: type[T]) -> T:
        """Wire dict -> model; any mismatch raises DeserializationError naming the wire path."""
        try:
            return self._send.structure(data, cls)
        except Exception as exc:
            path, reason = _diagnose(data, cls, "")
            raise DeserializationError(
                f"cannot read {cls.__name__} from the data: {reason} at '{path or '$'}'",
                path=path,
            ) from exc

    def unstructure(self, obj: object, *, keep_readonly: bool = False) -> dict[str, Any]:
        """Model -> wire dict: camelCase keys, flattened fields nested, UNSET left out, read-only
        fields left out unless ``keep_readonly``."""
        converter = self._display if keep_readonly else self._send
        result: dict[str, Any] = converter.unstructure(obj)
        return result

    def _converter(self, *, keep_readonly: bool) -> cattrs.Converter:
        converter = cattrs.Converter(detailed_validation=False)
        converter.register_structure_hook(str, _strict(str, "string"))
        converter.register_structure_hook(int, _strict(int, "integer"))
        converter.register_structure_hook(bool, _strict(bool, "boolean"))
        converter.register_structure_hook(float, _structure_float)
        converter.register_structure_hook(datetime.datetime, _structure_datetime)
        # The enum bases sit before str in their members' MRO, so these win over the str hook.
        for base in (ExtensibleEnum, ClosedEnum):
            converter.register_structure_hook(base, _structure_enum)
            converter.register_unstructure_hook(base, _unstructure_enum)
        converter.register_unstructure_hook(datetime.datetime, format_datetime)
        converter.register_structure_hook(Any, _structure_any)

        def unset_union_structure(tp: Any) -> Callable[[Any, Any], Any]:
            inner_type = _unset_union_member(tp)
            inner = converter.get_structure_hook(inner_type)

            def hook(value: Any, _: Any) -> Any:
                # ARM sometimes sends null for a property it has no value for.
                return UNSET if value is None else inner(value, inner_type)

            return hook

        def unset_union_unstructure(tp: Any) -> Callable[[Any], Any]:
            return converter.get_unstructure_hook(_unset_union_member(tp))

        converter.register_structure_hook_factory(
            lambda tp: _unset_union_member(tp) is not None, unset_union_structure
        )
        converter.register_unstructure_hook_factory(
            lambda tp: _unset_union_member(tp) is not None, unset_union_unstructure
        )

        def list_structure(tp: Any) -> Callable[[Any, Any], Any]:
            (item_type,) = typing.get_args(tp) or (Any,)
            item = converter.get_structure_hook(item_type)

            def hook(value: Any, _: Any) -> list[Any]:
                if not isinstance(value, list):
                    raise TypeError(f"expected array, got {type(value).__name__}")
                return [item(v, item_type) for v in value]

            return hook

        def dict_structure(tp: Any) -> Callable[[Any, Any], Any]:
            _, value_type = typing.get_args(tp) or (str, Any)
            item = converter.get_structure_hook(value_type)

            def hook(value: Any, _: Any) -> dict[str, Any]:
                if not isinstance(value, Mapping):
                    raise TypeError(f"expected object, got {type(value).__name__}")
                return {
                    _strict(str, "string")(k, str): item(v, value_type) for k, v in value.items()
                }

            return hook

        converter.register_structure_hook_factory(lambda tp: _origin(tp) is list, list_structure)
        converter.register_structure_hook_factory(lambda tp: _origin(tp) is dict, dict_structure)

        for model in self._models:
            self._register_model(converter, model, keep_readonly=keep_readonly)
        return converter

    def _register_model(
        self, converter: cattrs.Converter, model: type, *, keep_readonly: bool
    ) -> None:
        layout = wire_layout(model)
        extra_name = _extra_field_name(model)
        structure_overrides: dict[str, Any] = {}
        unstructure_overrides: dict[str, Any] = {}
        for field in attrs.fields(model):
            if field.name == extra_name:
                structure_overrides[field.name] = override(rename=_EXTRA_KEY, struct_hook=_keep)
                unstructure_overrides[field.name] = override(omit=True)
                continue
            key = _SEP.join(
                (*field.metadata.get("flatten", ()), field.metadata.get("wire", field.name))
            )
            omit = bool(field.metadata.get("read_only")) and not keep_readonly
            structure_overrides[field.name] = override(rename=key)
            unstructure_overrides[field.name] = override(rename=key, omit=omit)
        structure_inner: Callable[[Any, Any], Any] = make_dict_structure_fn(
            model, converter, **structure_overrides
        )
        unstructure_inner: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(
            model, converter, _cattrs_omit_if_default=True, **unstructure_overrides
        )
        name = model.__name__
        top_keys = frozenset(layout)
        containers = _containers(layout)
        flattened = bool(containers)

        def structure(value: Any, _: Any) -> Any:
            if type(value) is not dict and not isinstance(value, Mapping):
                raise TypeError(f"expected object for {name}, got {type(value).__name__}")
            # Set differences run in C: the common case (no unknown key) costs one of them
            # per object, and the Python loops below only run on what is unknown.
            unknown_top = value.keys() - top_keys
            if not containers and not unknown_top:
                return structure_inner(value, model)
            flat = dict(value)
            unknown: dict[str, Any] = {}
            if unknown_top:
                for key in value:
                    if key in unknown_top:
                        unknown[key] = flat.pop(key)
            for joined, path, known in containers:
                nested = flat.pop(joined, None)
                if nested is None:  # ARM may send null for a container it has nothing in
                    continue
                if type(nested) is not dict and not isinstance(nested, Mapping):
                    raise TypeError(f"expected object at {'.'.join(path)}")
                prefix = joined + _SEP
                for key, item in nested.items():
                    flat[prefix + key] = item
                unknown_inner = nested.keys() - known
                if unknown_inner:
                    target = unknown
                    for step in path:
                        target = target.setdefault(step, {})
                    for key in nested:
                        if key in unknown_inner:
                            target[key] = nested[key]
                            del flat[prefix + key]
            if unknown and extra_name is not None:
                flat[_EXTRA_KEY] = unknown
            return structure_inner(flat, model)

        def unstructure(obj: Any) -> dict[str, Any]:
            result = unstructure_inner(obj)
            if flattened:
                result = _nest(result)
            if extra_name is not None:
                unknown = getattr(obj, extra_name)
                if unknown:
                    _merge_unknown(result, unknown, layout, name)
            return result

        converter.register_structure_hook(model, structure)
        converter.register_unstructure_hook(model, unstructure)


def _containers(
    layout: Mapping[str, Any], path: tuple[str, ...] = ()
) -> list[tuple[str, tuple[str, ...], frozenset[str]]]:
    """Each flattened container as (joined key, wire path, the keys it knows), outermost
    first, so that expanding one reveals the joined keys of those inside it."""
    found: list[tuple[str, tuple[str, ...], frozenset[str]]] = []
    for key, entry in layout.items():
        if isinstance(entry, dict):
            inner = (*path, key)
            found.append((_SEP.join(inner), inner, frozenset(entry)))
            found.extend(_containers(entry, inner))
    found.sort(key=lambda container: len(container[1]))
    return found


def _nest(flat: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in flat.items():
        if _SEP not in key:
            result[key] = value
            continue
        *parents, leaf = key.split(_SEP)
        target = result
        for parent in parents:
            target = target.setdefault(parent, {})
        target[leaf] = value
    return result


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


def _diagnose(data: Any, cls: Any, path: str) -> tuple[str, str]:
    """Find where ``data`` stops matching ``cls``; returns (wire path, reason). Values are never
    included in the reason: they may be secrets."""
    inner = _unset_union_member(cls)
    if inner is not None:
        return ("", "ok") if data is None else _diagnose(data, inner, path)
    origin = typing.get_origin(cls)
    if attrs.has(cls):
        if not isinstance(data, Mapping):
            return path, f"expected an object, got {type(data).__name__}"
        if not all(isinstance(key, str) for key in data):
            return path, "object keys must be strings"
        for field in attrs.fields(cls):
            if field.metadata.get(ADDITIONAL_PROPERTIES):
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
            found = _diagnose(node, field.type, field_path)
            if found[1] != "ok":
                return found
        return "", "ok"
    if origin is list:
        if not isinstance(data, list):
            return path, f"expected an array, got {type(data).__name__}"
        (item,) = typing.get_args(cls) or (Any,)
        for index, entry in enumerate(data):
            found = _diagnose(entry, item, f"{path}[{index}]")
            if found[1] != "ok":
                return found
        return "", "ok"
    if origin is dict:
        if not isinstance(data, Mapping):
            return path, f"expected an object, got {type(data).__name__}"
        _, value_type = typing.get_args(cls) or (str, Any)
        for key, entry in data.items():
            found = _diagnose(entry, value_type, _join(path, str(key)))
            if found[1] != "ok":
                return found
        return "", "ok"
    checks: dict[Any, tuple[tuple[type, ...], str]] = {
        str: ((str,), "a string"),
        int: ((int,), "an integer"),
        float: ((int, float), "a number"),
        bool: ((bool,), "a boolean"),
        datetime.datetime: ((str, datetime.datetime), "a date-time string"),
    }
    if cls in checks:
        allowed, label = checks[cls]
        if (type(data) is bool and cls is not bool) or not isinstance(data, allowed):
            return path, f"expected {label}, got {type(data).__name__}"
        if cls is datetime.datetime and isinstance(data, str):
            try:
                parse_datetime(data)
            except ValueError:
                return path, "expected an ISO-8601 date-time"
        return "", "ok"
    if isinstance(cls, type) and issubclass(cls, enum.Enum):
        if not isinstance(data, str):
            return path, f"expected a string, got {type(data).__name__}"
        try:
            cls(data)
        except ValueError:
            return path, f"not one of the values {cls.__name__} allows"
        return "", "ok"
    return "", "ok"


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


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
        return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError) as exc:
        # The message names the type only: the value may be a secret.
        raise TypeError(f"{parameter} cannot be encoded as JSON: {type(exc).__name__}") from None
