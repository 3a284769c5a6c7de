"""Every x-ms-example in spec/ round-trips through the generated models."""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
from vmss_runcommands import models
from vmss_runcommands.runtime.serialization import parse_datetime

SPEC = Path(__file__).resolve().parents[2] / "spec" / "2024-07-01"
OPERATIONS = json.loads((SPEC / "runCommands.json").read_text())["paths"]

BODY_MODELS = {
    "VirtualMachineScaleSetVMRunCommands_CreateOrUpdate": models.VirtualMachineRunCommand,
    "VirtualMachineScaleSetVMRunCommands_Update": models.VirtualMachineRunCommandUpdate,
    "VirtualMachineRunCommands_CreateOrUpdate": models.VirtualMachineRunCommand,
    "VirtualMachineRunCommands_Update": models.VirtualMachineRunCommandUpdate,
    "VirtualMachines_RunCommand": models.RunCommandInput,
    "VirtualMachineScaleSetVMs_RunCommand": models.RunCommandInput,
}
RESPONSE_MODELS = {
    "VirtualMachineScaleSetVMRunCommands_CreateOrUpdate": models.VirtualMachineRunCommand,
    "VirtualMachineScaleSetVMRunCommands_Update": models.VirtualMachineRunCommand,
    "VirtualMachineScaleSetVMRunCommands_Get": models.VirtualMachineRunCommand,
    "VirtualMachineScaleSetVMRunCommands_List": models.VirtualMachineRunCommandsListResult,
    "VirtualMachineRunCommands_CreateOrUpdate": models.VirtualMachineRunCommand,
    "VirtualMachineRunCommands_Update": models.VirtualMachineRunCommand,
    "VirtualMachineRunCommands_GetByVirtualMachine": models.VirtualMachineRunCommand,
    "VirtualMachineRunCommands_ListByVirtualMachine": models.VirtualMachineRunCommandsListResult,
    "VirtualMachineRunCommands_List": models.RunCommandListResult,
    "VirtualMachineRunCommands_Get": models.RunCommandDocument,
    "VirtualMachines_RunCommand": models.RunCommandResult,
    "VirtualMachineScaleSetVMs_RunCommand": models.RunCommandResult,
    # Not a run-command operation: the scale set's GET, for its region (see codegen.yaml).
    "VirtualMachineScaleSets_Get": models.VirtualMachineScaleSet,
}
WITHOUT_RESULT = ("VirtualMachineScaleSetVMRunCommands_Delete", "VirtualMachineRunCommands_Delete")


def _examples() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for item in OPERATIONS.values():
        for operation in item.values():
            for ref in operation.get("x-ms-examples", {}).values():
                found.append(
                    (operation["operationId"], json.loads((SPEC / ref["$ref"]).read_text()))
                )
    return found


EXAMPLES = _examples()


def _normalize_times(node: Any) -> Any:
    """Date-times compare as instants (the wire allows several spellings of one instant)."""
    if isinstance(node, dict):
        return {k: _normalize_times(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_normalize_times(v) for v in node]
    if isinstance(node, str):
        try:
            return parse_datetime(node)
        except ValueError:
            return node
    return node


def test_every_operation_has_an_example() -> None:
    operation_ids = {op["operationId"] for item in OPERATIONS.values() for op in item.values()}
    assert len(operation_ids - {"VirtualMachineScaleSets_Get"}) == 14
    assert {op for op, _ in EXAMPLES} == operation_ids == {*RESPONSE_MODELS, *WITHOUT_RESULT}


@pytest.mark.parametrize(
    ("operation_id", "example"),
    [e for e in EXAMPLES if e[0] in BODY_MODELS],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_request_bodies_serialize_to_the_example(
    operation_id: str, example: dict[str, Any]
) -> None:
    name = "parameters" if operation_id.endswith("_RunCommand") else "runCommand"
    body = example["parameters"][name]
    model = BODY_MODELS[operation_id].from_dict(body)
    assert model.to_dict() == body
    assert json.loads(json.dumps(model.to_dict())) == body


@pytest.mark.parametrize(
    ("operation_id", "example"),
    [e for e in EXAMPLES if e[0] in RESPONSE_MODELS],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_responses_parse_and_read_back(operation_id: str, example: dict[str, Any]) -> None:
    for status, response in example["responses"].items():
        body = response.get("body")
        if body is None:
            continue
        model = RESPONSE_MODELS[operation_id].from_dict(body)
        assert _normalize_times(model.to_dict(keep_readonly=True)) == _normalize_times(body), status


def test_instance_view_fields_read_back_typed() -> None:
    (get_example,) = [e for op, e in EXAMPLES if op == "VirtualMachineScaleSetVMRunCommands_Get"]
    body = get_example["responses"]["200"]["body"]
    run_command = models.VirtualMachineRunCommand.from_dict(body)
    view = run_command.instance_view
    assert isinstance(view, models.VirtualMachineRunCommandInstanceView)
    raw = body["properties"]["instanceView"]
    assert view.execution_state is models.ExecutionState.FAILED
    assert view.exit_code == raw["exitCode"]
    assert view.output == raw["output"]
    assert view.error == raw["error"]
    assert view.start_time == datetime.datetime(
        2024, 7, 15, 9, 30, 1, 123456, tzinfo=datetime.timezone.utc
    )
    assert view.statuses and view.statuses[0].level is models.StatusLevelTypes.ERROR
    assert run_command.provisioning_state == body["properties"]["provisioningState"]
    assert run_command.tags == body["tags"]


def test_secrets_of_the_example_request_stay_out_of_repr() -> None:
    (create,) = [
        e for op, e in EXAMPLES if op == "VirtualMachineScaleSetVMRunCommands_CreateOrUpdate"
    ]
    body = create["parameters"]["runCommand"]
    model = models.VirtualMachineRunCommand.from_dict(body)
    text = repr(model)
    assert body["properties"]["runAsPassword"] not in text
    for parameter in body["properties"]["protectedParameters"]:
        assert parameter["value"] not in text
    assert "run_as_password" not in text and "protected_parameters" not in text
    assert body["properties"]["runAsUser"] in text


def test_the_catalogue_and_the_action_form_read_back_typed() -> None:
    examples = dict(EXAMPLES)
    document = models.RunCommandDocument.from_dict(
        examples["VirtualMachineRunCommands_Get"]["responses"]["200"]["body"]
    )
    assert document.os_type is models.OperatingSystemTypes.LINUX
    assert document.parameters and document.parameters[1].default_value == "/bin/bash"
    assert document.parameters[0].required is True
    page = models.RunCommandListResult.from_dict(
        examples["VirtualMachineRunCommands_List"]["responses"]["200"]["body"]
    )
    assert [entry.id for entry in page.value] == ["RunShellScript", "RunPowerShellScript"]
    result = models.RunCommandResult.from_dict(
        examples["VirtualMachines_RunCommand"]["responses"]["200"]["body"]
    )
    assert result.value and result.value[0].message and "/dev/sda1" in result.value[0].message
