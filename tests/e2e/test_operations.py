"""End to end: the generated client, the runtime and the emulator, over real HTTP."""

from __future__ import annotations

import json
import logging
from urllib.parse import urlsplit

import pytest
import urllib3
from surfaces import unwrap
from vmss_runcommands import (
    DEFAULT_API_VERSION,
    ClientAuthenticationError,
    DecodeError,
    HttpResponseError,
    LROPoller,
    ResourceExistsError,
    ResourceNotFoundError,
    RetryPolicy,
    RunCommandsClient,
)
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult
from vmss_runcommands.models import (
    ExecutionState,
    RunCommandInputParameter,
    VirtualMachineRunCommand,
    VirtualMachineRunCommandScriptSource,
    VirtualMachineRunCommandUpdate,
)
from vmss_runcommands.runtime.aio.polling import AsyncLROPoller

RG, VMSS, INSTANCE = "rg-fleet", "web-vmss", "3"
SECRET = "Pa55-word-never-shown"
PROTECTED = "protected-value-never-shown"


def _run_command(**overrides: object) -> VirtualMachineRunCommand:
    values: dict[str, object] = {
        "location": "West US",
        "source": VirtualMachineRunCommandScriptSource(script="echo hello"),
        "parameters": [RunCommandInputParameter(name="who", value="world")],
        "protected_parameters": [RunCommandInputParameter(name="token", value=PROTECTED)],
        "run_as_user": "ops",
        "run_as_password": SECRET,
    }
    values.update(overrides)
    return VirtualMachineRunCommand(**values)  # type: ignore[arg-type]


def _create(
    client: RunCommandsClient, name: str = "hello", **overrides: object
) -> VirtualMachineRunCommand:
    ops = client.virtual_machine_scale_set_vm_run_commands
    return ops.begin_create_or_update(RG, VMSS, INSTANCE, name, _run_command(**overrides)).result()


def _paths(emulator: ArmEmulator) -> list[tuple[str, str]]:
    return [(r.method, r.path) for r in emulator.requests]


def test_create_or_update_is_one_put_polls_and_a_final_get(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, "hello", _run_command())
    assert isinstance(unwrap(poller), LROPoller | AsyncLROPoller)
    result = poller.result(timeout=30)
    assert poller.done() and poller.status().lower() == "succeeded"
    assert isinstance(result, VirtualMachineRunCommand)
    assert result.provisioning_state == "Succeeded"
    assert result.location == "westus"
    assert result.name == "hello"
    assert result.run_as_password is None  # not echoed by the service: absent
    methods = [m for m, _ in _paths(emulator)]
    assert methods[0] == "PUT" and methods[-1] == "GET"
    polls = [p for m, p in _paths(emulator) if "/operations/" in p]
    assert len(polls) == 3  # polls_before_done=2 InProgress answers, then Succeeded
    resource_path = _paths(emulator)[0][1]
    assert _paths(emulator)[-1] == ("GET", resource_path)
    request_ids = {r.headers.get("x-ms-client-request-id") for r in emulator.requests}
    assert len(request_ids) == 1 and None not in request_ids


