"""A traceback rendered with its frames' locals (``traceback.TracebackException(capture_locals=
True)``, as error trackers and ``logging`` setups do) shows each local with ``repr``. The frames
of a failed call hold the request body, the headers it was sent with and the poller's state:
none of them may show the bearer token, a password, a protected value or a signature."""

from __future__ import annotations

import json
import socket
import traceback
from collections.abc import Callable

import pytest
import surfaces
from hostile import TOKEN, FakeCredential, HostileServer, Request, response_bytes
from test_echoed_secrets import PASSWORD, PROTECTED, SIG, command
from vmss_runcommands import AzureError
from vmss_runcommands.runtime.body_encoding import serialize_body
from vmss_runcommands.runtime.retry import RetryPolicy

SECRETS = (PASSWORD, json.dumps(PASSWORD)[1:-1], PROTECTED, SIG, TOKEN)


def frames_shown(error: BaseException) -> str:
    """The traceback with every frame's locals, the test's own frames left out (they hold the
    secrets as constants)."""
    rendered = traceback.TracebackException.from_exception(error, capture_locals=True)
    shown: list[str] = []
    for frame in rendered.stack:
        if frame.filename == __file__:
            continue
        shown.append(f"{frame.name}: {frame.locals}")
    return "\n".join(shown)


def cut(conn: socket.socket, request: Request) -> None:
    conn.shutdown(socket.SHUT_RDWR)  # at once (close waits for the server's reader)


def rejected(conn: socket.socket, request: Request) -> None:
    conn.sendall(response_bytes(400, b'{"error":{"code":"Bad","message":"no"}}'))


def failing_poll(server: HostileServer) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            poll = {"Azure-AsyncOperation": f"{server.base_url}/operations/1?sig={SIG}"}
            conn.sendall(response_bytes(201, b'{"properties":{}}', poll))
        else:
            cut(conn, request)

    return handle


@pytest.mark.parametrize("answer", ["cut", "rejected", "poll cut"])
def test_no_frame_of_a_failed_call_shows_a_secret_in_its_locals(
    good: HostileServer, surface: str, answer: str
) -> None:
    good.handler = {"cut": cut, "rejected": rejected, "poll cut": failing_poll(good)}[answer]
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    try:
        ops = client.virtual_machine_scale_set_vm_run_commands
        with pytest.raises(AzureError) as caught:
            ops.begin_create_or_update("rg", "ss", "0", "rc", command()).result(timeout=10)
    finally:
        client.close()
    assert good.requests[0].header("authorization") == f"Bearer {TOKEN}"
    shown = frames_shown(caught.value)
    assert "_send" in shown  # the frames are there, with their locals
    for secret in SECRETS:
        assert secret not in shown


def test_a_body_that_cannot_be_encoded_leaves_no_secret_in_the_frame() -> None:
    from vmss_runcommands.models import VirtualMachineRunCommand
    from vmss_runcommands.v2024_07_01.models import CODEC

    model = command()
    model.additional_properties["unencodable"] = object()
    with pytest.raises(TypeError) as caught:
        serialize_body(model, VirtualMachineRunCommand, CODEC, "run_command")
    assert "run_command" in str(caught.value)
    shown = frames_shown(caught.value)
    assert "serialize_body" in shown
    for secret in SECRETS:
        assert secret not in shown


def test_the_body_and_headers_sent_show_their_size_and_names_only() -> None:
    from vmss_runcommands.models import VirtualMachineRunCommand
    from vmss_runcommands.runtime.redact import SecretHeaders
    from vmss_runcommands.v2024_07_01.models import CODEC

    body = serialize_body(command(), VirtualMachineRunCommand, CODEC, "run_command")
    assert isinstance(body, bytes) and PROTECTED.encode() in body  # still the real bytes
    assert json.loads(body)["properties"]["runAsPassword"] == PASSWORD
    headers = SecretHeaders({"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"})
    for shown in (repr(body), str(body), repr(headers), str(headers), f"{headers}"):
        for secret in SECRETS:
            assert secret not in shown
    assert "Accept" in repr(headers) and "application/json" in repr(headers)
    assert dict(headers)["Authorization"] == f"Bearer {TOKEN}"


AUXILIARY = "aux-token-never-shown-2f9c"


@pytest.mark.parametrize("answer", ["cut", "rejected"])
def test_the_callers_auxiliary_token_header_is_not_a_plain_local_of_the_operation(
    good: HostileServer, surface: str, answer: str
) -> None:
    good.handler = {"cut": cut, "rejected": rejected}[answer]
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    headers = {"x-ms-authorization-auxiliary": f"Bearer {AUXILIARY}", "x-trace": "kept"}
    try:
        ops = client.virtual_machine_scale_set_vm_run_commands
        with pytest.raises(AzureError) as caught:
            ops.begin_create_or_update("rg", "ss", "0", "rc", command(), headers=headers).result(
                timeout=10
            )
    finally:
        client.close()
    assert good.requests[0].header("x-ms-authorization-auxiliary") == f"Bearer {AUXILIARY}"
    # The package's frames (not the test's nor the async facade's, which hold the caller's
    # arguments as the caller's own frame does).
    rendered = traceback.TracebackException.from_exception(caught.value, capture_locals=True)
    shown = "\n".join(
        f"{frame.name}: {frame.locals}"
        for frame in rendered.stack
        if frame.filename not in (__file__, surfaces.__file__)
    )
    assert "begin_create_or_update" in shown  # the operation's own frame, with its locals
    assert "x-trace" in shown  # its headers are there, the token masked
    assert AUXILIARY not in shown
    for secret in SECRETS:
        assert secret not in shown
