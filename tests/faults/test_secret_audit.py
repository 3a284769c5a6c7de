"""The secret audit: with DEBUG logging on, a whole create/get/list/update/delete run -- through
errors, retries and auth challenges -- leaves no password, protected parameter value or bearer
token in any log line, repr, exception text or continuation token."""

from __future__ import annotations

import base64
import json
import logging
import time
import traceback
import uuid
from typing import Any

import pytest
from vmss_runcommands import AzureError, RunCommandsClient
from vmss_runcommands.emulator import AccessToken, ArmEmulator, Fault
from vmss_runcommands.models import (
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from vmss_runcommands.runtime.exceptions import InvalidHeaderValueError

RG, VMSS, INSTANCE = "rg", "vmss", "0"


class RecordingCredential:
    """The emulator's credential, remembering every token it handed out."""

    def __init__(self, emu: ArmEmulator) -> None:
        self._inner = emu.credential
        self.tokens: list[str] = []

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        token = self._inner.get_token(*scopes, **kwargs)
        self.tokens.append(token.token)
        return token


def _traceback(error: BaseException) -> str:
    """What an uncaught error prints: the chained causes and contexts included."""
    return "".join(traceback.format_exception(error))


class HeaderBreakingCredential:
    """A token with a line break: http.client rejects the header and repeats its value."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

    def get_token(self, *scopes: str, **kwargs: Any) -> AccessToken:
        return AccessToken(f"{self._secret}\r\nX-Injected: 1", int(time.time()) + 3600)


def test_a_rejected_header_value_stays_out_of_the_traceback() -> None:
    token = f"tok-{uuid.uuid4()}"
    auxiliary = f"aux-{uuid.uuid4()}"
    with ArmEmulator() as emu:
        bad_token = RunCommandsClient(
            HeaderBreakingCredential(token), emu.subscription_id, base_url=emu.base_url
        )
        with pytest.raises(AzureError) as from_token:
            bad_token.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, "n")
        client = RunCommandsClient(emu.credential, emu.subscription_id, base_url=emu.base_url)
        # Refused before anything is sent, naming the header and not its value.
        with pytest.raises(InvalidHeaderValueError, match="x-ms-authorization-auxiliary") as header:
            client.virtual_machine_scale_set_vm_run_commands.get(
                RG,
                VMSS,
                INSTANCE,
                "n",
                headers={"x-ms-authorization-auxiliary": f"Bearer {auxiliary}\n"},
            )
        bad_token.close()
        client.close()
    error = from_token.value
    assert "Invalid request" in str(error) and "ValueError" in str(error)
    shown = _traceback(error) + repr(error) + repr(error.inner_exception)
    assert token not in shown
    assert auxiliary not in _traceback(header.value) + repr(header.value)


def _decoded(token: str) -> str:
    return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode("utf-8")


def test_no_secret_reaches_logs_reprs_errors_or_tokens(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    password = f"pw-{uuid.uuid4()}"
    protected = f"pp-{uuid.uuid4()}"
    texts: list[str] = []

    def keep(*objects: object) -> None:
        texts.extend(repr(item) for item in objects)
        texts.extend(str(item) for item in objects)
        texts.extend(_traceback(item) for item in objects if isinstance(item, BaseException))

    with ArmEmulator(polls_before_done=1, retry_after=0) as emu:
        credential = RecordingCredential(emu)
        client = RunCommandsClient(
            credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        )
        ops = client.virtual_machine_scale_set_vm_run_commands
        command = VirtualMachineRunCommand(
            location="westus",
            source=VirtualMachineRunCommandScriptSource(script="echo $P"),
            parameters=[RunCommandInputParameter(name="P", value="plain")],
            protected_parameters=[RunCommandInputParameter(name="S", value=protected)],
            run_as_user="ops",
            run_as_password=password,
        )
        keep(command, client, client.virtual_machine_scale_set_vm_run_commands)

        # A service that echoes the request in its error, whole and cut off mid-value.
        echo = json.dumps(
            {
                "error": {"code": "BadRequest", "message": "see details"},
                "properties": {
                    "runAsPassword": password,
                    "protectedParameters": [{"name": "S", "value": protected}],
                },
            }
        ).encode()
        emu.faults.add(Fault.response(400, echo), method="PUT")
        emu.faults.add(
            Fault.response(200, echo[: echo.index(protected.encode()) + 10]), method="GET"
        )
        with pytest.raises(AzureError) as bad_request:
            ops.begin_create_or_update(RG, VMSS, INSTANCE, "audit", command)
        with pytest.raises(AzureError) as truncated:
            ops.get(RG, VMSS, INSTANCE, "audit")
        keep(bad_request.value, truncated.value)

        # Retries, a claims challenge, a token expiring mid-operation.
        emu.faults.add(Fault.server_error(503), method="PUT")
        emu.faults.add(Fault.claims_challenge(), path_contains="/operations/")
        emu.faults.add(Fault.expire_tokens(), path_contains="/operations/", after=1)
        poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, "audit", command)
        keep(poller, poller.continuation_token(), _decoded(poller.continuation_token()))
        with pytest.raises(AzureError) as expired:
            poller.result()
        token = expired.value.continuation_token
        assert token is not None
        keep(expired.value, token, _decoded(token))
        resumed = ops.begin_create_or_update(
            RG, VMSS, INSTANCE, "audit", None, continuation_token=token
        )
        created = resumed.result()
        keep(resumed, created, resumed.continuation_token())

        shown = ops.get(RG, VMSS, INSTANCE, "audit", expand="instanceView")
        listed = list(ops.list(RG, VMSS, INSTANCE, expand="instanceView"))
        update = VirtualMachineRunCommandUpdate(run_as_password=password, timeout_in_seconds=30)
        updated = ops.begin_update(RG, VMSS, INSTANCE, "audit", update)
        keep(shown, listed, update, updated, updated.continuation_token(), updated.result())
        deleted = ops.begin_delete(RG, VMSS, INSTANCE, "audit")
        keep(deleted, deleted.continuation_token(), deleted.result())
        keep(emu.requests)
        client.close()

        # The secrets did travel: the service received them, so the audit is not vacuous.
        sent = b"".join(r.body for r in emu.requests)
        assert password.encode() in sent and protected.encode() in sent

    assert len(credential.tokens) >= 3  # first token, the claims token, the post-expiry one
    logged = [record.getMessage() for record in caplog.records]
    logged += [caplog.text]
    assert any("Request body" in line for line in logged), "DEBUG body logging was on"
    haystack = "\n".join(texts + logged)
    for secret in (password, protected, *credential.tokens):
        assert secret not in haystack
