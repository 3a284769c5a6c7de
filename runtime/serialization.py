"""The names generated code and callers import for (de)serialization, from where they live.

One concern per module:

* :mod:`.wire_types` -- single wire values: date-times (RFC 3339 and RFC 1123), durations,
  dates, base64 bytes, the enum bases and ``UNSET``;
* :mod:`.wire_rules` -- what each wire type accepts and how it is written: the one place the
  type rules are stated, and the located error a refused value raises;
* :mod:`.model_layout` -- where a model's fields sit on the wire (flattening, unknown keys,
  wire nulls) and the model helpers built on it: ``wire_model``, ``model_repr``,
  ``send_null`` (:mod:`.model_init`: the models' constructor);
* :mod:`.model_codec` -- ``Codec``: the reader and writer of every field type, and each model's
  reading and writing function, which :mod:`.model_source` writes once from the field table
  and the rules;
* :mod:`.body_encoding` -- ``serialize_body``: a request body as JSON bytes.
"""

from __future__ import annotations

from .body_encoding import serialize_body
from .model_codec import Codec, WireModel
from .model_layout import (
    ADDITIONAL_PROPERTIES,
    WIRE_NULLS,
    check_unknown_keys,
    model_repr,
    send_null,
    wire_layout,
    wire_model,
)
from .wire_types import (
    UNSET,
    ClosedEnum,
    ExtensibleEnum,
    Unset,
    format_bytes,
    format_datetime,
    format_datetime_rfc1123,
    format_duration,
    parse_bytes,
    parse_date,
    parse_datetime,
    parse_datetime_rfc1123,
    parse_duration,
)

__all__ = [
    "ADDITIONAL_PROPERTIES",
    "UNSET",
    "WIRE_NULLS",
    "ClosedEnum",
    "Codec",
    "ExtensibleEnum",
    "Unset",
    "WireModel",
    "check_unknown_keys",
    "format_bytes",
    "format_datetime",
    "format_datetime_rfc1123",
    "format_duration",
    "model_repr",
    "parse_bytes",
    "parse_date",
    "parse_datetime",
    "parse_datetime_rfc1123",
    "parse_duration",
    "send_null",
    "serialize_body",
    "wire_layout",
    "wire_model",
]
