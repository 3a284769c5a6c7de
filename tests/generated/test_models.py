"""Behaviour of the generated models and the metadata-driven codec."""

from __future__ import annotations

import datetime
import json

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st
from vmss_runcommands import DeserializationError
from vmss_runcommands.models import (
    ExecutionState,
    RunCommandInputParameter,
    RunCommandManagedIdentity,
    StatusLevelTypes,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandInstanceView,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from vmss_runcommands.runtime.serialization import format_datetime, parse_datetime

text = st.text(max_size=30)
identity = st.builds(
    RunCommandManagedIdentity,
    client_id=st.one_of(st.none(), text),
    object_id=st.one_of(st.none(), text),
)
parameters = st.lists(st.builds(RunCommandInputParameter, name=text, value=text), max_size=3)
source = st.builds(
    VirtualMachineRunCommandScriptSource,
    script=st.one_of(st.none(), text),
    script_uri=st.one_of(st.none(), text),
    command_id=st.one_of(st.none(), text),
    script_uri_managed_identity=st.one_of(st.none(), identity),
)
run_commands = st.builds(
    VirtualMachineRunCommand,
    location=text,
    tags=st.one_of(st.none(), st.dictionaries(text, text, max_size=3)),
    source=st.one_of(st.none(), source),
    parameters=st.one_of(st.none(), parameters),
    protected_parameters=st.one_of(st.none(), parameters),
    async_execution=st.one_of(st.none(), st.booleans()),
    run_as_user=st.one_of(st.none(), text),
    run_as_password=st.one_of(st.none(), text),
    timeout_in_seconds=st.one_of(st.none(), st.integers(-(2**31), 2**31 - 1)),
    output_blob_managed_identity=st.one_of(st.none(), identity),
    treat_failure_as_deployment_failure=st.one_of(st.none(), st.booleans()),
)


@given(run_commands)
def test_writable_models_round_trip_through_json(model: VirtualMachineRunCommand) -> None:
    wire = json.loads(json.dumps(model.to_dict()))
    assert VirtualMachineRunCommand.from_dict(wire) == model


@given(run_commands)
def test_unset_fields_are_not_sent_and_flattened_fields_are_nested(
    model: VirtualMachineRunCommand,
) -> None:
    wire = model.to_dict()
    top_level = {"location", "tags"}
    assert set(wire) <= top_level | {"properties"}
    assert ("tags" in wire) == (model.tags is not None)
    if model.source is None and model.run_as_password is None and "properties" in wire:
        assert "source" not in wire["properties"] and "runAsPassword" not in wire["properties"]


@given(st.text(min_size=1, max_size=40))
def test_secret_values_never_appear_in_repr(secret: str) -> None:
    model = VirtualMachineRunCommand(
        location="westus",
        run_as_password=f"pw-{secret}-pw",
        protected_parameters=[RunCommandInputParameter(name="key", value=f"pp-{secret}-pp")],
    )
    text_form = repr(model) + str(model)
    assert f"pw-{secret}-pw" not in text_form
    assert f"pp-{secret}-pp" not in text_form


def test_secret_fields_are_marked_in_metadata_and_hidden_from_attrs_repr() -> None:
    fields = {f.name: f for f in attrs.fields(VirtualMachineRunCommand)}
    for name in ("run_as_password", "protected_parameters"):
        assert fields[name].metadata["secret"] is True
        assert fields[name].repr is False
    assert fields["run_as_user"].metadata.get("secret", False) is False
    assert fields["run_as_password"].metadata["wire"] == "runAsPassword"
    assert fields["run_as_password"].metadata["flatten"] == ("properties",)


def test_read_only_fields_are_never_sent_but_kept_for_display() -> None:
    model = VirtualMachineRunCommand.from_dict(
        {
            "id": "/subscriptions/s/x",
            "name": "n",
            "type": "t",
            "location": "westus",
            "properties": {
                "provisioningState": "Succeeded",
                "instanceView": {"exitCode": 0},
                "runAsUser": "ops",
            },
        }
    )
    assert model.to_dict() == {"location": "westus", "properties": {"runAsUser": "ops"}}
    shown = model.to_dict(keep_readonly=True)
    assert shown["id"] == "/subscriptions/s/x"
    assert shown["properties"]["provisioningState"] == "Succeeded"
    assert shown["properties"]["instanceView"] == {"exitCode": 0}


def test_read_only_fields_in_an_update_body_are_dropped() -> None:
    update = VirtualMachineRunCommandUpdate(provisioning_state="Succeeded", timeout_in_seconds=10)
    assert update.to_dict() == {"properties": {"timeoutInSeconds": 10}}
    assert VirtualMachineRunCommandUpdate().to_dict() == {}


@given(
    st.text(min_size=1, max_size=20).filter(
        lambda v: v.casefold() not in {m.value.casefold() for m in ExecutionState}
    )
)
def test_extensible_enum_accepts_and_round_trips_unknown_values(value: str) -> None:
    view = VirtualMachineRunCommandInstanceView.from_dict({"executionState": value})
    assert isinstance(view.execution_state, ExecutionState)
    assert view.execution_state == value
    assert view.to_dict(keep_readonly=True) == {"executionState": value}
    assert ExecutionState(value) is ExecutionState(value)


def test_extensible_enum_known_values_ignore_case() -> None:
    view = VirtualMachineRunCommandInstanceView.from_dict({"executionState": "succeeded"})
    assert view.execution_state is ExecutionState.SUCCEEDED
    assert str(ExecutionState.TIMED_OUT) == "TimedOut"
    assert f"{ExecutionState.RUNNING}" == "Running"


def test_closed_enum_reads_an_unlisted_service_value_but_refuses_it_from_code() -> None:
    body = {"location": "x", "properties": {"instanceView": {"statuses": [{"level": "Fatal"}]}}}
    model = VirtualMachineRunCommand.from_dict(body)
    assert model.instance_view
    assert model.instance_view.statuses
    level = model.instance_view.statuses[0].level
    assert isinstance(level, StatusLevelTypes) and level == "Fatal"
    assert model.to_dict(keep_readonly=True) == body
    with pytest.raises(ValueError):
        StatusLevelTypes("Fatal")
    assert StatusLevelTypes("warning") is StatusLevelTypes.WARNING
    with pytest.raises(DeserializationError) as info:
        VirtualMachineRunCommand.from_dict(
            {"location": "x", "properties": {"instanceView": {"statuses": [{"level": 3}]}}}
        )
    assert info.value.path == "properties.instanceView.statuses[0].level"


@pytest.mark.parametrize(
    ("data", "path"),
    [
        ({"properties": {}}, "location"),
        ({"location": 1}, "location"),
        ({"location": "x", "properties": []}, "properties"),
        (
            {"location": "x", "properties": {"timeoutInSeconds": "60"}},
            "properties.timeoutInSeconds",
        ),
        ({"location": "x", "properties": {"asyncExecution": 1}}, "properties.asyncExecution"),
        (
            {"location": "x", "properties": {"timeoutInSeconds": True}},
            "properties.timeoutInSeconds",
        ),
        ({"location": "x", "properties": {"parameters": "ab"}}, "properties.parameters"),
        (
            {"location": "x", "properties": {"parameters": [{"name": "a"}]}},
            "properties.parameters[0].value",
        ),
        ({"location": "x", "tags": {"a": 1}}, "tags.a"),
        (
            {"location": "x", "properties": {"instanceView": {"startTime": "yesterday"}}},
            "properties.instanceView.startTime",
        ),
    ],
)
def test_malformed_data_raises_a_typed_error_naming_the_wire_path(data: object, path: str) -> None:
    with pytest.raises(DeserializationError) as info:
        VirtualMachineRunCommand.from_dict(data)  # type: ignore[arg-type]
    assert info.value.path == path
    assert path in str(info.value)
    assert isinstance(info.value, ValueError)


def test_error_messages_never_contain_values() -> None:
    with pytest.raises(DeserializationError) as info:
        VirtualMachineRunCommand.from_dict(
            {"location": "x", "properties": {"runAsPassword": ["hunter2-secret"]}}
        )
    assert "hunter2-secret" not in str(info.value)
    assert info.value.path == "properties.runAsPassword"


def test_null_means_absent() -> None:
    model = VirtualMachineRunCommand.from_dict(
        {"location": "x", "tags": None, "properties": {"source": None, "exitCode": None}}
    )
    assert model.tags is None and model.source is None
    # An absent field is not sent as null; the unknown key is kept as it came.
    assert model.to_dict() == {"location": "x", "properties": {"exitCode": None}}


def test_unknown_keys_are_kept_and_sent_back() -> None:
    wire = {
        "location": "x",
        "newTopLevel": 1,
        "properties": {"runAsUser": "u", "brandNew": {"a": 1}},
    }
    model = VirtualMachineRunCommand.from_dict(wire)
    assert model.run_as_user == "u"
    assert model.additional_properties == {"newTopLevel": 1, "properties": {"brandNew": {"a": 1}}}
    assert model != VirtualMachineRunCommand(location="x", run_as_user="u")
    assert model.to_dict() == wire
    assert "newTopLevel" in repr(model)
    assert "additional_properties" not in repr(VirtualMachineRunCommand(location="x"))


def test_additional_properties_never_hold_known_fields() -> None:
    with pytest.raises(ValueError, match="'location'"):
        VirtualMachineRunCommand(location="x", additional_properties={"location": "y"})
    with pytest.raises(ValueError, match="run_as_user"):
        VirtualMachineRunCommand(
            location="x", additional_properties={"properties": {"runAsUser": 1}}
        )
    with pytest.raises(TypeError, match="must be a dict"):
        VirtualMachineRunCommand(location="x", additional_properties=[("a", 1)])  # type: ignore[arg-type]
    model = VirtualMachineRunCommand(location="x", run_as_user="u")
    model.additional_properties = {"properties": {"brandNew": True}, "top": None}
    assert model.to_dict() == {
        "location": "x",
        "properties": {"runAsUser": "u", "brandNew": True},
        "top": None,
    }
    with pytest.raises(ValueError, match="'location'"):
        model.additional_properties = {"location": "y"}
    model.additional_properties["tags"] = {"sneaked": "in"}  # in place: caught on the way out
    with pytest.raises(ValueError, match="tags"):
        model.to_dict()


def test_unknown_secret_looking_keys_are_masked_in_repr() -> None:
    # Misplaced at the top level, the password is an unknown key: kept, but not shown.
    model = VirtualMachineRunCommandUpdate.from_dict({"runAsPassword": "pw-1", "zz": 1})
    assert model.additional_properties == {"runAsPassword": "pw-1", "zz": 1}
    assert "pw-1" not in repr(model) and "zz" in repr(model)
    nested = VirtualMachineRunCommand(
        location="x", additional_properties={"extra": {"runAsPassword": "pw-2"}}
    )
    assert "pw-2" not in repr(nested) and "extra" in repr(nested)


@given(
    st.datetimes(
        min_value=datetime.datetime(1900, 1, 1),
        timezones=st.just(datetime.timezone.utc),
    )
)
def test_datetimes_round_trip(value: datetime.datetime) -> None:
    assert parse_datetime(format_datetime(value)) == value


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "2024-07-15T09:30:01.1234567Z",
            datetime.datetime(2024, 7, 15, 9, 30, 1, 123456, datetime.timezone.utc),
        ),
        (
            "2024-07-15T09:30:01+02:00",
            datetime.datetime(2024, 7, 15, 7, 30, 1, tzinfo=datetime.timezone.utc),
        ),
        (
            "2024-07-15T09:30:01",
            datetime.datetime(2024, 7, 15, 9, 30, 1, tzinfo=datetime.timezone.utc),
        ),
        ("2024-07-15T09:30Z", datetime.datetime(2024, 7, 15, 9, 30, tzinfo=datetime.timezone.utc)),
    ],
)
def test_datetime_spellings_arm_uses(text: str, expected: datetime.datetime) -> None:
    assert parse_datetime(text) == expected


def test_repr_is_short_and_truncated() -> None:
    model = VirtualMachineRunCommand(
        location="westus", source=VirtualMachineRunCommandScriptSource(script="x" * 5000)
    )
    text_form = repr(model)
    assert text_form.startswith("VirtualMachineRunCommand(location='westus', source=")
    assert len(text_form) <= 1024
    assert "UNSET" not in text_form


def test_a_patch_sends_only_what_was_set_and_send_null_removes_a_value() -> None:
    from vmss_runcommands import send_null

    update = VirtualMachineRunCommandUpdate(run_as_user="ops")
    assert update.timeout_in_seconds is None
    assert update.to_dict() == {"properties": {"runAsUser": "ops"}}
    send_null(update, "timeout_in_seconds", "tags")
    assert json.loads(json.dumps(update.to_dict())) == {
        "tags": None,
        "properties": {"runAsUser": "ops", "timeoutInSeconds": None},
    }
    # Reading the same wire form back: null is absent, as for any field.
    back = VirtualMachineRunCommandUpdate.from_dict(update.to_dict())
    assert back.timeout_in_seconds is None and back.run_as_user == "ops"
    with pytest.raises(ValueError, match="read-only"):
        send_null(update, "provisioning_state")
