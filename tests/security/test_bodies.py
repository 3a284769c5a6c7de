"""Point 4: no response can exhaust the client's memory, and no JSON its stack."""

from __future__ import annotations

import base64
import gzip
import json
import socket
import threading
import time
import tracemalloc

import pytest
from hostile import HostileServer, Request, make_client, reply, response_bytes
from vmss_runcommands.runtime.body import DEFAULT_MAX_RESPONSE_BODY
from vmss_runcommands.runtime.client import RequestOptions
from vmss_runcommands.runtime.exceptions import (
    DecodeError,
    HttpResponseError,
    ResponseBodyTooLargeError,
)
from vmss_runcommands.runtime.polling import decode_continuation_token

# Every test here runs against the sync and the async client.
pytestmark = pytest.mark.usefixtures("surface")

MIB = 1024 * 1024
GIB = 1024 * MIB


def endless(sent: list[int], *, limit: int = GIB, chunked: bool = False) -> object:
    """A 1 GiB body, announced (Content-Length) or chunked; counts what it got to send."""

    def handle(conn: socket.socket, request: Request) -> None:
        headers = {"Transfer-Encoding": "chunked"} if chunked else {"Content-Length": str(limit)}
        conn.sendall(response_bytes(200, b"", headers, length=False))
        block = b"x" * (64 * 1024)
        framed = b"%x\r\n%s\r\n" % (len(block), block) if chunked else block
        while sent[0] < limit:
            conn.sendall(framed)
            sent[0] += len(block)

    return handle


def test_the_default_cap_is_documented_and_32_mib() -> None:
    assert DEFAULT_MAX_RESPONSE_BODY == 32 * MIB


def test_an_announced_oversized_body_is_refused_before_reading_it(good: HostileServer) -> None:
    sent = [0]
    good.handler = endless(sent)  # type: ignore[assignment]
    with (
        make_client(good) as client,
        pytest.raises(ResponseBodyTooLargeError, match="announces") as caught,
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert caught.value.limit == DEFAULT_MAX_RESPONSE_BODY


@pytest.mark.parametrize("where", ["client", "call"])
def test_a_streamed_body_stops_at_the_cap_in_bounded_memory(
    where: str, good: HostileServer
) -> None:
    sent = [0]
    good.handler = endless(sent, chunked=True)  # type: ignore[assignment]
    cap = 2 * MIB
    client_cap = {"max_response_body": cap} if where == "client" else {}
    options = RequestOptions(max_response_body=cap) if where == "call" else None
    with make_client(good, **client_cap) as client:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseBodyTooLargeError, match="larger"):
                client.send("GET", good.base_url + "/rc", expected_status=(200,), options=options)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    # The cap plus a chunk in flight and the final join, never the gigabyte on offer.
    assert peak < 3 * cap
    assert sent[0] < 64 * MIB


def test_a_gzip_bomb_is_not_inflated_past_the_cap(good: HostileServer) -> None:
    bomb = gzip.compress(b"\0" * (64 * MIB), compresslevel=9)
    assert len(bomb) < MIB
    good.handler = reply(200, bomb, {"Content-Encoding": "gzip"})
    options = RequestOptions(headers={"Accept-Encoding": "gzip"})
    with make_client(good, max_response_body=4 * MIB) as client:
        tracemalloc.start()
        try:
            with pytest.raises(ResponseBodyTooLargeError):
                client.send("GET", good.base_url + "/rc", expected_status=(200,), options=options)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
    assert peak < 16 * MIB


def test_requested_compression_is_inflated_within_the_cap(good: HostileServer) -> None:
    good.handler = reply(200, gzip.compress(b'{"a": 1}'), {"Content-Encoding": "gzip"})
    options = RequestOptions(headers={"Accept-Encoding": "gzip"})
    with make_client(good) as client:
        response = client.send(
            "GET", good.base_url + "/rc", expected_status=(200,), options=options
        )
    assert response.json() == {"a": 1}


def test_compression_is_neither_asked_for_nor_inflated_unasked(good: HostileServer) -> None:
    compressed = gzip.compress(b'{"a": 1}')
    good.handler = reply(200, compressed, {"Content-Encoding": "gzip"})
    with make_client(good) as client:
        response = client.send("GET", good.base_url + "/rc", expected_status=(200,))
        assert response.body == compressed
        with pytest.raises(DecodeError):
            client.deserialize(response, dict)
    encoding = good.requests[0].header("accept-encoding")
    assert encoding in (None, "identity")


