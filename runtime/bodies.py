"""Request and response bodies that are not a single model: arrays, primitives, bytes.

Request bodies are written as azure-core writes them (dates as ISO 8601, ``bytes`` as base64,
enums as their value); response readers are typed callables for ``ArmClient.deserialize``
that raise ``TypeError``/``ValueError`` on a value of the wrong shape (reported as a
``DecodeError`` by the client).
"""

from __future__ import annotations

import base64
import datetime
import enum
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar, cast
from urllib.parse import urlencode

from urllib3 import encode_multipart_formdata

from .params import wire_value
from .serialization import Codec, parse_datetime

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


def _expect(value: Any, kind: type | tuple[type, ...], name: str) -> Any:
    if isinstance(value, bool) and kind is not bool:
        raise TypeError(f"expected {name}, got a boolean")
    if not isinstance(value, kind):
        raise TypeError(f"expected {name}, got {type(value).__name__}")
    return value


def read_str(value: Any) -> str:
    text: str = _expect(value, str, "a string")
    return text


def read_int(value: Any) -> int:
    number: int = _expect(value, int, "an integer")
    return number


def read_float(value: Any) -> float:
    return float(_expect(value, (int, float), "a number"))


def read_bool(value: Any) -> bool:
    flag: bool = _expect(value, bool, "a boolean")
    return flag


def read_any(value: Any) -> Any:
    return value


def read_datetime(value: Any) -> datetime.datetime:
    return parse_datetime(read_str(value))


def read_date(value: Any) -> datetime.date:
    return datetime.date.fromisoformat(read_str(value))


_DURATION = re.compile(
    r"(?P<sign>-)?P(?:(?P<weeks>\d+(?:\.\d+)?)W)?(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?"
)


def read_duration(value: Any) -> datetime.timedelta:
    """An ISO 8601 duration without years or months (their length is not fixed)."""
    text = read_str(value).strip()
    match = _DURATION.fullmatch(text)
    if match is None or text.endswith(("P", "T")):
        raise ValueError("not an ISO 8601 duration of weeks, days, hours, minutes, seconds")
    parts = {k: float(v) for k, v in match.groupdict().items() if v and k != "sign"}
    delta = datetime.timedelta(**parts)
    return -delta if match["sign"] else delta


def read_bytes(value: Any) -> bytes:
    return base64.b64decode(read_str(value), validate=True)


def list_of(item: Callable[[Any], T]) -> Callable[[Any], list[T]]:
    """A reader of a JSON array whose elements ``item`` reads."""

    def read(value: Any) -> list[T]:
        return [item(v) for v in _expect(value, list, "an array")]

    return read


def dict_of(item: Callable[[Any], T]) -> Callable[[Any], dict[str, T]]:
    """A reader of a JSON object whose values ``item`` reads."""

    def read(value: Any) -> dict[str, T]:
        return {str(k): item(v) for k, v in _expect(value, dict, "an object").items()}

    return read
