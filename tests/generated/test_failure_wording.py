"""The run-command failure wording lives with the operations, not in the runtime."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import pytest
import vmss_runcommands.runtime as runtime_package
from surfaces import SURFACES, make_client, unwrap
from vmss_runcommands.models import VirtualMachineRunCommand
from vmss_runcommands.runtime.lro_failure import FailureDetail

OPERATION_WORDS = re.compile(r"instanceView|executionState|exitCode|executionMessage")


class Credential:
    def get_token(self, *scopes: str, **kwargs: Any) -> Any:
        raise AssertionError("no request is sent in these tests")


def test_the_runtime_never_names_run_command_fields() -> None:
    root = Path(runtime_package.__file__).parent
    found = [
        f"{path.relative_to(root)}:{number}"
        for path in sorted(root.rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if OPERATION_WORDS.search(line)
    ]
    assert found == []


FAILED_BODY = {
    "name": "cmd",
    "properties": {
        "provisioningState": "Failed",
        "source": {"script": "echo hunter2-script"},
        "instanceView": {
            "executionState": "Failed",
            "executionMessage": "Script returned a non-zero exit code",
            "exitCode": 3,
            "output": "some stdout",
            "error": "disk full",
        },
    },
}


@pytest.mark.parametrize(
    "group", ["virtual_machine_scale_set_vm_run_commands", "virtual_machine_run_commands"]
)
@pytest.mark.parametrize("verb", ["begin_create_or_update", "begin_update"])
@pytest.mark.parametrize("surface", SURFACES)
def test_run_command_operations_pass_the_instance_view_wording(
    group: str, verb: str, surface: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make_client(surface, Credential(), "sub")
    client = unwrap(made)
    operations = getattr(client, group)
    seen: dict[str, Any] = {}

    def begin_lro(*args: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    async def begin_lro_async(*args: Any, **kwargs: Any) -> None:
        seen.update(kwargs)

    patched = begin_lro if surface == "sync" else begin_lro_async
    monkeypatch.setattr(operations._client, "begin_lro", patched)
    names = ("rg", "vmss", "0", "cmd") if "scale_set" in group else ("rg", "vm", "cmd")
    body = VirtualMachineRunCommand(location="westus") if "create" in verb else {}
    called = getattr(operations, verb)(*names, body)
    if surface == "async":
        asyncio.run(called)
    found = seen["describe_failure"](FAILED_BODY)
    assert isinstance(found, FailureDetail)
    assert found.summary == (
        "executionState='Failed', executionMessage='Script returned a non-zero exit code', "
        "exitCode=3, error='disk full'"
    )
    assert found.detail is not None and found.detail["exitCode"] == 3
    assert "hunter2-script" not in found.summary and "some stdout" not in found.summary
    made.close()


@pytest.mark.parametrize("surface", SURFACES)
def test_the_describer_is_made_once_not_at_every_call(
    surface: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = make_client(surface, Credential(), "sub")
    client = unwrap(made)
    describers: list[Any] = []

    def begin_lro(*args: Any, **kwargs: Any) -> None:
        describers.append(kwargs["describe_failure"])

    async def begin_lro_async(*args: Any, **kwargs: Any) -> None:
        describers.append(kwargs["describe_failure"])

    for group in ("virtual_machine_scale_set_vm_run_commands", "virtual_machine_run_commands"):
        operations = getattr(client, group)
        patched = begin_lro if surface == "sync" else begin_lro_async
        monkeypatch.setattr(operations._client, "begin_lro", patched)
        names = ("rg", "vmss", "0", "cmd") if "scale_set" in group else ("rg", "vm", "cmd")
        for verb in ("begin_create_or_update", "begin_create_or_update", "begin_update"):
            body = VirtualMachineRunCommand(location="westus") if "create" in verb else {}
            called = getattr(operations, verb)(*names, body)
            if surface == "async":
                asyncio.run(called)
    # The same summary everywhere (spec/codegen.yaml), so one describer for all six calls.
    assert len(describers) == 6 and all(found is describers[0] for found in describers)
    made.close()
