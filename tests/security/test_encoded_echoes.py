"""A service that echoes the request's secrets in another spelling than the one sent --
percent-encoded (as inside a URL it quotes), JSON with ASCII-only ``\\uXXXX`` escapes, HTML
entities -- must not get them past the masking; nor may an auxiliary token passed in
``headers=`` show in the repr of the call's options or in a traceback's locals."""

from __future__ import annotations

import html
import json
import logging
import re
import socket
import traceback
import urllib.parse
from collections.abc import Callable, Iterator

import hostile
import pytest
import surfaces
from hostile import TOKEN, FakeCredential, HostileServer, Request, response_bytes
from vmss_runcommands import HttpResponseError, RunCommandsClient
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime import redact
from vmss_runcommands.runtime.redact import mask_json, mask_secret_values
from vmss_runcommands.runtime.request_options import RequestOptions
from vmss_runcommands.runtime.retry import RetryPolicy

PASSWORD = 'Pw-Ümlaut"x/+ 9zq€pw'
PROTECTED = "prot-value-77q+/=xx"
SIG = "sigAbc123%2Bdef%3D"
AUX = "aux-token-5f2a9b0c"
SECRETS = (PASSWORD, PROTECTED, SIG, AUX, TOKEN)


def lower_escapes(text: str) -> str:
    """``%2F`` written ``%2f``, as some servers do."""
    return re.sub("%[0-9A-F]{2}", lambda match: match.group().lower(), text)


def spellings(value: str) -> set[str]:
    return {
        value,
        urllib.parse.quote(value, safe=""),
        urllib.parse.quote(value, safe="/"),
        urllib.parse.quote_plus(value),
        lower_escapes(urllib.parse.quote(value, safe="")),
        json.dumps(value)[1:-1],
        json.dumps(value, ensure_ascii=False)[1:-1],
        html.escape(value),
    }


def assert_no_secret(text: str) -> None:
    for secret in SECRETS:
        for spelling in spellings(secret):
            assert spelling not in text, spelling


def command() -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus",
        source=VirtualMachineRunCommandScriptSource(script="echo hi"),
        run_as_password=PASSWORD,
        protected_parameters=[RunCommandInputParameter(name="KEY", value=PROTECTED)],
        output_blob_uri=f"https://acct.blob.core.windows.net/out/o.txt?sv=2022-11-02&sig={SIG}",
    )


CLIENTS: list[RunCommandsClient] = []


@pytest.fixture
def on_both(surface: str) -> Iterator[str]:
    yield surface
    while CLIENTS:
        CLIENTS.pop().close()


def client_for(server: HostileServer) -> RunCommandsClient:
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


def shown(error: BaseException) -> str:
    parts = [repr(error), str(error), "".join(traceback.format_exception(error))]
    parts += [repr(value) for value in vars(error).values()]
    detail = getattr(error, "error", None)
    if detail is not None:
        parts += [str(detail), repr(detail)]
    return "\n".join(parts)


ENCODERS: dict[str, Callable[[str], str]] = {
    "percent": lambda text: urllib.parse.quote(text, safe=""),
    "percent-lower": lambda text: lower_escapes(urllib.parse.quote(text, safe="")),
    "form": urllib.parse.quote_plus,
    "ascii-json": lambda text: json.dumps(text)[1:-1],
    "html": html.escape,
}


def echoing(encode: Callable[[str], str]) -> Callable[[socket.socket, Request], None]:
    def handle(conn: socket.socket, request: Request) -> None:
        seen = " ".join(
            (
                request.body.decode(),
                request.header("authorization") or "",
                request.header("x-ms-authorization-auxiliary") or "",
            )
        )
        echoed = encode(seen)
        error = {
            "code": "InvalidParameter",
            "message": f"cannot accept {echoed}",
            "details": [{"code": "Inner", "message": echoed, "target": echoed}],
            "innererror": {"seen": echoed},
        }
        conn.sendall(response_bytes(400, json.dumps({"error": error}).encode()))

    return handle


@pytest.mark.parametrize("encoding", sorted(ENCODERS))
@pytest.mark.usefixtures("on_both")
def test_secrets_echoed_in_another_spelling_are_masked(
    encoding: str, good: HostileServer, caplog: pytest.LogCaptureFixture
) -> None:
    good.handler = echoing(ENCODERS[encoding])
    ops = client_for(good).virtual_machine_scale_set_vm_run_commands
    with caplog.at_level(logging.DEBUG), pytest.raises(HttpResponseError) as caught:
        ops.begin_create_or_update(
            "rg", "ss", "0", "rc", command(), headers={"x-ms-authorization-auxiliary": AUX}
        )
    assert good.requests and PROTECTED in good.requests[0].body.decode()
    assert "cannot accept" in str(caught.value)
    assert_no_secret(shown(caught.value))
    assert_no_secret(caplog.text)
    assert "Response body" in caplog.text


def test_the_other_spellings_are_masked_in_plain_text() -> None:
    text = " | ".join(spelling for value in SECRETS for spelling in spellings(value))
    masked = mask_secret_values(text, SECRETS)
    assert_no_secret(masked)
    assert set(masked.split(" | ")) == {"***"}


def test_the_other_spellings_are_made_once_for_all_the_strings_of_a_json_value(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A hostile error body or failed resource may hold millions of strings: each secret's
    # spellings are worked out once per value shown, not once per string (which made masking
    # a 10 MB failed resource 2.5 times slower).
    made: list[str] = []
    other_forms = redact._other_forms

    def counted(value: str) -> frozenset[str]:
        made.append(value)
        return other_forms(value)

    monkeypatch.setattr(redact, "_other_forms", counted)
    echoes = [spelling for value in SECRETS for spelling in spellings(value)]
    body = {"details": [{"message": f"echo {echo}"} for echo in echoes * 20]}
    masked = mask_json(body, (), SECRETS)
    assert_no_secret(json.dumps(masked, ensure_ascii=False))
    assert {entry["message"] for entry in masked["details"]} == {"echo ***"}
    assert sorted(made) == sorted(SECRETS)


def test_a_call_s_options_show_no_credential_header() -> None:
    options = RequestOptions(
        headers={"x-ms-authorization-auxiliary": f"Bearer {AUX}", "x-custom": "kept"}
    )
    assert AUX not in repr(options)
    assert AUX not in str(options)
    assert "kept" in repr(options)
    assert options.headers is not None
    assert options.headers["x-ms-authorization-auxiliary"] == f"Bearer {AUX}"  # still sent


@pytest.mark.usefixtures("on_both")
def test_an_auxiliary_token_stays_out_of_the_runtime_s_traceback_locals(
    good: HostileServer,
) -> None:
    good.handler = echoing(ENCODERS["percent"])
    ops = client_for(good).virtual_machine_scale_set_vm_run_commands
    with pytest.raises(HttpResponseError) as caught:
        ops.begin_create_or_update(
            "rg", "ss", "0", "rc", command(), headers={"x-ms-authorization-auxiliary": AUX}
        )
    assert good.requests[0].header("x-ms-authorization-auxiliary") == AUX
    # The runtime's frames (the caller's and the generated method's own arguments are the
    # caller's objects, as they were given).
    frames = [
        frame
        for frame in traceback.StackSummary.extract(
            traceback.walk_tb(caught.value.__traceback__), capture_locals=True
        )
        if "/runtime/" in frame.filename.replace("\\", "/")
    ]
    assert frames
    rendered = "".join(traceback.format_list(frames))
    assert "options" in rendered
    assert AUX not in rendered
