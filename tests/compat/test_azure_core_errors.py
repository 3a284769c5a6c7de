"""Our exceptions are caught by ``except azure.core.exceptions.X`` and read like azure-core's."""

from __future__ import annotations

import copy
import pickle

import pytest
import vmss_runcommands
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import (
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime import exceptions as ours
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse

core = pytest.importorskip("azure.core.exceptions")  # installed with the test extra

RG, VMSS, INSTANCE = "rg", "ss", "0"


def _response(status: int, body: bytes) -> HttpResponse:
    return HttpResponse(
        status_code=status,
        reason="Not Found" if status == 404 else "Conflict",
        headers={"x-ms-request-id": "rid-1"},
        body=body,
        request=HttpRequest("GET", "https://management.azure.com/x"),
    )


def test_a_404_from_the_service_is_caught_by_azure_cores_class(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(core.ResourceNotFoundError) as caught:
        ops.get(RG, VMSS, INSTANCE, "missing")
    error = caught.value
    assert isinstance(error, vmss_runcommands.ResourceNotFoundError)
    assert isinstance(error, core.HttpResponseError)
    assert isinstance(error, core.AzureError)
    assert type(error).__name__ == "ResourceNotFoundError"
    # the fields ported code reads, as azure-core's HttpResponseError has them
    assert error.status_code == 404
    assert isinstance(error.reason, str)  # the status line's reason phrase, as azure-core's
    assert error.error is not None and error.error.code == "ResourceNotFound"
    assert error.error.message
    assert error.response is not None and error.response.status_code == 404
    assert error.reason == error.response.reason
    assert error.response.text()
    assert error.model is error.error
    assert error.continuation_token is None
    assert error.exc_msg.startswith(error.message)


@pytest.mark.parametrize(
    ("status", "ours_type", "core_name"),
    [
        (401, ours.ClientAuthenticationError, "ClientAuthenticationError"),
        (404, ours.ResourceNotFoundError, "ResourceNotFoundError"),
        (409, ours.ResourceExistsError, "ResourceExistsError"),
        (304, ours.ResourceNotModifiedError, "ResourceNotModifiedError"),
        (500, ours.HttpResponseError, "HttpResponseError"),
    ],
)
def test_every_mapped_status_is_its_azure_core_namesake(
    status: int, ours_type: type[ours.HttpResponseError], core_name: str
) -> None:
    body = b'{"error": {"code": "C", "message": "M"}}'
    error = ours.map_error(_response(status, body))
    assert isinstance(error, ours_type)
    assert isinstance(error, getattr(core, core_name))
    assert (error.error.code, error.error.message) == ("C", "M")  # type: ignore[union-attr]
    # our message, not azure-core's reset of it
    assert str(error).startswith("(C) M")


def test_errors_without_a_response_are_azure_core_errors_too() -> None:
    for name in (
        "ServiceRequestError",
        "ServiceRequestTimeoutError",
        "ServiceResponseError",
        "ServiceResponseTimeoutError",
    ):
        error = getattr(ours, name)("boom")
        assert isinstance(error, getattr(core, name)), name
        assert str(error) == "boom"
    decode = ours.DeserializationError("bad", path="a.b")
    assert isinstance(decode, core.DeserializationError)
    assert isinstance(decode, ValueError)
    assert str(decode) == "bad (at 'a.b')"


def test_a_subclass_azure_core_does_not_know_maps_to_its_nearest_ancestor() -> None:
    from vmss_runcommands.runtime.polling import OperationFailedError

    assert not hasattr(core, "OperationFailedError")
    error = ours.map_error(_response(404, b""))
    assert isinstance(error, core.ResourceNotFoundError)
    failed = OperationFailedError.__new__(OperationFailedError)
    assert isinstance(failed, OperationFailedError)
    assert isinstance(failed, core.HttpResponseError)


def test_a_twin_pickles_and_copies_as_itself() -> None:
    error = ours.map_error(_response(409, b'{"error": {"code": "Conflict", "message": "m"}}'))
    for clone in (pickle.loads(pickle.dumps(error)), copy.copy(error)):
        assert isinstance(clone, ours.ResourceExistsError)
        assert isinstance(clone, core.ResourceExistsError)
        assert clone.status_code == 409
        assert clone.error is not None and clone.error.code == "Conflict"


def test_an_lro_failure_is_caught_by_azure_core(
    emulator: ArmEmulator, client: RunCommandsClient
) -> None:
    from vmss_runcommands.emulator import Fault

    emulator.faults.add(Fault.operation_failed(), path_contains="/operations/")
    poller = client.virtual_machine_scale_set_vm_run_commands.begin_create_or_update(
        RG,
        VMSS,
        INSTANCE,
        "fails",
        VirtualMachineRunCommand(
            location="westus", source=VirtualMachineRunCommandScriptSource(script="x")
        ),
    )
    with pytest.raises(core.HttpResponseError):
        poller.result(timeout=30)


def test_without_azure_core_errors_are_our_classes_themselves(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from vmss_runcommands.runtime import azure_core_compat

    monkeypatch.setattr(azure_core_compat, "_azure_exceptions", None)
    monkeypatch.setattr(azure_core_compat, "_twins", {})
    error = ours.map_error(_response(404, b""))
    assert type(error) is ours.ResourceNotFoundError
    assert not isinstance(error, core.AzureError)


def test_azure_core_is_imported_at_the_first_error_not_at_import() -> None:
    import subprocess
    import sys

    program = """
import sys
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import VirtualMachineRunCommand
from vmss_runcommands.runtime.exceptions import map_error
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse

class Credential:
    def get_token(self, *scopes, **kwargs):
        raise AssertionError("not called")

client = RunCommandsClient(Credential(), "sub")
VirtualMachineRunCommand(location="westus")
before = "azure.core" in sys.modules
request = HttpRequest("GET", "https://management.azure.com/x")
map_error(HttpResponse(status_code=404, reason="", headers={}, body=b"", request=request))
print(before, "azure.core" in sys.modules)
"""
    done = subprocess.run(
        [sys.executable, "-I", "-c", program], capture_output=True, text=True, check=True
    )
    assert done.stdout.split() == ["False", "True"]
