"""Models: as_dict() as azure-core models have it, and nested plain dicts refused at
construction with an error naming the field."""

from __future__ import annotations

from typing import Any

import pytest
from vmss_runcommands.models import (
    InstanceViewStatus,
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandInstanceView,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)

WIRE = {
    "location": "westus",
    "id": "/subscriptions/s/resourceGroups/rg/providers/x/runCommands/rc",
    "name": "rc",
    "properties": {
        "source": {"script": "echo hi"},
        "parameters": [{"name": "a", "value": "b"}],
        "provisioningState": "Succeeded",
        "instanceView": {"exitCode": 0, "statuses": [{"code": "c", "level": "Info"}]},
    },
}


def test_as_dict_is_the_wire_form_with_read_only_fields_by_default() -> None:
    rc = VirtualMachineRunCommand.from_dict(WIRE)
    assert rc.as_dict() == rc.to_dict(keep_readonly=True) == WIRE
    sent = rc.as_dict(exclude_readonly=True)
    assert sent == rc.to_dict()
    assert "id" not in sent and "provisioningState" not in sent["properties"]


@pytest.mark.parametrize(
    ("build", "field", "expected"),
    [
        (
            lambda: VirtualMachineRunCommand(location="w", source={"script": "x"}),
            "VirtualMachineRunCommand.source",
            "VirtualMachineRunCommandScriptSource",
        ),
        (
            lambda: VirtualMachineRunCommand(
                location="w",
                parameters=[RunCommandInputParameter(name="a", value="b"), {"name": "c"}],
            ),
            "VirtualMachineRunCommand.parameters[1]",
            "RunCommandInputParameter",
        ),
        (
            lambda: VirtualMachineRunCommandUpdate(source={"script": "x"}),
            "VirtualMachineRunCommandUpdate.source",
            "VirtualMachineRunCommandScriptSource",
        ),
        (
            lambda: VirtualMachineRunCommandInstanceView(statuses=[{"code": "c"}]),
            "VirtualMachineRunCommandInstanceView.statuses[0]",
            "InstanceViewStatus",
        ),
    ],
)
def test_a_nested_plain_dict_is_refused_naming_the_field(
    build: Any, field: str, expected: str
) -> None:
    with pytest.raises(TypeError) as refused:
        build()
    message = str(refused.value)
    assert message.startswith(f"{field} must be a {expected}, not a dict")
    assert f"{expected}.from_dict(" in message


def test_the_refusal_never_shows_the_value() -> None:
    secret = "never-shown-protected-value"
    with pytest.raises(TypeError) as refused:
        VirtualMachineRunCommand(
            location="w", protected_parameters=[{"name": "token", "value": secret}]
        )
    assert "protected_parameters[0]" in str(refused.value)
    assert secret not in str(refused.value) and secret not in repr(refused.value)


def test_models_and_absent_fields_are_still_accepted_and_decoding_is_unchanged() -> None:
    view = VirtualMachineRunCommandInstanceView(
        statuses=[InstanceViewStatus(code="c")], exit_code=0
    )
    rc = VirtualMachineRunCommand(
        location="w",
        source=VirtualMachineRunCommandScriptSource(script="x"),
        parameters=[],
        instance_view=view,
    )
    assert rc.source is not None and rc.instance_view is view
    VirtualMachineRunCommand(location="w")  # nothing set: nothing to check
    decoded = VirtualMachineRunCommand.from_dict(WIRE)
    assert isinstance(decoded.source, VirtualMachineRunCommandScriptSource)
    assert isinstance(decoded.parameters, list)
    assert isinstance(decoded.parameters[0], RunCommandInputParameter)


def test_the_properties_view_reads_and_writes_the_flattened_fields() -> None:
    from vmss_runcommands.models import VirtualMachineRunCommandProperties

    rc = VirtualMachineRunCommand.from_dict(WIRE)
    props = rc.properties
    assert isinstance(props, VirtualMachineRunCommandProperties)
    # the anchor's spelling and the flattened one are the same object
    assert props.instance_view is rc.instance_view is not None
    assert props.instance_view.exit_code == 0
    assert props.source is rc.source and props.provisioning_state == "Succeeded"
    props.timeout_in_seconds = 120
    props.source = VirtualMachineRunCommandScriptSource(script="echo changed")
    assert rc.timeout_in_seconds == 120
    assert rc.to_dict()["properties"]["source"] == {"script": "echo changed"}
    assert rc.to_dict()["properties"]["timeoutInSeconds"] == 120
    # flattened fields stay first-class: the view adds nothing to the wire form
    assert "location" not in dir(props) and rc.as_dict()["location"] == "westus"


def test_the_properties_view_never_shows_values() -> None:
    rc = VirtualMachineRunCommand(location="w", run_as_password="never-shown-password")
    assert rc.properties.run_as_password == "never-shown-password"
    assert "never-shown" not in repr(rc.properties)
    assert repr(rc.properties) == (
        "<VirtualMachineRunCommandProperties of VirtualMachineRunCommand>"
    )
