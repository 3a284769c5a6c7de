"""JSON nested as deep as the decoder follows (a few hundred levels, under the recursion limit)
in what a hostile service sends -- a model's unknown keys, an error's details, inner error and
additional info, a failed operation's error -- gives a model or a typed error that can be shown:
never a bare ``RecursionError`` from a repr, an error message or the masking behind them."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest
import surfaces
from hostile import FakeCredential, HostileServer, Request, response_bytes
from vmss_runcommands import HttpResponseError
from vmss_runcommands.runtime.redact import SHOWN_DEPTH, TOO_DEEP
from vmss_runcommands.runtime.retry import RetryPolicy

Handler = Callable[[socket.socket, Request], None]


def nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


def client_for(surface: str, server: HostileServer) -> object:
    return surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )


@pytest.mark.parametrize("depth", [600, 800])
def test_a_model_with_deeply_nested_unknown_keys_can_be_shown(
    good: HostileServer, surface: str, depth: int
) -> None:
    deep = nested(depth)
    body = f'{{"location":"w","properties":{{"x":{deep},"instanceView":{{"y":{deep}}}}}}}'
    good.handler = lambda conn, request: conn.sendall(response_bytes(200, body.encode()))
    client = client_for(surface, good)
    try:
        found = client.virtual_machine_scale_set_vm_run_commands.get("rg", "ss", "0", "rc")  # type: ignore[attr-defined]
    finally:
        client.close()  # type: ignore[attr-defined]
    shown = repr(found) + str(found) + repr(found.instance_view)
    assert "VirtualMachineRunCommand(" in shown
    assert found.to_dict()["properties"]["x"] == json.loads(deep)  # kept whole, only shown cut
    assert TOO_DEEP in repr(found.instance_view)


def failing_lro(server: HostileServer, depth: int) -> Handler:
    deep = nested(depth)
    error = (
        f'{{"code":"Deep","message":"nested","details":[{{"code":"c","message":"m","x":{deep}}}],'
        f'"additionalInfo":[{{"type":"t","info":{deep}}}],"innererror":{deep}}}'
    )

    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            poll = {"Azure-AsyncOperation": f"{server.base_url}/operations/1"}
            conn.sendall(response_bytes(201, b'{"location":"w","properties":{}}', poll))
        elif request.target.startswith("/operations/"):
            conn.sendall(response_bytes(200, f'{{"status":"Failed","error":{error}}}'.encode()))
        else:
            conn.sendall(response_bytes(400, f'{{"error":{error}}}'.encode()))

    return handle


@pytest.mark.parametrize("call", ["get", "lro"])
@pytest.mark.parametrize("depth", [600, 800])
def test_an_error_with_deeply_nested_details_is_a_typed_error_that_can_be_shown(
    good: HostileServer, surface: str, depth: int, call: str
) -> None:
    good.handler = failing_lro(good, depth)
    client = client_for(surface, good)
    ops = client.virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]
    try:
        with pytest.raises(HttpResponseError) as caught:
            if call == "get":
                ops.get("rg", "ss", "0", "rc")
            else:
                ops.begin_create_or_update("rg", "ss", "0", "rc", {"location": "w"}).result(
                    timeout=10
                )
    finally:
        client.close()  # type: ignore[attr-defined]
    error = caught.value
    shown = str(error) + repr(error) + str(error.error) + repr(vars(error))
    assert "nested" in shown and "Deep" in shown
    assert TOO_DEEP in shown
    # Cut at SHOWN_DEPTH: what is shown stays in proportion, however deep the answer.
    assert str(error).count('"a"') <= 2 * SHOWN_DEPTH
