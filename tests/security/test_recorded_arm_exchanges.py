"""The client against ARM's answers exactly as recorded in live traffic for VMSS VM run
commands: empty reason phrases, pretty-printed CRLF JSON, PUT 201 and PATCH 200 with
Azure-AsyncOperation only, DELETE 202 with both headers and an empty body without a
Content-Type, no Retry-After, long signed status URLs carrying the service's own api-version,
7-digit ``+00:00`` times, a single list page without ``nextLink``. Each operation must end
as azure-core's ARM polling ends it, sending exactly the requests azure-core sends."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator

import hostile
import pytest
from hostile import FakeCredential, HostileServer, Request
from surfaces import make_client
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import (
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from vmss_runcommands.runtime.retry import RetryPolicy

pytestmark = pytest.mark.usefixtures("surface")

RC_PATH = (
    "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Compute/virtualMachineScaleSets/ss"
    "/virtualMachines/0/runCommands/rc"
)
SIGNED = "&".join(f"{name}={'Zx9-' * 180}" for name in ("t", "c", "s", "h"))  # ~3 KB
SERVICE_VERSION = "2024-11-01"  # the service's, not the client's 2024-07-01


def status_path(guid: str, *, monitor: bool = False) -> str:
    query = f"p=abc&api-version={SERVICE_VERSION}&{SIGNED}"
    if monitor:
        query = "monitor=true&" + query
    return (
        f"/subscriptions/sub/providers/Microsoft.Compute/locations/westus/operations/{guid}?{query}"
    )


def arm_bytes(status: int, body: object = None, headers: dict[str, str] | None = None) -> bytes:
    """One answer as ARM writes it: empty reason phrase, CRLF pretty-printed JSON."""
    all_headers = {
        "Cache-Control": "no-cache",
        "Pragma": "no-cache",
        "Expires": "-1",
        "x-ms-ratelimit-remaining-resource": "Microsoft.Compute/VMScaleSetVMActionsResource;11",
        "azure-asyncnotification": "Enabled",
        "x-ms-request-id": "5f6c3d9e-0000-4000-8000-000000000001",
        **(headers or {}),
    }
    payload = b""
    if body is not None:
        payload = json.dumps(body, indent=2).replace("\n", "\r\n").encode()
        all_headers["Content-Type"] = "application/json; charset=utf-8"
    all_headers["Content-Length"] = str(len(payload))
    head = "".join(f"{name}: {value}\r\n" for name, value in all_headers.items())
    return f"HTTP/1.1 {status} \r\n{head}\r\n".encode() + payload


def resource(state: str, **extra: object) -> dict[str, object]:
    return {
        "name": "rc",
        "type": "Microsoft.Compute/virtualMachineScaleSets/virtualMachines/runCommands",
        "location": "westus",
        "id": RC_PATH,
        "properties": {
            "source": {"script": "echo hi"},
            "timeoutInSeconds": 0,
            "asyncExecution": False,
            "provisioningState": state,
            **extra,
        },
    }


def status(state: str, *, done: bool) -> dict[str, object]:
    body: dict[str, object] = {
        "startTime": "2024-08-26T09:03:52.5630183+00:00",
        "status": state,
        "name": "4a8f1a3c-4f3b-4b8e-9d42-2b1a1e0f7c11",
    }
    if done:
        body["endTime"] = "2024-08-26T09:04:23.2198371+00:00"
    return body


class Script:
    """Answers each request with the next scripted bytes, recording what came in."""

    def __init__(self, server: HostileServer, answers: list[bytes]) -> None:
        self.answers = list(answers)
        server.handler = self

    def __call__(self, conn: socket.socket, request: Request) -> None:
        if not self.answers:
            conn.sendall(arm_bytes(405, {"error": {"code": "NotScripted", "message": "x"}}))
            return
        conn.sendall(self.answers.pop(0))


@pytest.fixture
def arm() -> Iterator[HostileServer]:
    server = HostileServer()
    yield server
    server.stop()


def client_for(server: HostileServer) -> RunCommandsClient:
    """The sync or the async client (behind tests/surfaces.py's facade), as the ``surface``
    fixture says; every exchange here is replayed against both."""
    return make_client(
        hostile.SURFACE["kind"],
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )


def targets(server: HostileServer) -> list[str]:
    return [f"{request.method} {request.target}" for request in server.requests]


def test_create_polls_the_signed_url_byte_for_byte_then_reads_the_resource(
    arm: HostileServer,
) -> None:
    poll = status_path("4a8f1a3c")
    Script(
        arm,
        [
            arm_bytes(201, resource("Creating"), {"Azure-AsyncOperation": arm.base_url + poll}),
            arm_bytes(200, status("InProgress", done=False)),
            arm_bytes(200, status("Succeeded", done=True)),
            arm_bytes(200, resource("Succeeded")),
        ],
    )
    ops = client_for(arm).virtual_machine_scale_set_vm_run_commands
    command = VirtualMachineRunCommand(
        location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
    )
    result = ops.begin_create_or_update("rg", "ss", "0", "rc", command).result(timeout=30)
    assert result.provisioning_state == "Succeeded"
    assert result.timeout_in_seconds == 0 and result.async_execution is False
    assert result.treat_failure_as_deployment_failure is None  # absent, as ARM omits it
    assert targets(arm) == [
        f"PUT {RC_PATH}?api-version=2024-07-01",
        f"GET {poll}",  # followed as sent: the service's api-version, signature untouched
        f"GET {poll}",
        f"GET {RC_PATH}?api-version=2024-07-01",  # azure-core's final GET for a PUT
    ]


def test_get_with_instance_view_reads_whole_second_times(arm: HostileServer) -> None:
    view = {
        "executionState": "Failed",
        "exitCode": 127,
        "output": "",
        "error": "/bin/sh: 1: nosuch: not found",
        "startTime": "2024-08-26T09:03:55+00:00",
        "endTime": "2024-08-26T09:03:56+00:00",
    }
    Script(arm, [arm_bytes(200, resource("Succeeded", instanceView=view))])
    ops = client_for(arm).virtual_machine_scale_set_vm_run_commands
    got = ops.get("rg", "ss", "0", "rc", expand="instanceView")
    assert got.provisioning_state == "Succeeded"  # a failed script does not fail provisioning
    assert got.instance_view is not None
    assert got.instance_view.execution_state == "Failed"
    assert got.instance_view.exit_code == 127
    assert got.instance_view.statuses is None  # ARM leaves it out
    assert got.instance_view.start_time is not None
    assert got.instance_view.start_time.utcoffset() is not None
    (seen,) = arm.requests
    path, _, query = seen.target.partition("?")
    assert (seen.method, path) == ("GET", RC_PATH)
    assert sorted(query.split("&")) == ["$expand=instanceView", "api-version=2024-07-01"]


def test_list_of_one_page_without_next_link_sends_one_request(arm: HostileServer) -> None:
    Script(arm, [arm_bytes(200, {"value": [resource("Succeeded")]})])
    ops = client_for(arm).virtual_machine_scale_set_vm_run_commands
    assert [item.name for item in ops.list("rg", "ss", "0")] == ["rc"]
    assert len(arm.requests) == 1


def test_update_answered_200_with_azure_async_operation_is_polled(arm: HostileServer) -> None:
    poll = status_path("77d2c0aa")
    Script(
        arm,
        [
            arm_bytes(200, resource("Updating"), {"Azure-AsyncOperation": arm.base_url + poll}),
            arm_bytes(200, status("InProgress", done=False)),
            arm_bytes(200, status("Succeeded", done=True)),
            arm_bytes(200, resource("Succeeded", timeoutInSeconds=120)),
        ],
    )
    ops = client_for(arm).virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_update(
        "rg", "ss", "0", "rc", VirtualMachineRunCommandUpdate(timeout_in_seconds=120)
    )
    assert not poller.done()  # a 200 carrying Azure-AsyncOperation is not finished yet
    result = poller.result(timeout=30)
    assert result.provisioning_state == "Succeeded" and result.timeout_in_seconds == 120
    assert targets(arm) == [
        f"PATCH {RC_PATH}?api-version=2024-07-01",
        f"GET {poll}",
        f"GET {poll}",
        f"GET {RC_PATH}?api-version=2024-07-01",
    ]


def test_delete_202_with_both_headers_and_an_empty_body_polls_the_operation(
    arm: HostileServer,
) -> None:
    poll = status_path("0c5e9b21")
    location = status_path("0c5e9b21", monitor=True)
    answers = [
        arm_bytes(
            202,
            None,
            {"Azure-AsyncOperation": arm.base_url + poll, "Location": arm.base_url + location},
        ),
        arm_bytes(200, status("InProgress", done=False)),
        arm_bytes(200, status("Succeeded", done=True)),
    ]
    assert b"Content-Type" not in answers[0]
    Script(arm, answers)
    ops = client_for(arm).virtual_machine_scale_set_vm_run_commands
    assert ops.begin_delete("rg", "ss", "0", "rc").result(timeout=30) is None
    # azure-core follows Azure-AsyncOperation and, for a DELETE, ends there: no final GET.
    assert targets(arm) == [
        f"DELETE {RC_PATH}?api-version=2024-07-01",
        f"GET {poll}",
        f"GET {poll}",
    ]
