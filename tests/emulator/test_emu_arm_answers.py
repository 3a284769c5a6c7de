"""The emulator answers as live ARM does for these operations, header by header (the facts
come from public recordings of Azure traffic); lenient mode keeps the old conveniences."""

from __future__ import annotations

import contextlib
import json
import re
import select
import socket
import time
from typing import Any

import pytest
import urllib3
from vmss_runcommands import ResourceNotFoundError
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import VirtualMachineRunCommand

SERVICE_API_VERSION = "2024-11-01"
BODY = {"location": "westus", "properties": {"source": {"script": "echo hi"}}}
STATUS_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}\+00:00$")
VIEW_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$")
GUID = re.compile(r"^[0-9a-f-]{36}$")


def _common_headers(response: urllib3.BaseHTTPResponse) -> None:
    headers = response.headers
    assert GUID.match(headers["x-ms-request-id"])
    assert GUID.match(headers["x-ms-correlation-request-id"])
    routing = headers["x-ms-routing-request-id"]
    assert re.match(r"^WESTUS:\d{8}T\d{6}Z:[0-9a-f-]{36}$", routing), routing
    assert routing.endswith(headers["x-ms-request-id"])
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert headers["Cache-Control"] == "no-cache"
    assert headers["Pragma"] == "no-cache"
    assert headers["Expires"] == "-1"
    assert response.reason == ""  # "HTTP/1.1 201 ": Compute sends no reason phrase
    assert "Retry-After" not in headers


def _pretty_crlf(response: urllib3.BaseHTTPResponse) -> Any:
    text = response.data.decode()
    assert text.startswith('{\r\n  "')
    assert "\n" not in text.replace("\r\n", "")
    return json.loads(text)


def test_put_is_201_with_azure_asyncoperation_only(arm: Any) -> None:
    created = arm.put("cmd", BODY)
    assert created.status == 201
    _common_headers(created)
    headers = created.headers
    assert "Location" not in headers
    assert headers["azure-asyncnotification"] == "Enabled"
    assert headers["x-ms-ratelimit-remaining-resource"] == (
        "Microsoft.Compute/VMScaleSetVMActionsResource;11"
    )
    assert int(headers["x-ms-ratelimit-remaining-subscription-writes"]) > 0
    assert int(headers["x-ms-ratelimit-remaining-subscription-global-writes"]) > 0
    body = _pretty_crlf(created)
    properties = body["properties"]
    assert properties["provisioningState"] == "Creating"
    # Filled in by the service; treatFailureAsDeploymentFailure is left out when not sent.
    assert properties["timeoutInSeconds"] == 0
    assert properties["asyncExecution"] is False
    assert "treatFailureAsDeploymentFailure" not in properties
    # The per-instance budget goes down with each write.
    again = arm.put("other", BODY)
    assert again.headers["x-ms-ratelimit-remaining-resource"].endswith(";10")


def test_status_urls_are_long_signed_and_carry_the_services_api_version(arm: Any) -> None:
    url = arm.put("cmd", BODY).headers["Azure-AsyncOperation"]
    assert 3000 <= len(url) <= 3500
    query = dict(part.split("=", 1) for part in url.split("?", 1)[1].split("&"))
    assert list(query) == ["p", "api-version", "t", "c", "s", "h"]
    assert query["api-version"] == SERVICE_API_VERSION
    first = arm.poll(url)
    assert first.status == 200
    _common_headers(first)
    assert first.headers["x-ms-ratelimit-remaining-subscription-reads"].isdigit()
    status = _pretty_crlf(first)
    assert list(status) == ["startTime", "status", "name"]  # live ARM's order
    assert status["status"] == "InProgress" and GUID.match(status["name"])
    assert STATUS_TIME.match(status["startTime"])
    done = arm.poll(url).json()
    assert list(done) == ["startTime", "endTime", "status", "name"]
    assert done["status"] == "Succeeded" and STATUS_TIME.match(done["endTime"])


@pytest.mark.parametrize(
    "change",
    [
        lambda url: url.replace(f"api-version={SERVICE_API_VERSION}", "api-version=2024-07-01"),
        lambda url: url.replace("&s=", "&s=x"),
        lambda url: re.sub(r"&t=\d+", "&t=1", url),
        lambda url: url.split("?")[0] + "?api-version=" + SERVICE_API_VERSION,
    ],
)
def test_a_status_url_that_was_rebuilt_is_refused(arm: Any, change: Any) -> None:
    url = arm.put("cmd", BODY).headers["Azure-AsyncOperation"]
    refused = arm.poll(change(url))
    assert refused.status == 400
    assert refused.json()["error"]["code"] == "InvalidOperationSignature"
    assert arm.poll(url).status == 200


