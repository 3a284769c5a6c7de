"""Every read of a hostile answer is bounded in time and memory on both transports: endless or
bombed bodies stop at the cap, huge header blocks fail, a body of millions of tiny values is
not built, and showing a huge error body masks a window of it rather than all of it."""

from __future__ import annotations

import contextlib
import gzip
import json
import socket
import zlib
from collections.abc import Callable

import pytest
import surfaces
from hostile import FakeCredential, HostileServer, Request, make_client, response_bytes
from vmss_runcommands import DecodeError, HttpResponseError, ResponseBodyTooLargeError
from vmss_runcommands.runtime.exceptions import BODY_PREVIEW_LIMIT, AzureError
from vmss_runcommands.runtime.http import MAX_JSON_VALUES
from vmss_runcommands.runtime.request_options import RequestOptions
from vmss_runcommands.runtime.retry import RetryPolicy

Handler = Callable[[socket.socket, Request], None]
CAP = 1024 * 1024


def sending(data: bytes) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        with contextlib.suppress(OSError):  # the client stops reading, as it should
            conn.sendall(data)

    return handle


def endless_chunks(conn: socket.socket, request: Request) -> None:
    head = (
        b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
    )
    chunk = b"%x\r\n%s\r\n" % (65536, b"a" * 65536)
    with contextlib.suppress(OSError):
        conn.sendall(head)
        for _ in range(1024):  # 64 MiB, far past the cap; the client hangs up first
            conn.sendall(chunk)


def bomb(encoding: str) -> Handler:
    inflated = b"\x00" * (16 * CAP)
    packed = gzip.compress(inflated) if encoding == "gzip" else zlib.compress(inflated)
    head = (
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
        f"Content-Encoding: {encoding}\r\nContent-Length: {len(packed)}\r\n\r\n"
    )
    return sending(head.encode() + packed)


def huge_head(count: int, size: int) -> Handler:
    lines = b"".join(b"X-H%d: %s\r\n" % (index, b"a" * size) for index in range(count))
    return sending(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + lines + b"\r\n{}")


@pytest.mark.parametrize(
    "answer",
    ["endless chunks", "gzip bomb", "deflate bomb"],
)
def test_a_body_stops_at_the_cap(good: HostileServer, surface: str, answer: str) -> None:
    good.handler = {
        "endless chunks": endless_chunks,
        "gzip bomb": bomb("gzip"),
        "deflate bomb": bomb("deflate"),
    }[answer]
    compressed = answer != "endless chunks"
    headers = {"Accept-Encoding": answer.split()[0]} if compressed else None
    with (
        make_client(good, max_response_body=CAP) as client,
        pytest.raises(ResponseBodyTooLargeError) as caught,
    ):
        client.send(
            "GET",
            good.base_url + "/rc",
            expected_status=(200,),
            options=RequestOptions(timeout=20, headers=headers),
        )
    assert caught.value.limit == CAP


@pytest.mark.parametrize(("count", "size"), [(20000, 8), (1, 4 * CAP)], ids=["many", "one huge"])
def test_a_huge_header_block_fails(
    good: HostileServer, surface: str, count: int, size: int
) -> None:
    good.handler = huge_head(count, size)
    with make_client(good) as client, pytest.raises(AzureError):
        client.send(
            "GET", good.base_url + "/rc", expected_status=(200,), options=RequestOptions(timeout=20)
        )


def ops_for(surface: str, server: HostileServer) -> tuple[object, object]:
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
    )
    return client, client.virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]


def test_a_body_of_millions_of_tiny_values_is_not_built(good: HostileServer, surface: str) -> None:
    # 4 MiB of JSON that would take some 150 MiB as Python objects, were it decoded.
    values = ",".join(["{}"] * (MAX_JSON_VALUES + 10))
    body = f'{{"location":"w","properties":{{"x":[{values}]}}}}'.encode()
    good.handler = sending(response_bytes(200, body))
    client, ops = ops_for(surface, good)
    try:
        with pytest.raises(DecodeError) as caught:
            ops.get("rg", "ss", "0", "rc")  # type: ignore[attr-defined]
    finally:
        client.close()  # type: ignore[attr-defined]
    assert f"more than {MAX_JSON_VALUES} values" in str(caught.value)


def test_a_huge_error_body_is_shown_from_a_masked_window(good: HostileServer, surface: str) -> None:
    # Not JSON, several MiB: masking all of it as free text took a third of a second per MiB.
    secret = "window-secret-value"
    lead = "x" * (BODY_PREVIEW_LIMIT - 40)
    body = f'{lead} "runAsPassword": "{secret}" ' + "9" * (4 * CAP)
    good.handler = sending(response_bytes(500, body.encode(), {"Content-Type": "text/plain"}))
    client, ops = ops_for(surface, good)
    try:
        with pytest.raises(HttpResponseError) as caught:
            ops.get("rg", "ss", "0", "rc")  # type: ignore[attr-defined]
    finally:
        client.close()  # type: ignore[attr-defined]
    shown = str(caught.value)
    assert f"({len(body)} bytes in total)" in shown
    assert lead in shown
    assert secret[:6] not in shown  # the value straddling the preview's end is masked
    assert json.dumps(secret) not in shown