DEEP = b"[" * 100_000 + b"]" * 100_000


def test_deeply_nested_json_in_a_body_is_a_decode_error(good: HostileServer) -> None:
    good.handler = reply(200, DEEP)
    with make_client(good) as client:
        response = client.send("GET", good.base_url + "/rc", expected_status=(200,))
        with pytest.raises(DecodeError):
            client.deserialize(response, list)


def test_deeply_nested_json_in_an_error_body_still_makes_a_readable_error(
    good: HostileServer,
) -> None:
    good.handler = reply(400, DEEP)
    with (
        make_client(good) as client,
        pytest.raises(HttpResponseError) as caught,
    ):
        client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert "400" in str(caught.value) or "invalid status" in str(caught.value)


def test_deeply_nested_json_in_an_lro_answer_is_a_decode_error(good: HostileServer) -> None:
    good.handler = reply(200, DEEP)
    with (
        make_client(good) as client,
        pytest.raises((DecodeError, ValueError)),
    ):
        client.begin_lro(
            "PUT",
            good.base_url + "/rc",
            body=b"{}",
            expected_status=(200,),
            deserialize=dict,
            operation_id="op",
        ).result(timeout=5)


def test_a_deeply_nested_continuation_token_is_a_value_error() -> None:
    token = base64.urlsafe_b64encode(b"[" * 5000 + b"]" * 5000).decode().rstrip("=")
    with pytest.raises(ValueError, match="continuation token"):
        decode_continuation_token(token)


# Threads sharing one client / a caller's urllib3 pool: sync-only by nature.
@pytest.mark.parametrize("surface", ["sync"], indirect=True)
def test_many_threads_each_get_their_own_limit(good: HostileServer) -> None:
    # The per-call deadline and cap are per call: a tight one in one thread does not leak
    # into calls made at the same time from others.
    good.handler = reply(200, json.dumps({"v": "x" * 1000}).encode())
    errors: list[BaseException] = []
    with make_client(good) as client:

        def call(cap: int | None) -> None:
            try:
                client.send(
                    "GET",
                    good.base_url + "/rc",
                    expected_status=(200,),
                    options=RequestOptions(max_response_body=cap),
                )
            except ResponseBodyTooLargeError as error:
                errors.append(error)

        threads = [threading.Thread(target=call, args=(10 if i % 2 else None,)) for i in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=10)
    assert len(errors) == 4


def test_the_generated_client_caps_bodies_per_client_and_per_call() -> None:
    from vmss_runcommands import RunCommandsClient
    from vmss_runcommands.emulator import ArmEmulator

    with ArmEmulator() as emu:
        tight = RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, max_response_body=4
        )
        with tight, pytest.raises(ResponseBodyTooLargeError):
            list(tight.virtual_machine_scale_set_vm_run_commands.list("rg", "vmss", "0"))
        roomy = RunCommandsClient(emu.credential, emu.subscription_id, base_url=emu.base_url)
        with roomy:
            ops = roomy.virtual_machine_scale_set_vm_run_commands
            assert list(ops.list("rg", "vmss", "0")) == []
            with pytest.raises(ResponseBodyTooLargeError):
                list(ops.list("rg", "vmss", "0", max_response_body=4))


def test_an_endless_body_on_a_retried_answer_is_not_drained(good: HostileServer) -> None:
    # urllib3 reads a retried response's body to the end before the next attempt; an endless
    # one would hold the call (no timeout given here) for as long as the server likes.
    from hostile import routes
    from vmss_runcommands.runtime.retry import RetryPolicy

    attempts = [0]

    def throttled_then_ok(conn: socket.socket, request: Request) -> None:
        attempts[0] += 1
        if attempts[0] == 1:
            conn.sendall(
                response_bytes(
                    503, b"", {"Transfer-Encoding": "chunked", "Retry-After": "0"}, length=False
                )
            )
            block = b"%x\r\n%s\r\n" % (65536, b"x" * 65536)
            deadline = time.monotonic() + 20
            while time.monotonic() < deadline:
                conn.sendall(block)
        else:
            conn.sendall(response_bytes(200, b"{}"))

    good.handler = routes({"GET /": throttled_then_ok})
    with make_client(good, retry_policy=RetryPolicy(backoff_factor=0)) as client:
        started = time.monotonic()
        response = client.send("GET", good.base_url + "/rc", expected_status=(200,))
    assert response.json() == {}
    assert time.monotonic() - started < 10