def test_patch_is_200_with_azure_asyncoperation(arm: Any) -> None:
    arm.create("cmd", {"source": {"script": "a"}})
    patched = arm.patch("cmd", {"properties": {"timeoutInSeconds": 60}})
    assert patched.status == 200
    _common_headers(patched)
    assert "Location" not in patched.headers
    assert patched.headers["azure-asyncnotification"] == "Enabled"
    assert SERVICE_API_VERSION in patched.headers["Azure-AsyncOperation"]
    assert _pretty_crlf(patched)["properties"]["provisioningState"] == "Updating"


def test_delete_is_202_with_both_links_and_an_empty_body(arm: Any) -> None:
    arm.create("cmd", {"source": {"script": "a"}})
    accepted = arm.delete("cmd")
    assert accepted.status == 202
    _common_headers(accepted)
    assert accepted.data == b""
    assert "Content-Type" not in accepted.headers
    assert accepted.headers["azure-asyncnotification"] == "Enabled"
    status_url = accepted.headers["Azure-AsyncOperation"]
    location = accepted.headers["Location"]
    assert "monitor=true&p=" in location and "monitor=true" not in status_url
    assert location != status_url and len(location) > 3000
    assert arm.poll(status_url).json()["status"] == "InProgress"
    assert arm.poll(location).status == 200  # the second look completes it
    assert arm.get("cmd").status == 404


def test_instance_view_times_are_whole_seconds_and_statuses_absent(arm: Any) -> None:
    view = arm.create("cmd", {"source": {"script": "a"}})["properties"]["instanceView"]
    assert VIEW_TIME.match(view["startTime"]) and VIEW_TIME.match(view["endTime"])
    assert "statuses" not in view
    assert view["executionState"] == "Succeeded"


def test_a_single_page_list_has_no_nextlink_key(arm: Any) -> None:
    arm.create("cmd", {"source": {"script": "a"}})
    listed = arm.request("GET", arm.url())
    _common_headers(listed)
    assert list(_pretty_crlf(listed)) == ["value"]


def test_an_empty_source_stays_running_with_exit_code_0_and_a_failure_message(arm: Any) -> None:
    body = arm.create("cmd", {"source": {}})
    assert body["properties"]["provisioningState"] == "Succeeded"
    view = body["properties"]["instanceView"]
    assert (view["executionState"], view["exitCode"]) == ("Running", 0)
    assert "failed" in view["executionMessage"]
    time.sleep(0.05)
    again = arm.get("cmd", expand=True).json()["properties"]["instanceView"]
    assert again["executionState"] == "Running"


