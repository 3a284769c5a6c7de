"""Property-based tests of every generated model, built from the models' own field metadata:

* any JSON value the service could send either parses or raises ``DeserializationError``;
* ``to_dict(from_dict(x)) == x`` for wire data in canonical form, unknown keys included
  (top level and inside a flattened ``properties``);
* extensible enums keep values they do not know.
"""

from __future__ import annotations

import datetime
import enum
import json
import types
import typing
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from vmss_runcommands import DeserializationError, models
from vmss_runcommands.runtime.model_codec import Codec
from vmss_runcommands.runtime.serialization import (
    ExtensibleEnum,
    format_datetime,
    wire_layout,
)

MODELS = [getattr(models, name) for name in models.__all__ if attrs.has(getattr(models, name))]

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63), 2**63)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=12),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=8,
)


def _strip_unset(tp: Any) -> Any:
    if typing.get_origin(tp) in (typing.Union, types.UnionType):
        args = [arg for arg in typing.get_args(tp) if arg is not type(None)]
        enums = [arg for arg in args if isinstance(arg, type) and issubclass(arg, enum.Enum)]
        if enums:
            return enums[0]
        (only,) = args
        return only
    return tp


def _enum_values(enum_type: type[enum.Enum]) -> st.SearchStrategy[str]:
    known = st.sampled_from([str(member.value) for member in enum_type])
    if not issubclass(enum_type, ExtensibleEnum):
        return known
    folded = {str(member.value).casefold() for member in enum_type}
    unknown = st.text(min_size=1, max_size=12).filter(lambda v: v.casefold() not in folded)
    return known | unknown


def _value(tp: Any, *, canonical: bool) -> st.SearchStrategy[Any]:
    """Wire values of a field type; ``canonical`` ones come back unchanged from a round trip."""
    tp = _strip_unset(tp)
    origin = typing.get_origin(tp)
    if attrs.has(tp):
        return st.deferred(lambda: wire(tp, canonical=canonical))
    if origin is list:
        (item,) = typing.get_args(tp)
        return st.lists(_value(item, canonical=canonical), max_size=3)
    if origin is dict:
        _, item = typing.get_args(tp)
        return st.dictionaries(st.text(max_size=8), _value(item, canonical=canonical), max_size=3)
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return _enum_values(tp)
    simple: dict[Any, st.SearchStrategy[Any]] = {
        str: st.text(max_size=20),
        int: st.integers(-(2**63), 2**63),
        bool: st.booleans(),
        float: st.floats(allow_nan=False, allow_infinity=False),
        datetime.datetime: st.datetimes(
            min_value=datetime.datetime(1900, 1, 1), timezones=st.just(datetime.timezone.utc)
        ).map(format_datetime),
        typing.Any: json_values,
    }
    return simple[tp]


def _unknown_keys(layout: typing.Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.text(min_size=1, max_size=10).filter(lambda key: key not in layout),
        json_values,
        max_size=2,
    )


