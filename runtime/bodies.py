"""Request and response bodies that are not a single model: arrays, primitives, bytes.

Request bodies are written as azure-core writes them (dates as ISO 8601, ``bytes`` as base64,
enums as their value); response readers are typed callables for ``ArmClient.deserialize``
that read a result by the wire rule of its type and raise ``DeserializationError`` on a value
of the wrong shape (reported as a ``DecodeError`` by the client).
"""

from __future__ import annotations

import datetime
import enum
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from urllib3 import encode_multipart_formdata

from .exceptions import DeserializationError
from .lenient import lenient_rule, reading_leniently
from .model_codec import Codec
from .params import wire_value
from .wire_rules import WireError, expected, scalar_rule

__all__ = [
    "Form",
    "binary_body",
    "dict_of",
    "form_body",
    "json_body",
    "list_of",
    "media_body",
    "media_type",
    "model_dict_body",
    "model_list_body",
    "multipart_body",
    "read_any",
    "read_bool",
    "read_bytes",
    "read_date",
    "read_datetime",
    "read_duration",
    "read_float",
    "read_int",
    "read_str",
    "text_body",
]

T = TypeVar("T")

_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (datetime.date, datetime.timedelta, bytes, bytearray)):
        return wire_value(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in cast("Mapping[object, object]", value).items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in cast("Sequence[object]", value)]
    return value


def json_body(value: object, parameter: str) -> bytes:
    """A primitive, array or map body as JSON; ``None`` is refused, naming the parameter."""
    if value is None:
        raise ValueError(f"{parameter} is required")
    try:
        return _ENCODER.encode(_plain(value)).encode("utf-8")
    except (TypeError, ValueError, RecursionError) as exc:
        # The message names the type only: the value may be a secret.
        raise TypeError(f"{parameter} cannot be encoded as JSON: {type(exc).__name__}") from None


def model_list_body(
    values: Iterable[object] | None, model: type, codec: Codec, parameter: str
) -> bytes:
    """An array of models (or plain mappings) as JSON, read-only fields dropped."""
    if values is None:
        raise ValueError(f"{parameter} is required")
    kind = type(cast(object, values)).__name__
    if isinstance(values, (str, bytes, Mapping)):
        raise TypeError(f"{parameter} must be a list, not {kind}")
    payload: list[Any] = []
    for index, value in enumerate(values):
        if isinstance(value, model):
            payload.append(codec.unstructure(value))
        elif isinstance(value, Mapping):
            payload.append(dict(cast("Mapping[str, object]", value)))
        else:
            raise TypeError(
                f"{parameter}[{index}] must be a {model.__name__} or a mapping, "
                f"not {type(value).__name__}"
            )
    return json_body(payload, parameter)


def model_dict_body(
    values: Mapping[str, object] | None, model: type, codec: Codec, parameter: str
) -> bytes:
    """A map of models (or plain mappings) as JSON, read-only fields dropped."""
    if values is None:
        raise ValueError(f"{parameter} is required")
    if not isinstance(values, Mapping):
        raise TypeError(f"{parameter} must be a mapping, not {type(values).__name__}")
    payload: dict[str, Any] = {}
    for key, value in values.items():
        if isinstance(value, model):
            payload[key] = codec.unstructure(value)
        elif isinstance(value, Mapping):
            payload[key] = dict(cast("Mapping[str, object]", value))
        else:
            raise TypeError(
                f"{parameter}[{key!r}] must be a {model.__name__} or a mapping, "
                f"not {type(value).__name__}"
            )
    return json_body(payload, parameter)


def text_body(value: object, parameter: str) -> bytes:
    """A text body (consumes text/plain): the str as UTF-8, not as a JSON string."""
    if value is None:
        raise ValueError(f"{parameter} is required")
    if not isinstance(value, str):
        raise TypeError(f"{parameter} must be a str, not {type(value).__name__}")
    return value.encode("utf-8")


def media_type(value: object, chosen: str | None, default: str, binary: str) -> str:
    """The media type of a body the caller may send as one of several: the one chosen, else
    ``binary`` for bytes and ``default`` for anything else."""
    if chosen:
        return chosen
    return binary if isinstance(value, (bytes, bytearray, memoryview)) else default


def media_body(
    value: object,
    content_type: str,
    parameter: str,
    as_json: Callable[[Any], bytes] | None,
) -> bytes:
    """A body whose media type the caller chose among those the operation consumes: bytes as
    they are, a str as UTF-8 text unless the type is JSON, anything else as JSON (``as_json``;
    None when the body has no JSON form)."""
    if value is None:
        raise ValueError(f"{parameter} is required")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(cast("bytes | bytearray | memoryview[int]", value))
    essence = content_type.split(";", 1)[0].strip().lower()
    is_json = essence in ("application/json", "text/json") or essence.endswith("+json")
    if isinstance(value, str) and (as_json is None or not is_json):
        return value.encode("utf-8")
    if as_json is not None and is_json:
        return as_json(value)
    raise TypeError(
        f"{parameter} must be bytes to send as {content_type}, not {type(value).__name__}"
    )


