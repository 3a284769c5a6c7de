"""Per-call options azure-core clients accept: polling=, raw_response_hook=, logging_enable=,
and the client's cloud_setting=; on the sync and the async surface (tests/surfaces.py)."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from surfaces import make_client, unwrap
from vmss_runcommands import ResourceNotFoundError, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, Fault
from vmss_runcommands.models import (
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
)
from vmss_runcommands.runtime.call_options import PipelineResponse

RG, VMSS, INSTANCE = "rg", "ss", "0"


def _command() -> VirtualMachineRunCommand:
    return VirtualMachineRunCommand(
        location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
    )


@pytest.fixture
def emulator() -> Iterator[ArmEmulator]:
    with ArmEmulator(polls_before_done=2, page_size=1) as emu:
        yield emu


# -- polling= ---------------------------------------------------------------------------------


@pytest.mark.parametrize("polling", ["yes", 1, 0, None, object(), 1.0])
def test_polling_that_is_neither_a_bool_nor_a_method_is_a_type_error_before_sending(
    client: RunCommandsClient, emulator: ArmEmulator, polling: Any
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(TypeError, match="polling must be True, False or a polling method"):
        ops.begin_create_or_update(RG, VMSS, INSTANCE, "rc", _command(), polling=polling)
    with pytest.raises(TypeError, match="polling must be"):
        ops.begin_delete(RG, VMSS, INSTANCE, "rc", polling=polling)
    assert emulator.requests == []


def test_azure_cores_no_polling_returns_the_first_answer_without_polling(
    client: RunCommandsClient, emulator: ArmEmulator, surface: str
) -> None:
    from azure.core.polling import AsyncNoPolling, NoPolling

    no_polling = NoPolling() if surface == "sync" else AsyncNoPolling()  # type: ignore[no-untyped-call]
    ops = client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, "rc", _command(), polling=no_polling)
    result = poller.result(timeout=10)
    assert isinstance(result, VirtualMachineRunCommand)
    assert result.name == "rc" and result.provisioning_state != "Succeeded"
    assert poller.done() and poller.status() == "succeeded"
    assert [r.method for r in emulator.requests] == ["PUT"]


class RecordingPolling:
    """A polling method of our own, with azure-core's protocol: polls with GETs of its own."""

    def __init__(self) -> None:
        self.calls: list[str] = []
        self._done = False

    def initialize(self, client: Any, initial_response: Any, deserialization_callback: Any) -> None:
        self.calls.append("initialize")
        self.initial = initial_response
        self.client = client
        self.callback = deserialization_callback

    def run(self) -> None:
        self.calls.append("run")
        self._done = True

    def status(self) -> str:
        return "Succeeded" if self._done else "InProgress"

    def finished(self) -> bool:
        return self._done

    def resource(self) -> VirtualMachineRunCommand:
        result: VirtualMachineRunCommand = self.callback(self.initial)
        return result


class AsyncRecordingPolling(RecordingPolling):
    """The same, with azure-core's async protocol (an awaited ``run``)."""

    async def run(self) -> None:  # type: ignore[override]
        super().run()


def _recording(surface: str) -> RecordingPolling:
    return RecordingPolling() if surface == "sync" else AsyncRecordingPolling()


def test_a_polling_method_object_is_initialized_with_the_first_response_and_run(
    client: RunCommandsClient, surface: str
) -> None:
    method = _recording(surface)
    ops = client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, "rc", _command(), polling=method)
    assert method.calls == ["initialize"]
    assert isinstance(method.initial, PipelineResponse)
    assert method.initial.http_response.status_code in (200, 201)
    assert method.initial.http_request.method == "PUT"
    assert not poller.done()
    assert poller.result(timeout=10).name == "rc"
    assert method.calls == ["initialize", "run"] and poller.done()
    with pytest.raises(TypeError, match="cannot make a continuation token"):
        poller.continuation_token()