def test_the_reason_phrase_is_empty_on_the_wire(emu: ArmEmulator) -> None:
    host, port = emu.base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(b"GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        status_line = connection.makefile("rb").readline()
    assert status_line == b"HTTP/1.1 401 \r\n"


def test_the_scale_set_get_gives_its_region(emu: ArmEmulator, arm: Any) -> None:
    emu.add_scale_set("rg", "north", "North Europe", tags={"team": "infra"})
    base = f"{emu.base_url}/subscriptions/{emu.subscription_id}/resourceGroups/RG/providers"
    placed = arm.request(
        "GET", f"{base}/Microsoft.Compute/virtualMachineScaleSets/NORTH?api-version=2024-07-01"
    )
    assert placed.status == 200
    assert placed.json() == {
        "name": "north",
        "id": f"/subscriptions/{emu.subscription_id}/resourceGroups/rg/providers/"
        "Microsoft.Compute/virtualMachineScaleSets/north",
        "type": "Microsoft.Compute/virtualMachineScaleSets",
        "location": "northeurope",
        "tags": {"team": "infra"},
    }
    other = arm.request(
        "GET", f"{base}/Microsoft.Compute/virtualMachineScaleSets/any?api-version=2024-07-01"
    )
    assert other.json()["location"] == "westus"


def test_time_moves_on_its_own(make_emulator: Any, arm_for: Any) -> None:
    arm = arm_for(make_emulator(polls_before_done=1_000, operation_seconds=0.3))
    arm.put("cmd", BODY)
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Creating"
    time.sleep(0.4)  # nobody looked meanwhile; the next look finds it done
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Succeeded"


def test_only_looks_count_without_operation_seconds(make_emulator: Any, arm_for: Any) -> None:
    arm = arm_for(make_emulator(polls_before_done=3, operation_seconds=None))
    arm.put("cmd", BODY)
    time.sleep(0.2)
    states = [arm.get("cmd").json()["properties"]["provisioningState"] for _ in range(4)]
    assert states == ["Creating", "Creating", "Creating", "Succeeded"]


def test_lenient_mode_keeps_the_conveniences(make_emulator: Any, arm_for: Any) -> None:
    arm = arm_for(make_emulator(lenient=True))
    created = arm.put("cmd", BODY)
    assert created.headers["Retry-After"] == "0"
    assert created.reason == "Created"
    assert b"\r\n" not in created.data and created.data.startswith(b'{"name"')
    assert "azure-asyncnotification" not in created.headers
    assert "x-ms-ratelimit-remaining-resource" not in created.headers
    url = created.headers["Azure-AsyncOperation"]
    assert url.endswith("?api-version=2024-07-01") and "&s=" not in url
    view = arm.create("other", {"source": {}})["properties"]
    assert view["treatFailureAsDeploymentFailure"] is False
    assert view["instanceView"]["statuses"][0]["code"] == "ProvisioningState/succeeded"
    assert view["instanceView"]["executionState"] == "Succeeded"  # no stuck state either
    deleted = arm.delete("other")
    assert deleted.status == 202
    assert "Azure-AsyncOperation" not in deleted.headers and "Location" in deleted.headers


def test_the_listening_socket_has_a_real_backlog() -> None:
    # A connection is complete once the kernel queues it, before anyone accepts it; with
    # socketserver's default backlog of 5 only a handful of a burst get that far (the rest
    # wait for SYN retries, or are reset), which is how fan-outs lost PUTs.
    emu = ArmEmulator()  # bound and listening, not accepting yet
    host, port = emu.base_url.removeprefix("http://").split(":")
    sockets = []
    try:
        for _ in range(100):  # within the oldest kernels' somaxconn of 128
            connection = socket.socket()
            connection.setblocking(False)
            with contextlib.suppress(BlockingIOError):
                connection.connect((host, int(port)))
            sockets.append(connection)
        deadline = time.monotonic() + 0.5
        connected: set[socket.socket] = set()
        while len(connected) < len(sockets) and time.monotonic() < deadline:
            _, writable, _ = select.select([], [s for s in sockets if s not in connected], [], 0.05)
            connected.update(
                w for w in writable if w.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR) == 0
            )
        assert len(connected) == 100
        emu.start()
        for connection in sockets:
            connection.setblocking(True)
            connection.settimeout(10)
            connection.sendall(b"GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        answers = [connection.makefile("rb").readline() for connection in sockets]
    finally:
        for connection in sockets:
            connection.close()
        emu.stop()
    assert answers == [b"HTTP/1.1 401 \r\n"] * 100


def test_emu_client_polls_promptly_without_any_knob() -> None:
    from vmss_runcommands.models import (
        VirtualMachineRunCommand,
        VirtualMachineRunCommandScriptSource,
    )

    with ArmEmulator(polls_before_done=3, operation_seconds=None) as emu:
        assert emu.credential() is emu.credential
        client = emu.client()
        ops = client.virtual_machine_scale_set_vm_run_commands
        body = VirtualMachineRunCommand(
            location="westus", source=VirtualMachineRunCommandScriptSource(script="x")
        )
        # Four status polls: at the default 30 s interval (no Retry-After comes) the 10 s
        # timeout would pass first.
        result = ops.begin_create_or_update("rg", "ss", "0", "cmd", body).result(timeout=10)
        assert result.provisioning_state == "Succeeded"
        assert len([r for r in emu.requests if "/operations/" in r.path]) == 4
        client.close()


def test_with_declared_scale_sets_only_others_are_not_found() -> None:
    with ArmEmulator(declared_scale_sets_only=True) as emu:
        emu.add_scale_set("rg", "fleet", "West Europe")
        client = emu.client()
        ops = client.virtual_machine_scale_set_vm_run_commands
        assert list(ops.list("RG", "FLEET", "0")) == []  # declared: names compare as ARM's do
        for call in (
            lambda: list(ops.list("rg", "flet", "0")),
            lambda: ops.get("rg", "flet", "0", "x"),
            lambda: ops.begin_create_or_update(
                "rg", "flet", "0", "x", VirtualMachineRunCommand(location="westeurope")
            ),
            lambda: ops.begin_delete("rg", "flet", "0", "x"),
        ):
            with pytest.raises(ResourceNotFoundError) as caught:
                call()
            assert caught.value.error is not None
            assert caught.value.error.code == "ParentResourceNotFound"
            assert "'flet/0'" in str(caught.value.error.message)
        assert emu.run_commands == {}
        with pytest.raises(ResourceNotFoundError) as gone:
            client.virtual_machine_scale_sets.get("rg", "flet")
        assert gone.value.error is not None and gone.value.error.code == "ResourceNotFound"
        assert client.virtual_machine_scale_sets.get("rg", "fleet").location == "westeurope"


def test_by_default_every_scale_set_exists() -> None:
    with ArmEmulator() as emu, emu.client() as client:
        ops = client.virtual_machine_scale_set_vm_run_commands
        assert list(ops.list("rg", "never-declared", "0")) == []
        assert client.virtual_machine_scale_sets.get("rg", "never-declared").location == "westus"
