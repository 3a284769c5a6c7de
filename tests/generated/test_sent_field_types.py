"""A model about to be sent is checked against its field types as it is written: a value of
the wrong type is refused with ``FieldTypeError`` (a ``TypeError``) naming the field path and
the type that came, never the value; a valid model is written exactly as without the checks.
"""

from __future__ import annotations

import datetime
import enum
import typing
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_model_properties import MODELS, _strip_unset, wire
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.exceptions import FieldTypeError
from vmss_runcommands.runtime.model_codec import Codec
from vmss_runcommands.runtime.serialization import ExtensibleEnum

UNCHECKED = Codec(MODELS, checked=False)


class Marker:
    """A value of no JSON type, its repr recognisable in a message."""

    def __repr__(self) -> str:
        return "MARKER-REPR"


def _wrong(tp: Any) -> list[Any]:
    """Values a field of type ``tp`` must refuse."""
    tp = _strip_unset(tp)
    origin = typing.get_origin(tp)
    if attrs.has(tp):
        return [{"a": 1}, "text", 3, Marker()]
    if origin is list:
        return ["text", {"a": 1}, 3]
    if origin is dict:
        return [["a"], "text", {1: "a"}]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        plain = int if not issubclass(tp, str) else str
        return [True, 2.5 if plain is int else 3, Marker()]
    wrong: dict[Any, list[Any]] = {
        str: [3, 2.5, True, b"x", ["a"], Marker()],
        int: ["10", 2.5, True, None.__class__, Marker()],
        float: ["1.5", True, Marker()],
        bool: [1, 0, "true", Marker()],
        datetime.datetime: ["2024-01-01T00:00:00Z", 3, datetime.date(2024, 1, 1)],
        datetime.date: ["2024-01-01", datetime.datetime(2024, 1, 1)],
        datetime.timedelta: ["PT1H", 3600],
        bytes: ["aGk=", 3],
    }
    return wrong.get(tp, [])


def _settable(model: type) -> list[attrs.Attribute[Any]]:
    skip = {"additional_properties", "wire_nulls"}
    return [
        f
        for f in attrs.fields(model)
        if f.init and f.name not in skip and not f.metadata.get("read_only") and _wrong(f.type)
    ]


