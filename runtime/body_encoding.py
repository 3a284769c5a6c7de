"""Request bodies: a model (or a plain mapping) as the JSON bytes sent."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable, Mapping
from typing import Any

from .exceptions import FieldTypeError
from .model_codec import Codec
from .redact import SecretBytes

__all__ = ["serialize_body"]


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
        try:
            payload: Any = codec.unstructure(value)
        except FieldTypeError as error:  # named from the caller's side: the parameter
            raise FieldTypeError(
                error.model, error.path, error.reason, parameter=parameter
            ) from None
    elif isinstance(value, Mapping):
        payload = dict(value)
    else:
        raise TypeError(
            f"{parameter} must be a {model.__name__} or a mapping, not {type(value).__name__}"
        )
    # The body is SecretBytes, shown as its length only: it lives on in the locals of every
    # frame that passes it on, which a traceback rendered with its locals repeats.
    try:
        if _ONE_PASS is not None:
            return SecretBytes("".join(_ONE_PASS(payload, 0)).encode("utf-8"))
        return SecretBytes(_BODY_ENCODER.encode(payload).encode("utf-8"))
    except (TypeError, ValueError, RecursionError) as exc:
        failed = type(exc).__name__
    # Raised with the payload (the secrets in wire form) out of this frame's locals, and the
    # message naming the type only: the value may be a secret.
    del payload
    raise TypeError(f"{parameter} cannot be encoded as JSON: {failed}")


# pyright --strict (nox -s lint): JSON values narrowed from Any (dict[Unknown, Unknown]) are
# read on purpose in this module; the public surface stays fully typed.
# pyright: reportUnknownMemberType=false, reportUnknownVariableType=false
# pyright: reportUnknownArgumentType=false, reportUnknownParameterType=false
