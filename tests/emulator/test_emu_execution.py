"""What completing an operation does: executors, instance views, script failures."""

from __future__ import annotations

import re
import threading

from vmss_runcommands.emulator import ExecutionResult


def test_default_executor_says_it_did_not_run_anything(arm):
    body = arm.create(
        "cmd",
        {
            "source": {"script": "rm -rf /"},
            "parameters": [{"name": "a", "value": "1"}, {"name": "b", "value": "2"}],
        },
    )
    view = body["properties"]["instanceView"]
    assert view["executionState"] == "Succeeded"
    assert view["exitCode"] == 0
    assert view["output"] == "[emulator] script not executed; 2 parameter(s) received"
    assert view["error"] == ""
    # As the service writes them: whole seconds, +00:00, and no statuses list.
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", view["startTime"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", view["endTime"])
    assert "statuses" not in view


def test_custom_executor_receives_the_stored_run_command(make_emulator, arm_for):
    seen = []

    def executor(run_command):
        seen.append(run_command)
        return ExecutionResult(exit_code=0, output="hello from the fake VM")

    arm = arm_for(make_emulator(executor=executor))
    body = arm.create(
        "cmd",
        {
            "source": {"script": "echo hi"},
            "protectedParameters": [{"name": "secret", "value": "s3cr3t"}],
            "runAsUser": "alice",
            "runAsPassword": "pa55",
        },
    )
    assert body["properties"]["instanceView"]["output"] == "hello from the fake VM"
    [wire] = seen
    assert wire["name"] == "cmd"
    assert wire["properties"]["source"] == {"script": "echo hi"}
    assert wire["properties"]["protectedParameters"] == [{"name": "secret", "value": "s3cr3t"}]
    assert wire["properties"]["runAsUser"] == "alice"
    assert wire["properties"]["runAsPassword"] == "pa55"


def test_failing_script_without_treat_failure_still_provisions(make_emulator, arm_for):
    executor = lambda rc: ExecutionResult(exit_code=3, output="out", error="boom")  # noqa: E731
    arm = arm_for(make_emulator(executor=executor))
    response = arm.put("cmd", {"location": "westus", "properties": {"source": {"script": "x"}}})
    assert arm.wait(response)["status"] == "Succeeded"
    properties = arm.get("cmd", expand=True).json()["properties"]
    assert properties["provisioningState"] == "Succeeded"
    view = properties["instanceView"]
    assert (view["executionState"], view["exitCode"], view["error"]) == ("Failed", 3, "boom")
    assert "exit code 3" in view["executionMessage"]


def test_failing_script_with_treat_failure_fails_the_operation(make_emulator, arm_for):
    executor = lambda rc: ExecutionResult(exit_code=2, error="no such file")  # noqa: E731
    arm = arm_for(make_emulator(executor=executor))
    response = arm.put(
        "cmd",
        {
            "location": "westus",
            "properties": {"source": {"script": "x"}, "treatFailureAsDeploymentFailure": True},
        },
    )
    status = arm.wait(response)
    assert status["status"] == "Failed"
    error = status["error"]
    assert error["code"] == "VMExtensionProvisioningError"
    assert "exit code 2" in error["message"]
    assert error["details"] and error["details"][0]["target"] == "instanceView"
    properties = arm.get("cmd", expand=True).json()["properties"]
    assert properties["provisioningState"] == "Failed"
    assert properties["instanceView"]["executionState"] == "Failed"
    assert "statuses" not in properties["instanceView"]
    # A failed resource can be fixed with another PUT.
    assert arm.put("cmd", {"location": "westus"}).status == 200


def test_explicit_execution_state_counts_as_failure(make_emulator, arm_for):
    executor = lambda rc: ExecutionResult(execution_state="TimedOut")  # noqa: E731
    arm = arm_for(make_emulator(executor=executor))
    response = arm.put(
        "cmd", {"location": "westus", "properties": {"treatFailureAsDeploymentFailure": True}}
    )
    assert arm.wait(response)["status"] == "Failed"
    view = arm.get("cmd", expand=True).json()["properties"]["instanceView"]
    assert (view["executionState"], view["exitCode"]) == ("TimedOut", 0)


def test_async_execution_runs_after_provisioning(make_emulator, arm_for):
    executor = lambda rc: ExecutionResult(exit_code=1, output="late")  # noqa: E731
    arm = arm_for(make_emulator(executor=executor, polls_before_done=2))
    response = arm.put(
        "cmd",
        {
            "location": "westus",
            "properties": {"asyncExecution": True, "treatFailureAsDeploymentFailure": True},
        },
    )
    # Provisioning completes when the script starts, so its failure does not fail it.
    assert arm.wait(response)["status"] == "Succeeded"
    views = [arm.get("cmd", expand=True).json()["properties"] for _ in range(3)]
    assert [v["provisioningState"] for v in views] == ["Succeeded"] * 3
    states = [v["instanceView"]["executionState"] for v in views]
    assert states == ["Running", "Running", "Failed"]
    assert "endTime" not in views[0]["instanceView"]
    assert views[2]["instanceView"]["output"] == "late"
    # Plain GETs (no instance view) do not advance the script.
    assert "instanceView" not in arm.get("cmd").json()["properties"]


def test_instance_view_is_pending_before_completion(arm):
    arm.put("cmd", {"location": "westus"})
    view = arm.get("cmd", expand=True).json()["properties"]["instanceView"]
    assert view["executionState"] == "Pending"


def test_executor_exception_fails_the_operation_not_the_server(make_emulator, arm_for):
    def executor(rc):
        raise RuntimeError("executor bug")

    arm = arm_for(make_emulator(executor=executor))
    status = arm.wait(arm.put("cmd", {"location": "westus"}))
    assert status["status"] == "Failed"
    assert "executor bug" in status["error"]["message"]
    assert arm.get("cmd").json()["properties"]["provisioningState"] == "Failed"


def test_executor_may_call_back_into_the_emulator(make_emulator, arm_for):
    snapshots = []

    def executor(rc):
        snapshots.append(dict(emu.run_commands))
        return ExecutionResult()

    emu = make_emulator(executor=executor)
    arm = arm_for(emu)
    arm.create("cmd")
    assert len(snapshots) == 1


def test_concurrent_polls_while_executing_stay_in_progress(make_emulator, arm_for):
    release = threading.Event()
    entered = threading.Event()

    def executor(rc):
        entered.set()
        release.wait(5)
        return ExecutionResult()

    arm = arm_for(make_emulator(executor=executor, polls_before_done=0))
    url = arm.put("cmd", {"location": "westus"}).headers["Azure-AsyncOperation"]
    results = []
    first = threading.Thread(target=lambda: results.append(arm_for(arm.emu).poll(url).json()))
    first.start()
    assert entered.wait(5)
    assert arm.poll(url).json()["status"] == "InProgress"
    release.set()
    first.join(5)
    assert results[0]["status"] == "Succeeded"