@st.composite
def wire(draw: st.DrawFn, model: type, *, canonical: bool = True) -> dict[str, Any]:
    """A wire object for ``model``: some known fields (flattened ones nested), unknown keys at
    every level; when not ``canonical``, any field may hold any JSON value instead."""
    layout = wire_layout(model)
    fields = {field.name: field for field in attrs.fields(model)}

    def fill(node_layout: typing.Mapping[str, Any]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, entry in node_layout.items():
            if isinstance(entry, str):
                field = fields[entry]
                required = field.default is attrs.NOTHING
                if not required and not draw(st.booleans()):
                    continue
                value = _value(field.type, canonical=canonical)
                if not canonical:
                    value = value | json_values
                result[key] = draw(value)
            else:
                inner = fill(entry)
                if inner:
                    result[key] = inner
        for key, value in draw(_unknown_keys(node_layout)).items():
            result.setdefault(key, value)
        return result

    return fill(layout)


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_canonical_wire_data_round_trips_with_unknown_keys(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(MODELS))
    original = data.draw(wire(model))
    parsed = model.from_dict(original)
    assert parsed.to_dict(keep_readonly=True) == original
    assert model.from_dict(json.loads(json.dumps(original))) == parsed


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_json_shaped_like_the_model_parses_or_raises_the_typed_error(
    data: st.DataObject,
) -> None:
    model = data.draw(st.sampled_from(MODELS))
    value = data.draw(wire(model, canonical=False) | json_values)
    try:
        parsed = model.from_dict(value)
    except DeserializationError as error:
        assert isinstance(error, ValueError)
        assert isinstance(error.path, str)
        return
    # Whatever parsed must serialize again and parse back to the same model.
    again = model.from_dict(json.loads(json.dumps(parsed.to_dict(keep_readonly=True))))
    assert again == parsed


VIEW_KEYS = wire_layout(models.VirtualMachineRunCommandInstanceView)


@given(
    st.text(min_size=1, max_size=20).filter(
        lambda v: v.casefold() not in {m.value.casefold() for m in models.ExecutionState}
    ),
    st.dictionaries(
        st.text(min_size=1, max_size=6).filter(lambda key: key not in VIEW_KEYS),
        json_values,
        max_size=2,
    ),
)
def test_unknown_enum_values_and_unknown_keys_survive_a_resource_round_trip(
    state: str, unknown: dict[str, Any]
) -> None:
    wire_data = {
        "location": "westus",
        "properties": {"instanceView": {"executionState": state, **unknown}},
    }
    model = models.VirtualMachineRunCommand.from_dict(wire_data)
    view = model.instance_view
    assert view is not None
    assert isinstance(view.execution_state, models.ExecutionState)
    assert view.execution_state == state
    assert view.additional_properties == unknown
    assert model.to_dict(keep_readonly=True) == wire_data


# The reference: every model's reader calls those of the models it holds and tests every
# object's keys with a set operation, without the fast paths of the package's own codec.
REFERENCE = Codec(MODELS, fast_paths=False)


def _read(read: typing.Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "read", read()
    except DeserializationError as error:
        return "refused", (str(error), error.path)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_the_fast_readers_agree_with_the_reference_reader(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(MODELS))
    canonical = data.draw(st.booleans())
    value = data.draw(wire(model, canonical=canonical) | json_values)
    fast = _read(lambda: model.from_dict(value))
    reference = _read(lambda: REFERENCE.structure(value, model))
    assert fast == reference
    if fast[0] == "read":
        # Unknown keys and nulls kept alike, and written back alike by both writers.
        for keep_readonly in (True, False):
            written = fast[1].to_dict(keep_readonly=keep_readonly)
            assert written == REFERENCE.unstructure(reference[1], keep_readonly=keep_readonly)
            assert written == REFERENCE.unstructure(fast[1], keep_readonly=keep_readonly)


def test_the_fast_writer_sends_none_items_and_refuses_missing_required_fields_alike() -> None:
    command = models.VirtualMachineRunCommand(
        location="westus",
        parameters=[models.RunCommandInputParameter(name="a", value="b"), None],  # type: ignore[list-item]
    )
    assert command.to_dict() == REFERENCE.unstructure(command)
    assert command.to_dict()["properties"]["parameters"] == [{"name": "a", "value": "b"}, None]
    bad = models.RunCommandInputParameter(name="a", value="b")
    bad.value = None  # type: ignore[assignment]
    command.protected_parameters = [bad]
    errors = []
    for write in (command.to_dict, lambda: REFERENCE.unstructure(command)):
        with pytest.raises(Exception) as info:
            write()
        errors.append((type(info.value), str(info.value)))
    assert errors[0] == errors[1]
    assert "value" in errors[0][1]


@given(
    st.lists(
        st.fixed_dictionaries(
            {},
            optional={
                "code": st.text(max_size=5) | st.none(),
                "displayStatus": st.text(max_size=5) | st.none(),
                "level": st.sampled_from(["Info", "Warning", "Error", "Verbose"]) | st.none(),
                "message": st.text(max_size=5) | st.none(),
                "time": st.just("2024-08-26T09:03:52.5630183+00:00") | st.none(),
            },
        ).flatmap(
            lambda known: st.dictionaries(
                st.sampled_from(["extra", "Code", "time2", ""]), json_values, max_size=2
            ).map(lambda more: {**more, **known})
        ),
        max_size=4,
    )
)
def test_a_status_keeps_exactly_its_unknown_keys_however_many_known_ones_came(
    statuses: list[dict[str, Any]],
) -> None:
    """The unknown keys of a flat model are found by counting what was read (all known keys
    present and not null, and no more keys than that), or else by testing the keys."""
    wire_data = {"location": "westus", "properties": {"instanceView": {"statuses": statuses}}}
    model = models.VirtualMachineRunCommand.from_dict(wire_data)
    assert model.instance_view is not None and model.instance_view.statuses is not None
    known = set(wire_layout(models.InstanceViewStatus))
    for read, sent in zip(model.instance_view.statuses, statuses, strict=True):
        assert read.additional_properties == {k: v for k, v in sent.items() if k not in known}
    assert REFERENCE.structure(wire_data, models.VirtualMachineRunCommand) == model