def test_a_polling_method_cannot_resume_from_a_token(
    client: RunCommandsClient, surface: str
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    token = ops.begin_create_or_update(RG, VMSS, INSTANCE, "rc", _command()).continuation_token()
    with pytest.raises(ValueError, match="pass polling=True"):
        ops.begin_create_or_update(
            RG, VMSS, INSTANCE, "rc", continuation_token=token, polling=_recording(surface)
        )


# -- raw_response_hook= ----------------------------------------------------------------------


def test_the_hook_sees_a_gets_headers_including_the_rate_limit_ones(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    ops.begin_create_or_update(RG, VMSS, INSTANCE, "rc", _command()).result(timeout=10)
    stored = ops.get(RG, VMSS, INSTANCE, "rc").to_dict(keep_readonly=True)
    emulator.faults.add(
        Fault.response(
            200,
            json.dumps(stored).encode(),
            {"x-ms-ratelimit-remaining-resource": "Microsoft.Compute/GetVMScaleSetVM3Min;998"},
        ),
        method="GET",
    )
    seen: list[PipelineResponse] = []
    ops.get(RG, VMSS, INSTANCE, "rc", raw_response_hook=seen.append)
    (response,) = seen
    assert response.http_response.status_code == 200
    assert response.http_response.headers["x-ms-ratelimit-remaining-resource"].endswith(";998")
    assert response.http_request.method == "GET"
    # the request handed out never carries the bearer token
    assert not any(name.lower() == "authorization" for name in response.http_request.headers)


def test_the_hook_sees_an_error_response_before_the_exception(client: RunCommandsClient) -> None:
    seen: list[int] = []
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(ResourceNotFoundError):
        ops.get(
            RG,
            VMSS,
            INSTANCE,
            "missing",
            raw_response_hook=lambda r: seen.append(r.http_response.status_code),
        )
    assert seen == [404]


def test_the_hook_sees_every_response_of_an_lro_and_of_a_list(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    seen: list[tuple[str, int]] = []

    def hook(response: PipelineResponse) -> None:
        seen.append((response.http_request.method, response.http_response.status_code))

    ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "first", _command(), raw_response_hook=hook
    ).result(timeout=10)
    lro_requests = len(emulator.requests)
    assert len(seen) == lro_requests >= 3  # the PUT and at least two polls
    assert seen[0][0] == "PUT" and {method for method, _ in seen[1:]} == {"GET"}

    ops.begin_create_or_update(RG, VMSS, INSTANCE, "second", _command()).result(timeout=10)
    seen.clear()
    before = len(emulator.requests)
    names = [item.name for item in ops.list(RG, VMSS, INSTANCE, raw_response_hook=hook)]
    assert sorted(names) == ["first", "second"]
    assert len(seen) == len(emulator.requests) - before >= 2  # page_size=1: one page each


@pytest.mark.parametrize("hook", ["print", 3])
def test_a_hook_that_is_not_callable_is_a_type_error(client: RunCommandsClient, hook: Any) -> None:
    with pytest.raises(TypeError, match="raw_response_hook must be callable"):
        client.virtual_machine_scale_set_vm_run_commands.get(
            RG, VMSS, INSTANCE, "x", raw_response_hook=hook
        )


# -- logging_enable= -------------------------------------------------------------------------


def _client_records(caplog: pytest.LogCaptureFixture) -> list[logging.LogRecord]:
    # The emulator logs the requests it serves under vmss_runcommands.emulator.
    return [r for r in caplog.records if not r.name.startswith("vmss_runcommands.emulator")]


def test_logging_enable_false_keeps_one_call_out_of_the_log(
    client: RunCommandsClient, caplog: pytest.LogCaptureFixture
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    caplog.set_level(logging.DEBUG, logger="vmss_runcommands")
    with pytest.raises(ResourceNotFoundError):
        ops.get(RG, VMSS, INSTANCE, "quiet", logging_enable=False)
    assert not [r for r in _client_records(caplog) if "quiet" in r.getMessage()]
    for enabled in (None, True):
        caplog.clear()
        with pytest.raises(ResourceNotFoundError):
            ops.get(RG, VMSS, INSTANCE, "loud", logging_enable=enabled)
        assert [r for r in _client_records(caplog) if "loud" in r.getMessage()]
    with pytest.raises(TypeError, match="logging_enable must be a bool"):
        ops.get(RG, VMSS, INSTANCE, "x", logging_enable="no")  # type: ignore[arg-type]


# -- cloud_setting= --------------------------------------------------------------------------


def test_cloud_setting_is_an_alias_of_cloud(emulator: ArmEmulator, surface: str) -> None:
    from azure.core import AzureClouds

    def client_repr(**kwargs: Any) -> str:
        with make_client(surface, emulator.credential, "sub", **kwargs) as client:
            return repr(unwrap(client))

    for setting in ("AzureChinaCloud", AzureClouds.AZURE_CHINA_CLOUD):
        assert "chinacloudapi.cn" in client_repr(cloud_setting=setting)
    agreeing = client_repr(cloud="AzureChinaCloud", cloud_setting="AZURE_CHINA_CLOUD")
    assert "chinacloudapi.cn" in agreeing
    with pytest.raises(ValueError, match="disagree"):
        client_repr(cloud="AzureCloud", cloud_setting="AzureChinaCloud")
    with pytest.raises(ValueError, match="Unknown cloud"):
        client_repr(cloud_setting="Mars")
