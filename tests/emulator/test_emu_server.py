"""HTTP plumbing: headers, keep-alive, TLS, concurrency, clean stop, the CLI."""

from __future__ import annotations

import json
import os
import signal
import socket
import ssl
import subprocess
import sys
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import urllib3
from vmss_runcommands.emulator import AccessToken, ArmEmulator

BODY = {"location": "westus", "properties": {"source": {"script": "echo"}}}


def test_base_url_and_defaults(emu):
    assert emu.base_url == f"http://127.0.0.1:{emu.port}"
    assert emu.subscription_id == "00000000-0000-0000-0000-000000000000"
    token = emu.credential.get_token("https://management.azure.com/.default")
    assert isinstance(token, AccessToken)
    assert token.token.startswith("emulator-")
    assert emu.credential.last_scopes == ("https://management.azure.com/.default",)


def test_request_id_headers(arm):
    client_id = str(uuid.uuid4())
    response = arm.request("GET", arm.url("cmd"), headers={"x-ms-client-request-id": client_id})
    assert response.headers["x-ms-client-request-id"] == client_id
    request_id = response.headers["x-ms-request-id"]
    assert str(uuid.UUID(request_id)) == request_id
    assert uuid.UUID(response.headers["x-ms-correlation-request-id"])
    assert int(response.headers["Content-Length"]) == len(response.data)
    other = arm.request("GET", arm.url("cmd"))
    assert "x-ms-client-request-id" not in other.headers
    assert other.headers["x-ms-request-id"] != request_id


def test_correlation_id_is_propagated(arm):
    response = arm.request("GET", arm.url("x"), headers={"x-ms-correlation-request-id": "corr-1"})
    assert response.headers["x-ms-correlation-request-id"] == "corr-1"


def test_retry_after_when_configured(make_emulator, arm_for):
    arm = arm_for(make_emulator(retry_after=3))
    created = arm.put("cmd", BODY)
    assert created.headers["Retry-After"] == "3"
    operation_url = created.headers["Azure-AsyncOperation"]
    assert arm.poll(operation_url).headers["Retry-After"] == "3"
    assert "Retry-After" not in arm.poll(operation_url).headers, "not on a terminal status"
    deleting = arm.delete("cmd")
    assert deleting.headers["Retry-After"] == "3"
    assert arm.poll(deleting.headers["Location"]).headers["Retry-After"] == "3"


def test_no_retry_after_when_none(make_emulator, arm_for):
    arm = arm_for(make_emulator(retry_after=None))
    created = arm.put("cmd", BODY)
    assert "Retry-After" not in created.headers
    assert "Retry-After" not in arm.poll(created.headers["Azure-AsyncOperation"]).headers


def test_connections_are_kept_alive(emu, arm_for):
    pool = urllib3.HTTPConnectionPool("127.0.0.1", emu.port, maxsize=1, block=True)
    arm = arm_for(emu)
    for _ in range(5):
        response = pool.request(
            "GET",
            arm.url("x").replace(emu.base_url, ""),
            headers={"Authorization": f"Bearer {arm.token}"},
        )
        assert response.status == 404
    assert pool.num_connections == 1
    pool.close()


def test_stop_closes_port_and_open_connections(make_emulator, arm_for):
    emu = make_emulator()
    pool = urllib3.PoolManager(retries=False)
    arm = arm_for(emu, pool)
    assert arm.get("cmd").status == 404  # leaves a pooled keep-alive connection open
    emu.stop()
    emu.stop()  # idempotent
    with pytest.raises(OSError):
        socket.create_connection(("127.0.0.1", emu.port), timeout=1).close()
    with pytest.raises(urllib3.exceptions.HTTPError):
        arm.get("cmd")
    with pytest.raises(RuntimeError):
        emu.start()


def test_explicit_start_stop_and_never_started():
    emu = ArmEmulator()
    assert emu.start() is emu
    assert emu.start() is emu  # no-op
    emu.stop()
    ArmEmulator().stop()  # never started: closes the bound socket


def test_https_with_trustme():
    import trustme

    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    with ArmEmulator(ssl_context=server_context) as emu:
        assert emu.base_url.startswith("https://127.0.0.1:")
        pool = urllib3.PoolManager(ssl_context=client_context, retries=False)
        token = emu.credential.get_token("scope").token
        url = (
            f"{emu.base_url}/subscriptions/{emu.subscription_id}/resourceGroups/rg/providers/"
            "Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0/runCommands/cmd"
            "?api-version=2024-07-01"
        )
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        created = pool.request("PUT", url, body=json.dumps(BODY), headers=headers)
        assert created.status == 201
        assert created.headers["Azure-AsyncOperation"].startswith(emu.base_url)
        # A client that does not trust the CA is refused, and the server survives it.
        with pytest.raises(urllib3.exceptions.SSLError):
            urllib3.PoolManager(retries=False).request("GET", url, headers=headers)
        assert pool.request("GET", url, headers=headers).status == 200


def test_many_clients_at_once(make_emulator, arm_for):
    emu = make_emulator()
    pool = urllib3.PoolManager(maxsize=16, retries=False)

    def work(worker: int) -> None:
        arm = arm_for(emu, pool)
        for item in range(4):
            body = arm.create(f"cmd-{worker}-{item}", instance=str(worker % 3))
            assert body["properties"]["provisioningState"] == "Succeeded"

    with ThreadPoolExecutor(max_workers=16) as executor:
        list(executor.map(work, range(16)))
    assert len(emu.run_commands) == 64
    statuses = {r.status for r in emu.requests}
    assert statuses <= {200, 201}


def test_module_runs_in_the_foreground():
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    command = [sys.executable, "-m", "vmss_runcommands.emulator", "--port", "0"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True, env=env) as process:
        try:
            assert process.stdout is not None
            exports = [process.stdout.readline().strip() for _ in range(3)]
            assert all(line.startswith("export ") for line in exports), exports
            lines = dict(line.removeprefix("export ").split("=", 1) for line in exports)
            assert lines["AZURE_SUBSCRIPTION_ID"] == "00000000-0000-0000-0000-000000000000"
            url = (
                f"{lines['VMSS_RUNCOMMANDS_ENDPOINT']}/subscriptions/"
                f"{lines['AZURE_SUBSCRIPTION_ID']}/resourceGroups/rg/"
                "providers/Microsoft.Compute/virtualMachineScaleSets/ss/virtualMachines/0/"
                "runCommands?api-version=2024-07-01"
            )
            headers = {"Authorization": f"Bearer {lines['VMSS_RUNCOMMANDS_TOKEN']}"}
            response = urllib3.request("GET", url, headers=headers, retries=False)
            assert response.json() == {"value": []}
            process.send_signal(signal.SIGINT)
            assert process.wait(timeout=10) == 0
        finally:
            if process.poll() is None:
                process.kill()


def test_requests_snapshot_is_a_copy(arm):
    arm.get("a")
    snapshot = arm.emu.requests
    arm.get("b")
    assert len(snapshot) == 1
    assert len(arm.emu.requests) == 2


def test_server_header_and_head(arm):
    response = arm.request("GET", arm.url("x"))
    assert response.headers["Server"] == "ArmEmulator/1.0"
    assert arm.request("HEAD", arm.url("x")).status == 405


def test_threads_are_daemons(emu):
    assert all(t.daemon for t in threading.enumerate() if t.name.startswith("ArmEmulator"))
