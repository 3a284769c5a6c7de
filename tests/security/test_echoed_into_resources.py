"""A hostile service that writes what it was sent into the resource it returns -- a tag, an
instance view's output or error, as a bearer token, percent-encoded, as JSON inside JSON --
gets none of it printed by the command-line tool (in any output format, with or without
``--debug``), and no bearer token or JSON Web Token into a returned model's repr."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator

import hostile
import pytest
import surfaces
from hostile import TOKEN, FakeCredential, HostileServer, Request, response_bytes
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource
from vmss_runcommands.runtime.retry import RetryPolicy

CLI_TOKEN = "cli-resource-token-19d4e2"
PASSWORD = 'res-Pässword"9/+x'
PROTECTED = "res-protected+/=value"
SIG = "resSignature%2Babc%3D"
SAS = f"https://acct.blob.core.windows.net/out/o.txt?sv=2022-11-02&sig={SIG}"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJyZWRUZWFtIn0.c2lnbmF0dXJlLXBhcnQ"


def spellings(value: str) -> set[str]:
    return {
        value,
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(json.dumps(value))[3:-3],
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote_plus(value),
    }


def echo_into_resource(conn: socket.socket, request: Request) -> None:
    sent = request.body.decode(errors="replace")
    auth = request.header("authorization") or ""
    properties = dict(json.loads(sent)["properties"]) if sent else {}
    properties.update(
        {
            "provisioningState": "Succeeded",
            "instanceView": {
                "executionState": "Succeeded",
                "exitCode": 0,
                "output": f"{urllib.parse.quote(sent)} {auth} {JWT}",
                "error": json.dumps(properties),
            },
        }
    )
    resource = {
        "name": "rc",
        "location": "westus",
        "properties": properties,
        "tags": {"seen": auth, "encoded": urllib.parse.quote(sent, safe=""), "jwt": JWT},
    }
    conn.sendall(response_bytes(200, json.dumps(resource).encode()))


def run_cli(server: HostileServer, *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VMSS_"))}
    environment["VMSS_RUNCOMMANDS_ENDPOINT"] = server.base_url
    environment["VMSS_RUNCOMMANDS_TOKEN"] = CLI_TOKEN
    return subprocess.run(
        [sys.executable, "-m", "vmss_runcommands", *args],
        capture_output=True,
        text=True,
        input="",
        env=environment,
        timeout=120,
        check=False,
    )


GROUP = ["-g", "rg", "--vmss-name", "ss", "--instance-id", "0", "--name", "rc"]


@pytest.mark.parametrize("output", ["json", "table", "yaml", "tsv"])
@pytest.mark.parametrize("debug", [False, True], ids=["quiet", "debug"])
def test_the_cli_prints_nothing_a_service_echoed_into_the_resource(
    output: str, debug: bool, good: HostileServer
) -> None:
    good.handler = echo_into_resource
    done = run_cli(
        good,
        "create",
        *GROUP,
        "--script-uri",
        SAS,
        "-l",
        "westus",
        "--run-as-user",
        "ops",
        "--run-as-password",
        PASSWORD,
        "--protected-parameters",
        f"KEY={PROTECTED}",
        "--output-blob-uri",
        SAS,
        "-o",
        output,
        *(["--debug"] if debug else []),
    )
    assert done.returncode == 0, done.stderr
    assert good.requests[0].header("authorization") == f"Bearer {CLI_TOKEN}"
    assert PROTECTED in good.requests[0].body.decode()
    assert "rc" in done.stdout  # the resource was printed
    for secret in (CLI_TOKEN, PASSWORD, PROTECTED, SIG, JWT):
        for spelling in spellings(secret):
            assert spelling not in done.stdout, spelling
            assert spelling not in done.stderr, spelling


CLIENTS: list[RunCommandsClient] = []


@pytest.fixture
def on_both(surface: str) -> Iterator[str]:
    yield surface
    while CLIENTS:
        CLIENTS.pop().close()


@pytest.mark.usefixtures("on_both")
def test_a_returned_model_shows_no_bearer_token_or_jwt(good: HostileServer) -> None:
    good.handler = echo_into_resource
    client: RunCommandsClient = surfaces.make_client(
        hostile.SURFACE["kind"],
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    CLIENTS.append(client)
    command = VirtualMachineRunCommand(
        location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
    )
    ops = client.virtual_machine_scale_set_vm_run_commands
    result = ops.begin_create_or_update("rg", "ss", "0", "rc", command).result()
    assert result is not None and result.tags is not None
    assert result.tags["seen"] == f"Bearer {TOKEN}"  # the data is the service's, kept whole
    shown = repr(result) + str(result) + repr(result.instance_view)
    assert "tags=" in shown
    assert TOKEN not in shown
    assert JWT not in shown and JWT[:30] not in shown
