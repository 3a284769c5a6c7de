"""The rest of the run-command family over real HTTP: the region's catalogue, the action form
(a location-polled LRO) and VM-level run commands. The emulator serves the scale-set operations
only, so these answers are scripted with ``Fault.response``; the requests are what Azure
expects (method, path, api-version, body)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from surfaces import emulator_client
from vmss_runcommands import DEFAULT_API_VERSION, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, Fault
from vmss_runcommands.models import (
    OperatingSystemTypes,
    RunCommandDocument,
    RunCommandInput,
    RunCommandInputParameter,
    RunCommandResult,
    VirtualMachineRunCommand,
)

CATALOGUE_ENTRY = {
    "$schema": "https://schema.example/runcommands.json",
    "id": "RunShellScript",
    "osType": "Linux",
    "label": "Shell script",
    "description": "Runs a shell script.",
}


@pytest.fixture
def emu() -> Iterator[ArmEmulator]:
    with ArmEmulator() as emulator:
        yield emulator


@pytest.fixture
def client(emu: ArmEmulator, surface: str) -> Iterator[RunCommandsClient]:
    """The sync or the async client (conftest's ``surface``), on this file's emulator."""
    with emulator_client(surface, emu) as made:
        yield made


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def test_the_catalogue_lists_and_reads_typed_documents(
    emu: ArmEmulator, client: RunCommandsClient
) -> None:
    emu.faults.add(
        Fault.response(200, _json({"value": [CATALOGUE_ENTRY]})), path_contains="/runCommands"
    )
    document = {
        **CATALOGUE_ENTRY,
        "script": ["$script"],
        "parameters": [{"name": "script", "type": "string", "required": True}],
    }
    emu.faults.add(Fault.response(200, _json(document)), path_contains="/RunShellScript")
    group = client.virtual_machine_run_commands
    entries = list(group.list("westus"))
    read = group.get("westus", "RunShellScript")
    assert [e.os_type for e in entries] == [OperatingSystemTypes.LINUX]
    assert isinstance(read, RunCommandDocument) and read.script == ["$script"]
    assert read.parameters and read.parameters[0].required is True
    paths = [(r.method, r.path, r.query["api-version"]) for r in emu.requests]
    base = f"/subscriptions/{emu.subscription_id}/providers/Microsoft.Compute/locations/westus"
    assert paths == [
        ("GET", f"{base}/runCommands", DEFAULT_API_VERSION),
        ("GET", f"{base}/runCommands/RunShellScript", DEFAULT_API_VERSION),
    ]


def test_the_action_form_posts_the_input_and_polls_the_location_for_the_output(
    emu: ArmEmulator, client: RunCommandsClient
) -> None:
    compute = f"{emu.base_url}/subscriptions/{emu.subscription_id}/providers/Microsoft.Compute"
    monitor = f"{compute}/locations/westus/operations/op1"
    output = {"value": [{"code": "ComponentStatus/StdOut/succeeded", "message": "hi\n"}]}
    emu.faults.add(
        Fault.response(202, headers={"Location": monitor, "Retry-After": "0"}), method="POST"
    )
    emu.faults.add(Fault.response(200, _json(output)), path_contains="/operations/op1")
    command = RunCommandInput(
        command_id="RunShellScript",
        script=["echo $GREETING"],
        parameters=[RunCommandInputParameter(name="GREETING", value="hi")],
    )
    result = client.virtual_machine_scale_set_vms.begin_run_command(
        "rg", "ss", "3", command
    ).result(timeout=30)
    assert isinstance(result, RunCommandResult)
    assert result.value and result.value[0].message == "hi\n"
    post = emu.requests[0]
    assert post.method == "POST"
    assert post.path.endswith("/virtualMachineScaleSets/ss/virtualmachines/3/runCommand")
    assert json.loads(post.body) == {
        "commandId": "RunShellScript",
        "script": ["echo $GREETING"],
        "parameters": [{"name": "GREETING", "value": "hi"}],
    }


def test_vm_level_run_commands_use_the_virtual_machine_path(
    emu: ArmEmulator, client: RunCommandsClient
) -> None:
    body = {"location": "westus", "name": "rc", "properties": {"provisioningState": "Succeeded"}}
    emu.faults.add(Fault.response(200, _json(body)), method="GET")
    emu.faults.add(Fault.response(200, _json({"value": [body]})), method="GET")
    group = client.virtual_machine_run_commands
    found = group.get_by_virtual_machine("rg", "vm1", "rc", expand="instanceView")
    listed = list(group.list_by_virtual_machine("rg", "vm1"))
    assert isinstance(found, VirtualMachineRunCommand) and found.provisioning_state == "Succeeded"
    assert [item.name for item in listed] == ["rc"]
    group_path = f"/subscriptions/{emu.subscription_id}/resourceGroups/rg"
    vm = f"{group_path}/providers/Microsoft.Compute/virtualMachines/vm1"
    assert [r.path for r in emu.requests] == [f"{vm}/runCommands/rc", f"{vm}/runCommands"]
    assert emu.requests[0].query == {"$expand": "instanceView", "api-version": DEFAULT_API_VERSION}
