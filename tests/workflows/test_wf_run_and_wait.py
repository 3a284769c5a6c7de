"""run_and_wait against the emulator: results, failures as results, timeouts, resuming.

Tests taking the ``client`` fixture run with the sync client and ``workflows.run_and_wait``,
and with the async client and ``workflows.aio.run_and_wait`` (tests/surfaces.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from typing import Any

import pytest
from scripted_executor import scripted
from surfaces import BlockingClient, emulator_client
from vmss_runcommands import ResourceExistsError, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator
from vmss_runcommands.models import VirtualMachineRunCommandUpdate
from vmss_runcommands.workflows import (
    RunCommandFailedError,
    RunResult,
    RunStatus,
    RunTimeoutError,
)
from vmss_runcommands.workflows import run_and_wait as run_and_wait_sync
from vmss_runcommands.workflows.run import RunWaiter
from workflow_scripts import RG, SECRET, VMSS, body


@pytest.fixture
def client(emulator: ArmEmulator, surface: str) -> Iterator[RunCommandsClient]:
    with emulator_client(surface, emulator) as made:
        yield made


def run_and_wait(client: Any, *args: Any, **kwargs: Any) -> RunResult:
    """The sync workflow on a sync client; the asyncio one, awaited, on the async client."""
    if isinstance(client, BlockingClient):
        from vmss_runcommands.workflows import aio

        result: RunResult = client.run(aio.run_and_wait(client.inner, *args, **kwargs))
        return result
    return run_and_wait_sync(client, *args, **kwargs)


def test_a_finished_script_comes_back_with_its_output_exit_code_and_times(
    client: RunCommandsClient,
) -> None:
    result = run_and_wait(
        client, RG, VMSS, "3", "hello", body("echo hi; warn careful", run_as_password=SECRET)
    )
    assert result.succeeded
    assert (result.execution_state, result.exit_code) == ("Succeeded", 0)
    assert (result.output, result.error) == ("hi\n", "careful\n")
    assert isinstance(result.start_time, datetime.datetime)
    assert result.end_time is not None and result.end_time >= result.start_time
    assert result.duration is not None
    assert (result.instance_id, result.run_command_name) == ("3", "hello")
    assert result.run_command.name == "hello"
    assert SECRET not in repr(result)


def test_async_execution_waits_past_provisioning_until_the_script_ends() -> None:
    with (
        ArmEmulator(executor=scripted, polls_before_done=3) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
    ):
        seen: list[RunStatus] = []
        result = run_and_wait(
            client,
            RG,
            VMSS,
            "0",
            "slow",
            body("echo done", async_execution=True),
            polling_interval=0,
            on_status=seen.append,
        )
        gets = [r for r in emu.requests if r.method == "GET" and "$expand" in r.query]
    assert result.execution_state == "Succeeded" and result.output == "done\n"
    # The emulator reports "Running" for three reads after provisioning finished.
    assert [s.execution_state for s in seen if s.phase == "executing"] == ["Running"] * 3
    assert all(s.provisioning_state == "Succeeded" for s in seen if s.phase == "executing")
    assert seen[-1] == RunStatus("done", "Succeeded", "Succeeded")
    assert len(gets) == 4


def test_a_failed_script_is_a_result_not_an_exception(client: RunCommandsClient) -> None:
    result = run_and_wait(client, RG, VMSS, "1", "fails", body("warn broken; exit 3"))
    assert not result.succeeded
    assert (result.execution_state, result.exit_code, result.error) == ("Failed", 3, "broken\n")


def test_a_script_that_fails_provisioning_is_still_a_result(client: RunCommandsClient) -> None:
    # treatFailureAsDeploymentFailure turns the script's failure into a failed operation.
    result = run_and_wait(
        client, RG, VMSS, "1", "strict", body("exit 4", treat_failure_as_deployment_failure=True)
    )
    assert (result.execution_state, result.exit_code) == ("Failed", 4)
    assert str(result.run_command.provisioning_state) == "Failed"


def test_raise_on_failure_raises_with_the_result_but_not_the_streams(
    client: RunCommandsClient,
) -> None:
    with pytest.raises(RunCommandFailedError) as caught:
        run_and_wait(
            client,
            RG,
            VMSS,
            "2",
            "fails",
            body("echo token=abc123; exit 5"),
            raise_on_failure=True,
        )
    assert caught.value.result.exit_code == 5
    assert caught.value.result.output == "token=abc123\n"
    assert "exit code 5" in str(caught.value) and "abc123" not in str(caught.value)


def test_raise_on_failure_returns_a_successful_result(client: RunCommandsClient) -> None:
    result = run_and_wait(client, RG, VMSS, "2", "ok", body("echo fine"), raise_on_failure=True)
    assert result.succeeded


def test_an_update_model_is_sent_as_a_patch(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    run_and_wait(client, RG, VMSS, "4", "cmd", body("echo one"))
    result = run_and_wait(
        client,
        RG,
        VMSS,
        "4",
        "cmd",
        VirtualMachineRunCommandUpdate(
            source=body("echo two; exit 2").source, timeout_in_seconds=60
        ),
    )
    assert (result.output, result.exit_code) == ("two\n", 2)
    assert [r.method for r in emulator.requests if r.method in ("PUT", "PATCH")] == [
        "PUT",
        "PATCH",
    ]


class FakeTime:
    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_timeout_while_the_script_runs_carries_a_token_that_resumes_the_wait() -> None:
    with (
        # A tiny Retry-After keeps the operation's real polls quick; the script's wait runs
        # on fake time.
        ArmEmulator(executor=scripted, polls_before_done=6, retry_after=0.001) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        ) as client,
    ):
        fake = FakeTime()
        waiter = RunWaiter(
            client,
            RG,
            VMSS,
            "5",
            "long",
            timeout=2.0,
            polling_interval=1.0,
            throttle=None,
            on_status=None,
            clock=fake.clock,
            sleep=fake.sleep,
        )
        poller = waiter.start(body("echo finally", async_execution=True))
        with pytest.raises(RunTimeoutError) as caught:
            waiter.finish(poller)
        error = caught.value
        assert isinstance(error, TimeoutError)
        assert (error.provisioning_state, error.execution_state) == ("Succeeded", "Running")
        assert fake.slept == [0.5, 1.0, 0.5]  # the gap doubles up to the interval, then the rest
        assert "'long'" in str(error) and "'5'" in str(error)

        result = run_and_wait(
            client,
            RG,
            VMSS,
            "5",
            "long",
            continuation_token=error.continuation_token,
            polling_interval=0,
        )
        puts = [r for r in emu.requests if r.method == "PUT"]
    assert result.output == "finally\n"
    assert len(puts) == 1  # resuming never sends the run command again


def test_a_timeout_while_provisioning_resumes_from_its_token() -> None:
    with (
        ArmEmulator(executor=scripted, polls_before_done=4) as emu,
        RunCommandsClient(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0.05
        ) as client,
    ):
        with pytest.raises(RunTimeoutError) as caught:
            run_and_wait(
                client, RG, VMSS, "6", "slow", body("echo up"), timeout=0.06, polling_interval=0.05
            )
        assert caught.value.execution_state is None
        assert caught.value.provisioning_state == "InProgress"
        result = run_and_wait(
            client,
            RG,
            VMSS,
            "6",
            "slow",
            continuation_token=caught.value.continuation_token,
            polling_interval=0.05,
        )
    assert result.succeeded and result.output == "up\n"


def test_a_service_error_is_raised_not_turned_into_a_result(
    client: RunCommandsClient, emulator: ArmEmulator
) -> None:
    emulator.fail_next(
        409, "OperationNotAllowed", "Another operation is in progress.", method="PUT"
    )
    with pytest.raises(ResourceExistsError):
        run_and_wait(client, RG, VMSS, "7", "busy", body("echo x"))


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({}, ValueError, "run_command is required"),
        ({"run_command": body("x"), "continuation_token": "abc"}, ValueError, "not both"),
        ({"continuation_token": "not-a-token"}, ValueError, "continuation token"),
        ({"run_command": body("x"), "timeout": -1}, ValueError, "timeout"),
        ({"run_command": body("x"), "polling_interval": "5"}, TypeError, "polling_interval"),
    ],
)
def test_bad_arguments_fail_before_any_request(
    client: RunCommandsClient,
    emulator: ArmEmulator,
    kwargs: dict[str, object],
    error: type[Exception],
    match: str,
) -> None:
    with pytest.raises(error, match=match):
        run_and_wait(client, RG, VMSS, "8", "bad", **kwargs)  # type: ignore[arg-type]
    assert emulator.requests == []


def test_running_with_exit_code_0_and_a_failure_message_is_a_failure(
    client: RunCommandsClient,
) -> None:
    # ARM's answer to a run command without a script: provisioning Succeeded, the view
    # "Running" with exit code 0 forever, the failure said only in executionMessage.
    wire = {"location": "westus", "properties": {"source": {}}}
    result = run_and_wait(client, RG, VMSS, "7", "no-script", wire, timeout=30)
    assert result.execution_state == "Failed" and not result.succeeded
    assert result.exit_code == 0
    assert "failed" in result.execution_message
    assert result.run_command.instance_view.execution_state == "Running"
    with pytest.raises(RunCommandFailedError):
        run_and_wait(client, RG, VMSS, "7", "no-script", wire, timeout=30, raise_on_failure=True)


def test_a_plain_running_view_is_still_waited_for(client: RunCommandsClient) -> None:
    with pytest.raises(RunTimeoutError):
        run_and_wait(client, RG, VMSS, "8", "busy", body("state Running"), timeout=0.5)
