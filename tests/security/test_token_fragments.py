"""A status link a service wrote with a credential in its fragment (``#access_token=...``): the
fragment is never sent, so the continuation token -- which travels through storage, queues
and logs -- does not keep it, and a poller resumed from the token polls the same URL."""

from __future__ import annotations

import base64
import json
import socket

import surfaces
from hostile import FakeCredential, HostileServer, Request, response_bytes
from vmss_runcommands.runtime.retry import RetryPolicy

SECRET = "fragment-secret-0123"


def test_a_fragment_of_a_poll_link_stays_out_of_the_continuation_token(
    good: HostileServer, surface: str
) -> None:
    polls: list[str] = []

    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            links = {
                "Azure-AsyncOperation": f"{good.base_url}/operations/1?a=1#access_token={SECRET}",
                "Location": f"{good.base_url}/operations/2#sig={SECRET}",
            }
            body = b'{"location":"w","properties":{"provisioningState":"Creating"}}'
            conn.sendall(response_bytes(201, body, links))
        elif request.target.startswith("/operations/"):
            polls.append(request.target)
            conn.sendall(response_bytes(200, b'{"status":"Succeeded"}'))
        else:
            body = b'{"location":"w","properties":{"provisioningState":"Succeeded"}}'
            conn.sendall(response_bytes(200, body))

    good.handler = handle
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
        token = ops.begin_create_or_update(
            "rg", "ss", "0", "rc", {"location": "w"}
        ).continuation_token()
        decoded = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        assert SECRET not in decoded
        assert json.loads(decoded)["data"]["poll_url"] == f"{good.base_url}/operations/1?a=1"
        resumed = ops.begin_create_or_update(
            "rg", "ss", "0", "rc", {"location": "w"}, continuation_token=token
        )
        assert resumed.result(timeout=10).provisioning_state == "Succeeded"
    finally:
        client.close()
    assert polls == ["/operations/1?a=1"]
