"""Answers whose size is fine but whose handling is not: integers of thousands of digits
(reading and writing a decimal integer takes time quadratic in its length) and an ARM error
body of megabytes (every character of an error is masked before it is shown, about a
microsecond each). Neither may cost more than a bounded amount of CPU, on either surface."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable

import pytest
import surfaces
from hostile import FakeCredential, HostileServer, Request, response_bytes
from vmss_runcommands import DecodeError, HttpResponseError, OperationFailedError
from vmss_runcommands.models import VirtualMachineRunCommand
from vmss_runcommands.runtime import redact
from vmss_runcommands.runtime.exceptions import BODY_PREVIEW_LIMIT, SHOWN_ERROR_BODY
from vmss_runcommands.runtime.http import MAX_INTEGER_DIGITS, HttpRequest, HttpResponse
from vmss_runcommands.runtime.redact import PREVIEW_MARGIN
from vmss_runcommands.runtime.retry import RetryPolicy

Handler = Callable[[socket.socket, Request], None]
SECRET = "echoed-secret-value-42"


def answering(status: int, body: bytes) -> Handler:
    def handle(conn: socket.socket, request: Request) -> None:
        conn.sendall(response_bytes(status, body))

    return handle


def get_from(server: HostileServer, surface: str) -> BaseException:
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
    )
    try:
        client.virtual_machine_scale_set_vm_run_commands.get("rg", "ss", "0", "rc")
    except Exception as error:  # the caller checks which
        return error
    finally:
        client.close()
    raise AssertionError("no error")


def long_integers(count: int, digits: int) -> str:
    return ",".join(["9" * digits] * count)


def response(body: bytes) -> HttpResponse:
    return HttpResponse(
        status_code=200, reason="OK", headers={}, body=body, request=HttpRequest("GET", "x")
    )


def test_a_large_body_of_long_integers_is_not_decoded() -> None:
    body = ("[" + long_integers(400, 4000) + "]").encode()  # 1.6 MB
    with pytest.raises(ValueError, match=f"more than {MAX_INTEGER_DIGITS} digits"):
        response(body).json()


def test_integers_a_service_may_send_are_read_in_any_body() -> None:
    big = str(2**63 - 1)
    padding = "x" * (2 * 1024 * 1024)
    decoded = response(json.dumps({"n": 2**63 - 1, "m": -5, "p": padding}).encode()).json()
    assert decoded["n"] == int(big) and decoded["m"] == -5
    # A small body is read as Python reads it (a few long integers cost little).
    assert response(("[" + long_integers(3, 4000) + "]").encode()).json()[0] == int("9" * 4000)


def test_a_model_of_long_integers_read_as_text_is_a_decode_error(
    good: HostileServer, surface: str
) -> None:
    # Lenient reading turns a number into its text where a string belongs (tags): before,
    # 8,000 integers of 4,000 digits took 2 s of CPU to read, and as long to show.
    tags = ",".join(f'"k{index}":{"9" * 4000}' for index in range(400))
    body = f'{{"location":"w","name":"rc","tags":{{{tags}}}}}'.encode()
    good.handler = answering(200, body)
    error = get_from(good, surface)
    assert isinstance(error, DecodeError)
    assert "digits" in str(error)


def huge_error(**members: object) -> bytes:
    return json.dumps({"error": {"code": "Huge", **members}}).encode()


HUGE = 4 * 1024 * 1024
HUGE_ERRORS = {
    "message": huge_error(message=f"{SECRET} " + "ab1_" * (HUGE // 4)),
    "inner error": huge_error(message="m", innererror={"trace": "ab1_" * (HUGE // 4)}),
    "details": huge_error(
        message="m", details=[{"code": "c", "message": "x" * 100}] * (HUGE // 120)
    ),
    "additional info": huge_error(
        message="m", additionalInfo=[{"type": "t", "info": {"a": "x" * 100}}] * (HUGE // 120)
    ),
    "long integers": huge_error(message="m", innererror={"n": [int("9" * 90)] * (HUGE // 91)}),
}


@pytest.mark.parametrize("part", sorted(HUGE_ERRORS))
def test_a_huge_error_body_is_shown_cut(part: str, good: HostileServer, surface: str) -> None:
    body = HUGE_ERRORS[part]
    assert len(body) > SHOWN_ERROR_BODY
    good.handler = answering(400, body)
    error = get_from(good, surface)
    assert isinstance(error, HttpResponseError)
    assert error.status_code == 400
    assert error.error is not None and error.error.code == "Huge"
    assert not error.error.details and not error.error.innererror
    assert not error.error.additional_info
    # Before, the whole body was masked and formatted into the message (megabytes of it).
    assert len(str(error)) < 4 * BODY_PREVIEW_LIMIT
    assert len(repr(error)) < 4 * BODY_PREVIEW_LIMIT
    if part != "message":
        assert "details not shown" in str(error)


def test_a_secret_at_the_start_of_a_huge_error_message_is_masked(
    good: HostileServer, surface: str
) -> None:
    # The request sends SECRET as its runAsPassword; the service echoes it first thing in a
    # message of megabytes, which is cut after masking.
    good.handler = answering(400, HUGE_ERRORS["message"])
    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
    )
    command = VirtualMachineRunCommand(location="w", run_as_password=SECRET)
    with pytest.raises(HttpResponseError) as caught:
        client.virtual_machine_scale_set_vm_run_commands.begin_create_or_update(
            "rg", "ss", "0", "rc", command
        )
    client.close()
    shown = str(caught.value) + repr(caught.value) + str(caught.value.error)
    assert SECRET not in shown and SECRET[: len(SECRET) // 2] not in shown
    assert "ab1_ab1_" in shown  # the rest is shown, cut
    assert "characters in total" in shown


def huge_failed_resource() -> bytes:
    # Megabytes of short strings (each masked on its own before) and a message of a megabyte
    # that starts with the secret the request sent.
    view = {
        "executionState": "Failed",
        "executionMessage": f"{SECRET} " + "ab1_" * (HUGE // 16),
        "exitCode": 1,
        "statuses": [{"code": "c", "level": "Info", "message": "short"}] * (HUGE // 50),
    }
    return json.dumps(
        {"location": "w", "properties": {"provisioningState": "Failed", "instanceView": view}}
    ).encode()


def test_a_huge_failed_resource_is_shown_cut_from_a_masked_window(
    good: HostileServer, surface: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    body = huge_failed_resource()
    assert len(body) > 4 * 1024 * 1024

    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":  # polled through the resource itself
            creating = b'{"location":"w","properties":{"provisioningState":"Creating"}}'
            conn.sendall(response_bytes(201, creating))
        else:
            conn.sendall(response_bytes(200, body))

    good.handler = handle
    masked: list[int] = []
    mask_free_text = redact.mask_free_text

    def counted(text: str, lowered_fields: frozenset[str] = frozenset()) -> str:
        masked.append(len(text))
        return mask_free_text(text, lowered_fields)

    client = surfaces.make_client(
        surface,
        FakeCredential(),
        "sub",
        base_url=good.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )
    command = VirtualMachineRunCommand(location="w", run_as_password=SECRET)
    try:
        poller = client.virtual_machine_scale_set_vm_run_commands.begin_create_or_update(
            "rg", "ss", "0", "rc", command
        )
        monkeypatch.setattr(redact, "mask_free_text", counted)
        with pytest.raises(OperationFailedError) as caught:
            poller.result(timeout=30)
    finally:
        monkeypatch.undo()
        client.close()
    error = caught.value
    # Before, every string of the resource was masked (1.4 s of CPU for 9.5 MB) and the
    # message held the whole summary: a megabyte.
    assert sum(masked) < 4 * (BODY_PREVIEW_LIMIT + PREVIEW_MARGIN)
    shown = str(error) + repr(error)
    assert len(str(error)) < 4 * BODY_PREVIEW_LIMIT and len(repr(error)) < 4 * BODY_PREVIEW_LIMIT
    assert SECRET not in shown and SECRET[: len(SECRET) // 2] not in shown
    assert error.status == "Failed"
    assert "executionState='Failed'" in shown and "ab1_ab1_" in shown
    assert "characters in total" in shown and "details not shown" in shown
    assert error.detail is None
    # What was there before still is: the resource as it came, and the token to resume.
    assert error.response is not None and error.response.body == body
    assert error.continuation_token is not None
    assert error.continuation_token == poller.continuation_token()