def test_put_body_is_the_model_wire_form_without_read_only_fields(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    _create(client, provisioning_state="Succeeded")  # a read-only field must not be sent
    put = emulator.requests[0]
    body = json.loads(put.body)
    assert body["location"] == "West US"
    assert body["properties"]["runAsPassword"] == SECRET
    assert "provisioningState" not in body["properties"]
    assert put.headers["Content-Type"] == "application/json"
    assert put.headers["Accept"].startswith("application/json")
    assert put.headers["User-Agent"].startswith("azsdk-python-vmss-runcommands/")
    assert put.query["api-version"] == DEFAULT_API_VERSION
    assert put.headers["Authorization"] == "REDACTED"  # recorded redacted, but it was sent


def test_get_with_instance_view_reads_the_execution_result(emulator: ArmEmulator) -> None:
    def executor(run_command: object) -> ExecutionResult:
        return ExecutionResult(exit_code=0, output="hello world\n", error="")

    with (
        ArmEmulator(executor=executor, polls_before_done=0) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
    ):
        _create(client)
        ops = client.virtual_machine_scale_set_vm_run_commands
        plain = ops.get(RG, VMSS, INSTANCE, "hello")
        assert not plain.instance_view
        view = ops.get(RG, VMSS, INSTANCE, "hello", expand="instanceView").instance_view
        assert view
        assert view.execution_state is ExecutionState.SUCCEEDED
        assert view.exit_code == 0
        assert view.output == "hello world\n"
        assert view.start_time and view.end_time and view.start_time <= view.end_time


def test_failed_script_with_treat_failure_as_deployment_failure_fails_the_lro(
    emulator: ArmEmulator,
) -> None:
    with (
        ArmEmulator(
            executor=lambda rc: ExecutionResult(exit_code=3, error="disk full"), polls_before_done=1
        ) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
    ):
        ops = client.virtual_machine_scale_set_vm_run_commands
        poller = ops.begin_create_or_update(
            RG, VMSS, INSTANCE, "fails", _run_command(treat_failure_as_deployment_failure=True)
        )
        with pytest.raises(HttpResponseError) as info:
            poller.result(timeout=30)
        error = info.value
        assert error.error is not None and error.error.code == "VMExtensionProvisioningError"
        assert error.continuation_token
        assert poller.status().lower() == "failed"
        assert SECRET not in str(error) and PROTECTED not in str(error)
        assert SECRET not in repr(error) and PROTECTED not in error.continuation_token


def test_failed_script_without_the_flag_succeeds_and_reports_the_exit_code() -> None:
    with (
        ArmEmulator(
            executor=lambda rc: ExecutionResult(exit_code=7, error="boom"), polls_before_done=0
        ) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
    ):
        result = _create(client)
        assert result.provisioning_state == "Succeeded"
        ops = client.virtual_machine_scale_set_vm_run_commands
        view = ops.get(RG, VMSS, INSTANCE, "hello", expand="instanceView").instance_view
        assert view and view.exit_code == 7 and view.execution_state is ExecutionState.FAILED


def test_update_patches_an_existing_run_command(client: RunCommandsClient) -> None:
    _create(client)
    ops = client.virtual_machine_scale_set_vm_run_commands
    updated = ops.begin_update(
        RG,
        VMSS,
        INSTANCE,
        "hello",
        VirtualMachineRunCommandUpdate(timeout_in_seconds=120, tags={"tier": "gold"}),
    ).result(timeout=30)
    assert updated.timeout_in_seconds == 120
    assert updated.tags == {"tier": "gold"}
    assert updated.run_as_user == "ops"  # merged, not replaced


def test_update_of_a_missing_run_command_is_not_found(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(ResourceNotFoundError) as info:
        ops.begin_update(RG, VMSS, INSTANCE, "nope", {"properties": {"timeoutInSeconds": 5}})
    assert info.value.status_code == 404
    assert info.value.error is not None and info.value.error.code == "ResourceNotFound"


def test_delete_follows_the_location_header_and_returns_none(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    _create(client)
    ops = client.virtual_machine_scale_set_vm_run_commands
    before = len(emulator.requests)
    assert ops.begin_delete(RG, VMSS, INSTANCE, "hello").result(timeout=30) is None
    deleted = emulator.requests[before:]
    assert deleted[0].method == "DELETE"
    assert any("/operations/" in r.path for r in deleted[1:])
    with pytest.raises(ResourceNotFoundError):
        ops.get(RG, VMSS, INSTANCE, "hello")
    # Deleting what is not there succeeds (204).
    assert ops.begin_delete(RG, VMSS, INSTANCE, "hello").result(timeout=30) is None


def test_list_pages_across_three_pages(client: RunCommandsClient, emulator: ArmEmulator) -> None:
    names = [f"cmd-{i}" for i in range(5)]
    for name in names:
        _create(client, name)
    ops = client.virtual_machine_scale_set_vm_run_commands
    before = len(emulator.requests)
    listed = list(ops.list(RG, VMSS, INSTANCE))
    assert sorted(item.name for item in listed) == names
    assert all(isinstance(item, VirtualMachineRunCommand) for item in listed)
    page_requests = emulator.requests[before:]
    assert len(page_requests) == 3  # page_size=2
    assert all(r.query["api-version"] == DEFAULT_API_VERSION for r in page_requests)
    pages = [list(page) for page in ops.list(RG, VMSS, INSTANCE).by_page()]
    assert [len(p) for p in pages] == [2, 2, 1]


def test_list_with_instance_view_and_empty_list(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    assert list(ops.list(RG, VMSS, "99")) == []
    _create(client)
    (item,) = list(ops.list(RG, VMSS, INSTANCE, expand="instanceView"))
    assert item.instance_view and item.instance_view.exit_code == 0


def test_dict_bodies_are_accepted(client: RunCommandsClient, emulator: ArmEmulator) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    body = {"location": "eastus", "properties": {"source": {"commandId": "RunShellScript"}}}
    result = ops.begin_create_or_update(RG, VMSS, INSTANCE, "as-dict", body).result(timeout=30)
    assert result.source and result.source.command_id == "RunShellScript"
    assert json.loads(emulator.requests[0].body) == body


def test_polling_false_returns_the_first_answer_without_polling(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, "np", _run_command(), polling=False)
    result = poller.result()
    assert result.provisioning_state == "Creating"
    assert len(emulator.requests) == 1
    assert poller.continuation_token()


def test_continuation_token_resumes_in_a_new_client_without_a_second_put(
    emulator: ArmEmulator,
) -> None:
    first = RunCommandsClient(
        emulator.credential,
        emulator.subscription_id,
        base_url=emulator.base_url,
        polling_interval=0,
    )
    ops = first.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, "resume", _run_command())
    token = poller.continuation_token()
    first.close()
    assert SECRET not in token and PROTECTED not in token
    second = RunCommandsClient(
        emulator.credential,
        emulator.subscription_id,
        base_url=emulator.base_url,
        polling_interval=0,
    )
    resumed = second.virtual_machine_scale_set_vm_run_commands.begin_create_or_update(
        RG, VMSS, INSTANCE, "resume", None, continuation_token=token
    )
    assert resumed.result(timeout=30).provisioning_state == "Succeeded"
    assert [m for m, _ in _paths(emulator)].count("PUT") == 1
    second.close()


def test_a_garbage_continuation_token_is_a_value_error(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(ValueError):
        ops.begin_create_or_update(RG, VMSS, INSTANCE, "x", None, continuation_token="garbage")
    with pytest.raises(ValueError, match="run_command"):
        ops.begin_create_or_update(RG, VMSS, INSTANCE, "x", None)


def test_401_without_a_valid_token(emulator: ArmEmulator) -> None:
    class WrongCredential:
        def get_token(self, *scopes: str, **kwargs: object) -> object:
            return emulator.credential.get_token(*scopes)._replace(token="not-issued")

    with (
        RunCommandsClient(
            WrongCredential(),
            emulator.subscription_id,
            base_url=emulator.base_url,  # type: ignore[arg-type]
        ) as client,
        pytest.raises(ClientAuthenticationError) as info,
    ):
        client.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, "x")
    assert info.value.status_code == 401
    assert "not-issued" not in str(info.value)


def test_409_while_another_operation_is_in_progress(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    ops.begin_create_or_update(RG, VMSS, INSTANCE, "busy", _run_command(), polling=False)
    with pytest.raises(ResourceExistsError) as info:
        ops.begin_create_or_update(RG, VMSS, INSTANCE, "busy", _run_command())
    assert info.value.status_code == 409
    assert SECRET not in str(info.value)


def test_400_for_a_missing_location_names_the_field(client: RunCommandsClient) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(HttpResponseError) as info:
        ops.begin_create_or_update(
            RG, VMSS, INSTANCE, "x", {"properties": {"runAsPassword": SECRET}}
        )
    error = info.value
    assert getattr(type(error), "_azure_core_twin_of", type(error)) is HttpResponseError
    assert error.status_code == 400
    assert error.error is not None and error.error.target == "location"
    assert error.request_id and error.client_request_id
    assert SECRET not in str(error)


def test_server_errors_are_retried_then_raised_with_request_ids(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    emulator.fail_next(500, "InternalServerError", "boom", method="GET", count=10)
    ops = client.virtual_machine_scale_set_vm_run_commands
    slept: list[float] = []
    defaults_without_waiting = RetryPolicy(sleep=slept.append)
    with pytest.raises(HttpResponseError) as info:
        ops.get(
            RG,
            VMSS,
            INSTANCE,
            "x",
            client_request_id="fixed-request-id",
            retry_policy=defaults_without_waiting,
        )
    assert slept == pytest.approx([1.6, 3.2])  # azure-core's backoff: 0, 1.6, 3.2 s
    assert info.value.status_code == 500
    assert info.value.client_request_id == "fixed-request-id"
    assert "(InternalServerError) boom" in str(info.value)
    assert len(emulator.requests) == 4  # the first try and three retries


def test_a_transient_503_heals_by_retry(client: RunCommandsClient, emulator: ArmEmulator) -> None:
    _create(client)
    emulator.fail_next(
        503, "ServiceUnavailable", "busy", method="GET", headers={"Retry-After": "0"}
    )
    assert (
        client.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, "hello").name
        == "hello"
    )


def test_a_malformed_body_is_a_decode_error_with_status_and_request_id(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    emulator.fail_next(200, method="GET", body=b'{"name": "x", "properties": [' + b"A" * 5000)
    with pytest.raises(DecodeError) as info:
        client.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, "x")
    error = info.value
    assert error.status_code == 200 and error.request_id
    assert len(str(error)) < 3000
    # An object where a string belongs (a number would be read as its text, as msrest does).
    emulator.fail_next(200, method="GET", body=b'{"location": {"name": "westus"}}')
    with pytest.raises(DecodeError, match="location"):
        client.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, "x")


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (None, ValueError),
        ("", ValueError),
        ("  ", ValueError),
        (3, TypeError),
        (".", ValueError),
        ("..", ValueError),
    ],
)
def test_bad_path_parameters_are_rejected_before_any_request(
    client: RunCommandsClient, emulator: ArmEmulator, value: object, error: type[Exception]
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(error, match="run_command_name"):
        ops.get(RG, VMSS, INSTANCE, value)  # type: ignore[arg-type]
    with pytest.raises(error, match="resource_group_name"):
        ops.begin_delete(value, VMSS, INSTANCE, "x")  # type: ignore[arg-type]
    assert emulator.requests == []


def test_path_segments_are_percent_encoded(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    ops = client.virtual_machine_scale_set_vm_run_commands
    with pytest.raises(ResourceNotFoundError) as info:
        ops.get(RG, VMSS, INSTANCE, "../../x?y=1#z")
    # One path segment reached the run-command route: nothing was reinterpreted as path or query.
    assert info.value.error is not None and info.value.error.code == "ResourceNotFound"
    (request,) = emulator.requests
    assert request.path.endswith("/runCommands/..%2F..%2Fx%3Fy%3D1%23z")
    assert request.query == {"api-version": DEFAULT_API_VERSION}


def test_secrets_never_reach_logs(
    client: RunCommandsClient, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    _create(client)
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "runCommands" in text  # requests were logged
    assert SECRET not in text and PROTECTED not in text
    assert "emulator-" not in text.lower().replace("emulator-token", "") or "Bearer" not in text


def test_a_caller_supplied_pool_manager_is_used_and_left_open(emulator: ArmEmulator) -> None:
    pool = urllib3.PoolManager()
    client = RunCommandsClient(
        emulator.credential, emulator.subscription_id, base_url=emulator.base_url, pool_manager=pool
    )
    with pytest.raises(ResourceNotFoundError):
        client.virtual_machine_scale_set_vm_run_commands.get(RG, VMSS, INSTANCE, "x")
    client.close()
    host = urlsplit(emulator.base_url)
    assert (
        pool.connection_from_host(host.hostname or "", host.port, scheme="http").num_requests >= 1
    )
    pool.clear()


def test_client_repr_shows_no_credential(emulator: ArmEmulator) -> None:
    client = RunCommandsClient(
        emulator.credential, emulator.subscription_id, base_url=emulator.base_url
    )
    assert f"api_version={DEFAULT_API_VERSION}" in repr(client)
    assert client.api_version == DEFAULT_API_VERSION
    client.close()
