"""Secrets a call sent live as long as that call's own objects (its request, responses, poller,
error), never in the long-lived client: once the caller lets go of them, nothing reachable from
the client holds a body's runAsPassword, protected parameter value or SAS signature."""

from __future__ import annotations

import gc
import json
import socket
import types
from collections.abc import Iterator
from typing import Any

import pytest
import surfaces
from hostile import FakeCredential, HostileServer, Request, response_bytes
from test_echoed_secrets import PASSWORD, PROTECTED, SIG, command
from vmss_runcommands import HttpResponseError
from vmss_runcommands.runtime.retry import RetryPolicy

BODY_SECRETS = (PASSWORD, PROTECTED, SIG)

# Objects whose referents lead out of the client into the interpreter at large (a function's
# globals are its whole module): not followed.
_NOT_FOLLOWED = (
    type,
    types.ModuleType,
    types.FunctionType,
    types.BuiltinFunctionType,
    types.CodeType,
    types.FrameType,
)


def reachable(root: object) -> Iterator[object]:
    """Every object reachable from ``root`` through instances and containers."""
    seen: set[int] = {id(root)}
    stack: list[object] = [root]
    while stack:
        current = stack.pop()
        yield current
        for referent in gc.get_referents(current):
            if id(referent) in seen or isinstance(referent, _NOT_FOLLOWED):
                continue
            seen.add(id(referent))
            stack.append(referent)


def secrets_held_by(root: object) -> list[str]:
    held: list[str] = []
    for item in reachable(root):
        if isinstance(item, bytes | bytearray):
            text = bytes(item).decode("utf-8", "replace")
        elif isinstance(item, str):
            text = item
        else:
            continue
        held += [secret for secret in BODY_SECRETS if secret in text]
        held += [secret for secret in BODY_SECRETS if json.dumps(secret)[1:-1] in text]
    return held


def lro_handler(server: HostileServer, *, fail: bool) -> Any:
    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            body = {"name": "rc", "properties": {"provisioningState": "Creating"}}
            poll = {"Azure-AsyncOperation": f"{server.base_url}/operations/1"}
            conn.sendall(response_bytes(201, json.dumps(body).encode(), poll))
        elif request.target.startswith("/operations/"):
            status: dict[str, Any] = {"status": "Failed" if fail else "Succeeded"}
            if fail:
                status["error"] = {"code": "ScriptFailed", "message": f"bad {PASSWORD}"}
            conn.sendall(response_bytes(200, json.dumps(status).encode()))
        else:
            body = {
                "name": "rc",
                "location": "westus",
                "properties": {"provisioningState": "Succeeded"},
            }
            conn.sendall(response_bytes(200, json.dumps(body).encode()))

    return handle


@pytest.mark.parametrize("fail", [False, True], ids=["succeeds", "fails"])
def test_the_client_keeps_no_secret_a_finished_call_sent(
    good: HostileServer, surface: str, fail: bool
) -> None:
    good.handler = lro_handler(good, fail=fail)
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
        for name in ("rc1", "rc2"):  # the same body twice: nothing remembers it either
            poller = ops.begin_create_or_update("rg", "ss", "0", name, command())
            if fail:
                with pytest.raises(HttpResponseError):
                    poller.result(timeout=10)
            else:
                assert poller.result(timeout=10) is not None
            # The call's own objects do carry the values, for as long as they live.
            method = surfaces.unwrap(poller).polling_method()
            assert PASSWORD in getattr(method, "core", method)._sent_secrets
            del poller, method
        assert any(PROTECTED in request.body.decode() for request in good.requests)
        gc.collect()
        assert secrets_held_by(surfaces.unwrap(client)) == []
    finally:
        client.close()
