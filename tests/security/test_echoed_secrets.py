"""A service that echoes back what the request sent -- the body's runAsPassword, protected
parameter values and SAS signatures, or the bearer token -- in an error message, an operation's
failure or a header must not get those values into an exception or a log line."""

from __future__ import annotations

import asyncio
import json
import logging
import socket
import time
import traceback
from collections.abc import Callable, Iterator

import hostile
import pytest
import surfaces
from hostile import TOKEN, FakeCredential, HostileServer, Request, response_bytes
from vmss_runcommands import AzureError, HttpResponseError, RunCommandsClient
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.http import HttpRequest
from vmss_runcommands.runtime.redact import SecretValues, secret_values_in_body
from vmss_runcommands.runtime.retry import RetryPolicy
from vmss_runcommands.runtime.transport import Urllib3Transport

PASSWORD = 'echoed-Pa$$word"quoted'
PROTECTED = "echoed-protected-value"
SIG = "echoedSASsignature0123"
SECRETS = (PASSWORD, PROTECTED, SIG, TOKEN)


def command() -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script="echo hi"),
        run_as_password=PASSWORD,
        protected_parameters=[RunCommandInputParameter(name="KEY", value=PROTECTED)],
        output_blob_uri=f"https://acct.blob.core.windows.net/out/o.txt?sv=2022-11-02&sig={SIG}",
    )


def client_for(server: HostileServer) -> RunCommandsClient:
    """The sync or the async client (behind tests/surfaces.py's facade), as the ``surface``
    fixture says."""
    client: RunCommandsClient = surfaces.make_client(
        hostile.SURFACE["kind"],
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    CLIENTS.append(client)
    return client


CLIENTS: list[RunCommandsClient] = []


@pytest.fixture
def on_both(surface: str) -> Iterator[str]:
    """Runs a test against the sync and the async client; closes what it made."""
    yield surface
    while CLIENTS:
        CLIENTS.pop().close()


def everything_shown(error: BaseException) -> str:
    """What a user, a log or a debugger can see of an exception."""
    shown = [repr(error), str(error), "".join(traceback.format_exception(error))]
    shown += [repr(value) for value in vars(error).values()]
    detail = getattr(error, "error", None)
    if detail is not None:
        shown += [str(detail), repr(detail), str(detail.message), str(detail.target)]
    return "\n".join(shown)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text
        assert json.dumps(secret)[1:-1] not in text  # nor its JSON-escaped form


def echoing(status: int) -> Callable[[socket.socket, Request], None]:
    """Answers with an ARM error whose message, target and details repeat the request."""

    def handle(conn: socket.socket, request: Request) -> None:
        echoed = f"{request.body.decode()} with {request.header('authorization')}"
        error = {
            "code": "InvalidParameter",
            "message": f"cannot accept {echoed}",
            "target": PASSWORD,
            "details": [{"code": "Inner", "message": echoed}],
            "innererror": {"seen": echoed},
        }
        headers = {"WWW-Authenticate": f'Bearer error="{request.header("authorization")}"'}
        conn.sendall(response_bytes(status, json.dumps({"error": error}).encode(), headers))

    return handle


@pytest.mark.parametrize("status", [400, 401, 404, 409, 500])
@pytest.mark.usefixtures("on_both")
def test_an_error_echoing_the_request_shows_none_of_its_secrets(
    status: int, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    good.handler = echoing(status)
    ops = client_for(good).virtual_machine_scale_set_vm_run_commands
    with caplog.at_level(logging.DEBUG), pytest.raises(HttpResponseError) as caught:
        ops.begin_create_or_update("rg", "ss", "0", "rc", command())
    assert good.requests and PROTECTED in good.requests[0].body.decode()  # it was echoed
    assert caught.value.status_code == status
    assert caught.value.error is not None and caught.value.error.code == "InvalidParameter"
    assert "cannot accept" in str(caught.value)  # the message is still there, masked
    assert_no_secret(everything_shown(caught.value))
    assert_no_secret(caplog.text)
    assert "Response body" in caplog.text  # the body was logged, masked


@pytest.mark.usefixtures("on_both")
def test_an_error_that_is_not_arm_json_is_masked_too(good: HostileServer) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        seen = f"{request.header('authorization')} {PROTECTED}".encode()
        body = b"<html>rejected " + request.body + b" " + seen + b"</html>"
        conn.sendall(response_bytes(502, body, {"Content-Type": "text/html"}))

    good.handler = handle
    ops = client_for(good).virtual_machine_scale_set_vm_run_commands
    with pytest.raises(HttpResponseError) as caught:
        ops.begin_create_or_update("rg", "ss", "0", "rc", command())
    assert "rejected" in str(caught.value)
    assert_no_secret(everything_shown(caught.value))


@pytest.mark.usefixtures("on_both")
def test_a_failed_operation_echoing_the_first_request_shows_none_of_its_secrets(
    good: HostileServer,
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            body = {"name": "rc", "properties": {"provisioningState": "Creating"}}
            poll = {"Azure-AsyncOperation": f"{good.base_url}/operations/1"}
            conn.sendall(response_bytes(201, json.dumps(body).encode(), poll))
            return
        failure = {
            "status": "Failed",
            "error": {"code": "ScriptFailed", "message": f"bad password {PASSWORD}, {PROTECTED}"},
        }
        conn.sendall(response_bytes(200, json.dumps(failure).encode()))

    good.handler = handle
    ops = client_for(good).virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update("rg", "ss", "0", "rc", command())
    with pytest.raises(HttpResponseError) as caught:
        poller.result(timeout=10)
    assert "bad password" in str(caught.value)
    assert_no_secret(everything_shown(caught.value))


def test_secret_values_are_collected_from_the_body_and_never_shown() -> None:
    body = json.dumps(command().to_dict()).encode()
    values = secret_values_in_body(body, {"runAsPassword", "protectedParameters"})
    assert {PASSWORD, PROTECTED, SIG} <= values
    assert "KEY" not in values  # a protected parameter's name is not secret
    assert isinstance(values, SecretValues)
    for secret in (PASSWORD, PROTECTED, SIG):
        assert secret not in repr(values) and secret not in str(values)


def _chain(error: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        yield error
        error = error.__cause__ or error.__context__


async def _send_async(url: str) -> None:
    from vmss_runcommands.runtime.aio.transport import AiohttpTransport

    async with AiohttpTransport(read_timeout=0.5) as transport:
        await transport.send(HttpRequest("GET", url), retry_policy=RetryPolicy(total=1))


@pytest.mark.parametrize("answer", ["cut", "slow"])
def test_a_failed_request_to_a_signed_url_keeps_the_signature_out_of_the_chain(
    answer: str, good: HostileServer, surface: str
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        if answer == "slow":
            time.sleep(1.5)
        conn.close()

    good.handler = handle
    url = f"{good.base_url}/operations/1?api-version=2024-11-01&sig={SIG}&s={SIG}"
    with pytest.raises(AzureError) as caught:
        if surface == "sync":
            with Urllib3Transport(read_timeout=0.5, proxies_from_env=False) as transport:
                transport.send(HttpRequest("GET", url), retry_policy=RetryPolicy(total=1))
        else:
            asyncio.run(_send_async(url))
    shown = "".join(traceback.format_exception(caught.value))
    shown += "".join(f"{error!r} {error}" for error in _chain(caught.value))
    assert "operations/1" in shown  # the failure still says where
    assert SIG not in shown