def _expected_name(tp: Any) -> str:
    return getattr(_strip_unset(tp), "__name__", "")


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_valid_model_is_written_exactly_as_without_the_checks(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from(MODELS))
    obj = model.from_dict(data.draw(wire(model)))
    assert obj.to_dict() == UNCHECKED.unstructure(obj)
    assert obj.to_dict(keep_readonly=True) == UNCHECKED.unstructure(obj, keep_readonly=True)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_single_wrongly_typed_field_is_refused_with_its_path(data: st.DataObject) -> None:
    model = data.draw(st.sampled_from([m for m in MODELS if _settable(m)]))
    obj = model.from_dict(data.draw(wire(model)))
    field = data.draw(st.sampled_from(_settable(model)))
    bad = data.draw(st.sampled_from(_wrong(field.type)))
    # one level down too: the wrong value inside a nested model
    nested = _strip_unset(field.type)
    path = field.name
    target = obj
    if attrs.has(nested) and _settable(nested) and data.draw(st.booleans()):
        inner = nested.from_dict(data.draw(wire(nested)))
        setattr(obj, field.name, inner)
        field = data.draw(st.sampled_from(_settable(nested)))
        bad = data.draw(st.sampled_from(_wrong(field.type)))
        path = f"{path}.{field.name}"
        target = inner
    object.__setattr__(target, field.name, bad)
    with pytest.raises(FieldTypeError) as caught:
        obj.to_dict()
    error = caught.value
    assert isinstance(error, TypeError)
    assert error.path.startswith(path)
    assert str(error).startswith(f"{model.__name__}.{path}")
    assert "MARKER-REPR" not in str(error)
    assert f"got {type(bad).__name__}" in str(error) or "keys must be strings" in str(error)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"location": 3}, "VirtualMachineRunCommand.location: expected a string, got int"),
        (
            {"location": "w", "timeout_in_seconds": "10"},
            "VirtualMachineRunCommand.timeout_in_seconds: expected an integer, got str",
        ),
        (
            {"location": "w", "timeout_in_seconds": True},
            "VirtualMachineRunCommand.timeout_in_seconds: expected an integer, got bool",
        ),
        (
            {"location": "w", "async_execution": 1},
            "VirtualMachineRunCommand.async_execution: expected a boolean, got int",
        ),
        (
            {"location": "w", "source": VirtualMachineRunCommandScriptSource(script=3)},  # type: ignore[arg-type]
            "VirtualMachineRunCommand.source.script: expected a string, got int",
        ),
        (
            {"location": "w", "parameters": [RunCommandInputParameter(name="a", value="b"), "x"]},
            "VirtualMachineRunCommand.parameters[1]: expected RunCommandInputParameter, got str",
        ),
        (
            {
                "location": "w",
                "parameters": [
                    RunCommandInputParameter(name="a", value="b"),
                    RunCommandInputParameter(name="c", value=4),  # type: ignore[arg-type]
                ],
            },
            "VirtualMachineRunCommand.parameters[1].value: expected a string, got int",
        ),
        (
            {"location": "w", "tags": {"a": 1}},
            "VirtualMachineRunCommand.tags.a: expected a string, got int",
        ),
        (
            {"location": "w", "tags": {1: "a"}},
            "VirtualMachineRunCommand.tags: keys must be strings, got int",
        ),
        (
            {"location": "w", "tags": "abc"},
            "VirtualMachineRunCommand.tags: expected a dict, got str",
        ),
        (
            {"location": "w", "parameters": "abc"},
            "VirtualMachineRunCommand.parameters: expected a list, got str",
        ),
    ],
)
def test_the_message_names_the_field_and_the_types(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(FieldTypeError) as caught:
        VirtualMachineRunCommand(**kwargs).to_dict()
    assert str(caught.value) == message


def test_a_secret_field_of_the_wrong_type_is_named_by_type_only() -> None:
    run = VirtualMachineRunCommand(location="w", run_as_password=987654321)  # type: ignore[arg-type]
    with pytest.raises(
        FieldTypeError, match=r"run_as_password: expected a string, got int$"
    ) as caught:
        run.to_dict()
    assert "987654321" not in str(caught.value)
    protected = VirtualMachineRunCommand(
        location="w",
        protected_parameters=[RunCommandInputParameter(name="K", value=b"hunter2-bytes")],  # type: ignore[arg-type]
    )
    with pytest.raises(FieldTypeError) as caught:
        protected.to_dict()
    assert str(caught.value).endswith("protected_parameters[0].value: expected a string, got bytes")
    assert "hunter2" not in str(caught.value)


def test_what_python_users_expect_is_accepted() -> None:
    class Name(str):
        pass

    run = VirtualMachineRunCommand(
        location=Name("westus"),
        timeout_in_seconds=10,
        parameters=(RunCommandInputParameter(name="a", value="b"),),  # type: ignore[arg-type]
        tags={"k": "v"},
    )
    assert run.to_dict()["location"] == "westus"
    assert run.to_dict()["properties"]["parameters"] == [{"name": "a", "value": "b"}]


def test_enums_extensible_take_any_string_closed_only_their_values() -> None:
    from vmss_runcommands.models import (
        ExecutionState,
        InstanceViewStatus,
        StatusLevelTypes,
        VirtualMachineRunCommandInstanceView,
    )

    assert issubclass(ExecutionState, ExtensibleEnum)
    view = VirtualMachineRunCommandInstanceView(execution_state="Paused")
    assert view.to_dict(keep_readonly=True)["executionState"] == "Paused"
    view = VirtualMachineRunCommandInstanceView(execution_state=ExecutionState.RUNNING)
    assert view.to_dict(keep_readonly=True)["executionState"] == "Running"
    view = VirtualMachineRunCommandInstanceView(execution_state=1)  # type: ignore[arg-type]
    with pytest.raises(
        FieldTypeError, match=r"execution_state: expected ExecutionState or a string, got int$"
    ):
        view.to_dict(keep_readonly=True)

    status = InstanceViewStatus(level="Info")  # type: ignore[arg-type]
    assert status.to_dict(keep_readonly=True)["level"] == "Info"
    status = InstanceViewStatus(level=StatusLevelTypes.WARNING)
    assert status.to_dict(keep_readonly=True)["level"] == "Warning"
    status = InstanceViewStatus(level="Loud")  # type: ignore[arg-type]
    with pytest.raises(
        FieldTypeError, match=r"InstanceViewStatus.level: expected a value StatusLevelTypes lists"
    ):
        status.to_dict(keep_readonly=True)
    status = InstanceViewStatus(level=3)  # type: ignore[arg-type]
    with pytest.raises(
        FieldTypeError, match=r"level: expected StatusLevelTypes or a string, got int$"
    ):
        status.to_dict(keep_readonly=True)
