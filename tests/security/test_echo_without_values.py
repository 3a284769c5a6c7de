"""Secrets a hostile service sends back where the runtime cannot know their values: a status
poll's DEBUG line (logged before the poller sees the answer), a poller resumed from a
continuation token (which never holds a secret), another token it echoes. They are masked by
structure (secret keys, also in JSON quoted inside a message) and by shape (bearer tokens, JSON
Web Tokens, ``sig=``, ``password=...``), on both surfaces."""

from __future__ import annotations

import json
import logging
import socket
import traceback

import pytest
from hostile import TOKEN, FakeCredential, HostileServer, Request, response_bytes
from surfaces import make_client, unwrap
from vmss_runcommands import HttpResponseError
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.exceptions import ErrorDetail, map_error
from vmss_runcommands.runtime.http import HttpRequest, HttpResponse
from vmss_runcommands.runtime.redact import (
    is_secret_key,
    mask_free_text,
    redact_json_bytes,
)
from vmss_runcommands.runtime.retry import RetryPolicy

PASSWORD = "leaky-Password-4471"
PROTECTED = "leaky-protected-9902"
SIG = "leakySASsignature77"
AUX = "auxiliary-tenant-token-5150"
JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzb21lb25lIn0.c2lnbmF0dXJlLXBhcnQtb2Y"
SECRETS = (PASSWORD, PROTECTED, SIG, AUX, JWT, TOKEN)


def command() -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script="echo hi"),
        run_as_password=PASSWORD,
        protected_parameters=[RunCommandInputParameter(name="KEY", value=PROTECTED)],
    )


def client_for(kind: str, server: HostileServer) -> object:
    return make_client(
        kind,
        FakeCredential(),
        "sub",
        base_url=server.base_url,
        retry_policy=RetryPolicy.no_retries(),
        polling_interval=0,
    )


def everything_shown(error: BaseException) -> str:
    shown = [repr(error), str(error), "".join(traceback.format_exception(error))]
    shown += [repr(value) for value in vars(error).values()]
    for name in ("message", "error", "model", "detail", "exc_msg"):
        value = getattr(error, name, None)
        if value is not None:
            shown += [str(value), repr(value)]
    detail = getattr(error, "error", None)
    if detail is not None:
        shown += [str(detail.message), str(detail.target), repr(detail.innererror)]
        shown += [detail.format()]
    return "\n".join(shown)


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def lro_server(server: HostileServer, poll_body: dict[str, object]) -> None:
    """A PUT answered 201 with a status link; the link answers ``poll_body``."""

    def handle(conn: socket.socket, request: Request) -> None:
        if request.method == "PUT":
            link = {"Azure-AsyncOperation": f"{server.base_url}/operations/1"}
            body = b'{"properties":{"provisioningState":"Creating"}}'
            conn.sendall(response_bytes(201, body, link))
        elif request.target.startswith("/operations/1"):
            conn.sendall(response_bytes(200, json.dumps(poll_body).encode()))
        else:
            done: dict[str, object] = {"name": "rc", "location": "westus"}
            done["properties"] = {"provisioningState": "Succeeded"}
            conn.sendall(response_bytes(200, json.dumps(done).encode()))

    server.handler = handle


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_status_poll_echoing_the_first_request_is_masked_in_its_debug_line(
    kind: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    # Free prose: only the values the first request sent can find these.
    lro_server(good, {"status": "Succeeded", "properties": {"note": f"{PASSWORD} {PROTECTED}"}})
    ops = client_for(kind, good).virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]
    with caplog.at_level(logging.DEBUG, logger="vmss_runcommands"):
        ops.begin_create_or_update("rg", "ss", "0", "rc", command()).result(timeout=10)
    polls = [r for r in good.requests if r.target.startswith("/operations/1")]
    assert polls  # the poll was made and answered
    assert "Response body" in caplog.text and '"note"' in caplog.text  # and logged
    assert_no_secret(caplog.text)


HOSTILE_FAILURE = (
    f'rejected {{"runAsPassword":"{PASSWORD}","protectedParameters":'
    f'[{{"name":"KEY","value":"{PROTECTED}"}}]}}; retry with runAsPassword={PASSWORD} '
    f"from https://acct.blob.core.windows.net/c/s.sh?sv=2022&sig={SIG} as Bearer {AUX} "
    f"(caller {JWT})"
)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_resumed_poller_masks_an_echo_it_knows_no_value_of(
    kind: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    lro_server(good, {"status": "InProgress"})
    ops = client_for(kind, good).virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]
    token = ops.begin_create_or_update("rg", "ss", "0", "rc", command()).continuation_token()
    assert_no_secret(token)
    failure = {
        "status": "Failed",
        "error": {
            "code": "Rejected",
            "message": HOSTILE_FAILURE,
            "target": f"runAsPassword={PASSWORD}",
            "details": [{"code": "Echo", "message": HOSTILE_FAILURE}],
            "innererror": {"request": {"runAsPassword": PASSWORD}, "text": HOSTILE_FAILURE},
        },
        "properties": {"runAsPassword": PASSWORD, "accessToken": JWT},
    }
    lro_server(good, failure)
    resumed = client_for(kind, good).virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]
    with caplog.at_level(logging.DEBUG), pytest.raises(HttpResponseError) as caught:
        resumed.begin_create_or_update("rg", "ss", "0", "rc", continuation_token=token).result(
            timeout=10
        )
    assert "rejected" in str(caught.value) and "retry with" in str(caught.value)
    assert "Response body" in caplog.text
    assert_no_secret(everything_shown(caught.value))
    assert_no_secret(caplog.text)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_an_echoed_auxiliary_token_and_a_service_made_signature_are_masked(
    kind: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    def handle(conn: socket.socket, request: Request) -> None:
        seen = request.header("x-ms-authorization-auxiliary")
        message = f"cannot use {seen}; logs at https://acct.blob/x?sv=1&sig={SIG}"
        body = {"error": {"code": "Forbidden", "message": message}}
        headers = {"WWW-Authenticate": f'Bearer error="invalid_token", seen="{seen}"'}
        conn.sendall(response_bytes(403, json.dumps(body).encode(), headers))

    good.handler = handle
    ops = client_for(kind, good).virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]
    with caplog.at_level(logging.DEBUG), pytest.raises(HttpResponseError) as caught:
        ops.get("rg", "ss", "0", "rc", headers={"x-ms-authorization-auxiliary": f"Bearer {AUX}"})
    assert good.requests[0].header("x-ms-authorization-auxiliary") == f"Bearer {AUX}"
    assert "cannot use" in str(caught.value)
    assert_no_secret(everything_shown(caught.value))
    assert_no_secret(caplog.text)