def binary_body(value: object, parameter: str) -> bytes:
    """A ``format: binary`` body: the bytes as they are."""
    if value is None:
        raise ValueError(f"{parameter} is required")
    if not isinstance(value, (bytes, bytearray, memoryview)):
        raise TypeError(f"{parameter} must be bytes, not {type(value).__name__}")
    return bytes(cast("bytes | bytearray | memoryview[int]", value))


@dataclass(frozen=True)
class Form:
    """A formData request body and the Content-Type that says how it is encoded."""

    body: bytes
    content_type: str


def _form_fields(fields: Mapping[str, object]) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for name, value in fields.items():
        if value is None:
            continue
        values = cast("Sequence[object]", value) if isinstance(value, (list, tuple)) else [value]
        pairs.extend((name, v) for v in values)
    return pairs


def form_body(fields: Mapping[str, object]) -> Form:
    """``application/x-www-form-urlencoded``: each value as its parameter text; ``None``
    fields are left out and a list repeats its field."""
    pairs = [(name, wire_value(value)) for name, value in _form_fields(fields)]
    return Form(urlencode(pairs).encode("ascii"), "application/x-www-form-urlencoded")


def multipart_body(fields: Mapping[str, object]) -> Form:
    """``multipart/form-data`` through urllib3's encoder: ``bytes`` values are sent as files
    (named after their field), others as their parameter text."""
    parts: list[tuple[str, Any]] = []
    for name, value in _form_fields(fields):
        if isinstance(value, (bytes, bytearray, memoryview)):
            data = bytes(cast("bytes | bytearray | memoryview[int]", value))
            parts.append((name, (name, data, "application/octet-stream")))
        else:
            parts.append((name, wire_value(value)))
    body, content_type = encode_multipart_formdata(parts)
    return Form(body, content_type)


# -- response readers ---------------------------------------------------------------------
#
# Each reads a result as the wire rule of its type reads a model's field (wire_rules.py: the
# one place the rules are stated); a refused value is a DeserializationError naming where in
# the body it was, which the client reports as a DecodeError.


def _by_rule(tp: Any) -> Callable[[Any], Any]:
    rule = scalar_rule(tp)
    if rule is None:  # pragma: no cover - every reader below names a type with a rule
        raise TypeError(f"no wire rule for {tp!r}")
    read = rule.read

    def reader(value: Any) -> Any:
        try:
            return read(value)
        except WireError as error:
            if reading_leniently():  # a response read again (lenient.py)
                lenient = lenient_rule(tp)
                if lenient is not None:
                    try:
                        return lenient.read(value)
                    except WireError:
                        pass
            raise _refused(error) from None

    return reader


def _refused(error: WireError) -> DeserializationError:
    where = error.where
    refused = DeserializationError(
        f"{error.reason} at '{where}'" if where else error.reason, path=where
    )
    refused.wire = error  # type: ignore[attr-defined]  # for the array or map around it
    return refused


read_str: Callable[[Any], str] = _by_rule(str)
read_int: Callable[[Any], int] = _by_rule(int)
read_float: Callable[[Any], float] = _by_rule(float)
read_bool: Callable[[Any], bool] = _by_rule(bool)
read_any: Callable[[Any], Any] = _by_rule(Any)
read_datetime: Callable[[Any], datetime.datetime] = _by_rule(datetime.datetime)
read_date: Callable[[Any], datetime.date] = _by_rule(datetime.date)
read_duration: Callable[[Any], datetime.timedelta] = _by_rule(datetime.timedelta)
read_bytes: Callable[[Any], bytes] = _by_rule(bytes)


def _item_refused(error: DeserializationError, step: str | int) -> DeserializationError:
    """The error of an item, seen from the array or map that holds it."""
    wire = getattr(error, "wire", None)
    if not isinstance(wire, WireError):
        wire = WireError(str(error))
    return _refused(wire.under(step))


def list_of(item: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    """A reader of a JSON array whose elements ``item`` reads."""

    def read(value: Any) -> list[T]:
        if not isinstance(value, list):
            raise _refused(expected("an array", value))
        items: list[Any] = value
        result: list[T] = []
        for index, entry in enumerate(items):
            try:
                result.append(item(entry))
            except DeserializationError as error:
                raise _item_refused(error, index) from None
        return result

    return read


def dict_of(item: Callable[[Any], T]) -> Callable[[Any], dict[str, T]]:
    """A reader of a JSON object whose values ``item`` reads."""

    def read(value: Any) -> dict[str, T]:
        if not isinstance(value, dict):
            raise _refused(expected("an object", value))
        members: dict[Any, Any] = value
        result: dict[str, T] = {}
        for key, entry in members.items():
            try:
                result[str(key)] = item(entry)
            except DeserializationError as error:
                raise _item_refused(error, str(key)) from None
        return result

    return read


# pyright --strict (nox -s lint): JSON arrays and objects narrowed from Any are read on
# purpose here; the readers themselves are fully typed.
# pyright: reportUnknownVariableType=false, reportUnknownArgumentType=false
# pyright: reportUnknownMemberType=false