def test_an_error_built_outside_the_pipeline_masks_what_its_request_sent() -> None:
    body = json.dumps(command().to_dict()).encode()
    request = HttpRequest("PUT", "https://management.azure.com/x?api-version=1", body=body)
    echo = {"error": {"code": "Bad", "message": f"bad {PASSWORD} and {PROTECTED}"}}
    response = HttpResponse(
        status_code=400,
        reason="Bad Request",
        headers={"Content-Type": "application/json"},
        body=json.dumps(echo).encode(),
        request=request,
    )
    error = map_error(response, secret_fields=frozenset({"runAsPassword", "protectedParameters"}))
    assert "bad ***" in str(error)
    assert_no_secret(everything_shown(error))


def test_an_error_detail_is_masked_by_shape_without_values() -> None:
    detail = ErrorDetail.from_json({"error": {"code": "X", "message": HOSTILE_FAILURE}})
    assert detail is not None
    shown = detail.masked(frozenset(), frozenset({"runAsPassword", "protectedParameters"}))
    assert shown.message is not None and shown.message.startswith("rejected ")
    assert_no_secret(shown.format() + repr(shown))


@pytest.mark.parametrize(
    "text",
    [
        f'{{"runAsPassword": "{PASSWORD}"}}',
        f'"{{\\"runAsPassword\\":\\"{PASSWORD}\\"}}"',  # JSON quoted inside JSON
        f'{{\\"protectedParameters\\":[{{\\"name\\":\\"K\\",\\"value\\":\\"{PROTECTED}\\"}}]}}',
        f"password={PASSWORD}&next=1",
        f"clientSecret={PASSWORD}",
        f'{{"client_secret": "{PASSWORD}"}}',
        f"Authorization: Bearer {AUX}",
        f"token {JWT} expired",
        f"https://a.blob.core.windows.net/c?sv=1&SIG={SIG}",
    ],
)
def test_free_text_masks_credentials_by_shape(text: str) -> None:
    masked = mask_free_text(text, frozenset({"runaspassword", "protectedparameters"}))
    assert_no_secret(masked)


@pytest.mark.parametrize(
    "text",
    [
        '{"continuationToken": "abc", "tokenType": "Bearer", "keyData": "ssh-rsa AAAA"}',
        "Bearer token authentication is not permitted over plain http",
        'Bearer authorization_uri="https://login.example/", error="insufficient_claims"',
        "the password must be at least 12 characters long",
        "nextLink=https://management.azure.com/x?api-version=2024-07-01&$skiptoken=abc",
    ],
)
def test_free_text_leaves_ordinary_words_alone(text: str) -> None:
    assert mask_free_text(text) == text


def test_generic_secret_keys_are_narrow() -> None:
    for key in ("password", "adminPassword", "clientSecret", "access_token", "accountKey"):
        assert is_secret_key(key), key
    for key in ("connectionString", "sig", "x-ms-authorization-auxiliary", "token"):
        assert is_secret_key(key), key
    for key in ("continuationToken", "tokenType", "keyData", "name", "secretName", "value"):
        assert not is_secret_key(key), key
    assert is_secret_key("RunAsPassword", frozenset({"runaspassword"}))


def test_a_poll_body_with_a_secret_key_is_masked_in_the_log_text() -> None:
    body = json.dumps({"properties": {"adminPassword": PASSWORD, "note": "ok"}}).encode()
    shown = redact_json_bytes(body, frozenset())
    assert PASSWORD not in shown and '"note":"ok"' in shown


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_the_poller_and_client_reprs_show_no_secret(kind: str, good: HostileServer) -> None:
    lro_server(good, {"status": "InProgress"})
    client = client_for(kind, good)
    ops = client.virtual_machine_scale_set_vm_run_commands  # type: ignore[attr-defined]
    poller = ops.begin_create_or_update("rg", "ss", "0", "rc", command())
    for shown in (client, unwrap(client), poller, unwrap(poller), ops):
        assert_no_secret(repr(shown) + str(shown))
