"""A PUT or PATCH whose answer is lost is reconciled with its resource: the exact requests, and
the script never runs twice."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from fault_rig import CREATED, INSTANCE, RG, VMSS, Rig, make_rig, run_command
from vmss_runcommands import ServiceResponseError
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult, Fault
from vmss_runcommands.models import VirtualMachineRunCommandUpdate

# Every test here runs against the sync and the async client (tests/surfaces.py).
pytestmark = pytest.mark.usefixtures("surface")


class CountingExecutor:
    def __init__(self) -> None:
        self.runs: list[str] = []

    def __call__(self, stored: Mapping[str, Any]) -> ExecutionResult:
        self.runs.append(stored["properties"]["source"]["script"])
        return ExecutionResult(exit_code=0, output="ran")


@pytest.fixture
def executor() -> CountingExecutor:
    return CountingExecutor()


@pytest.fixture
def lw_rig(executor: CountingExecutor, request: pytest.FixtureRequest) -> Iterator[Rig]:
    # Operations finish on the second look unless a test asks for another count.
    looks = getattr(request, "param", 1)
    with ArmEmulator(polls_before_done=looks, retry_after=0, executor=executor) as emulator:
        made = make_rig(emulator)
        yield made
        made.client.close()


def create(rig: Rig, script: str = "") -> Any:
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command(script))
    return poller.result(timeout=30)


def test_a_put_that_took_effect_is_polled_through_its_resource(
    lw_rig: Rig, executor: CountingExecutor
) -> None:
    lw_rig.emu.faults.add(Fault.reset(processed=True), method="PUT")
    result = create(lw_rig)
    assert result.provisioning_state == "Succeeded"
    # The GET finds it still provisioning (not sent again), the next GET finds it done.
    assert lw_rig.trail() == ["PUT rc 0 [reset after processing]", "GET rc 200", "GET rc 200"]
    assert executor.runs == ["echo hi"]


def test_a_put_that_never_arrived_is_sent_once_more(
    lw_rig: Rig, executor: CountingExecutor
) -> None:
    lw_rig.emu.faults.add(Fault.reset(), method="PUT")
    assert create(lw_rig).provisioning_state == "Succeeded"
    assert lw_rig.trail() == ["PUT rc 0 [reset]", "GET rc 404", *CREATED]
    assert executor.runs == ["echo hi"]


def test_a_lost_put_over_a_different_finished_resource_is_sent_once_more(
    lw_rig: Rig, executor: CountingExecutor
) -> None:
    create(lw_rig, " old")
    start = lw_rig.mark()
    lw_rig.emu.faults.add(Fault.reset(), method="PUT")
    result = create(lw_rig, " new")
    assert result.source.script == "echo hi new"
    # The GET shows the old script, finished: the new PUT never arrived.
    assert lw_rig.trail(start)[:3] == ["PUT rc 0 [reset]", "GET rc 200", "PUT rc 200"]
    assert executor.runs == ["echo hi old", "echo hi new"]


@pytest.mark.parametrize("lw_rig", [0], indirect=True)  # operations finish on the first look
def test_a_lost_put_whose_resource_finished_with_what_was_sent_is_not_sent_again(
    lw_rig: Rig, executor: CountingExecutor
) -> None:
    create(lw_rig)
    start = lw_rig.mark()
    # The same PUT again: it takes effect and the reconciling GET finds it finished, holding
    # what was sent. That GET is the result.
    lw_rig.emu.faults.add(Fault.reset(processed=True), method="PUT")
    result = create(lw_rig)
    assert result.provisioning_state == "Succeeded"
    assert lw_rig.trail(start) == ["PUT rc 0 [reset after processing]", "GET rc 200"]
    assert executor.runs == ["echo hi", "echo hi"]  # the first create and this one, once each


def test_a_second_lost_answer_is_raised_with_a_token_that_resumes(
    lw_rig: Rig, executor: CountingExecutor
) -> None:
    lw_rig.emu.faults.add(Fault.reset(), method="PUT")
    lw_rig.emu.faults.add(Fault.reset(processed=True), method="PUT")
    with pytest.raises(ServiceResponseError) as info:
        lw_rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command())
    assert lw_rig.trail() == [
        "PUT rc 0 [reset]",
        "GET rc 404",
        "PUT rc 0 [reset after processing]",
    ]  # never a third PUT
    token = info.value.continuation_token
    assert token is not None
    resumed = lw_rig.ops.begin_create_or_update(
        RG, VMSS, INSTANCE, "cmd", None, continuation_token=token
    )
    assert resumed.result(timeout=30).provisioning_state == "Succeeded"
    assert executor.runs == ["echo hi"]


def test_when_the_resource_cannot_be_read_the_lost_answer_is_raised(lw_rig: Rig) -> None:
    lw_rig.emu.faults.add(Fault.reset(), method="PUT")
    lw_rig.emu.faults.add(Fault.error(403, "AuthorizationFailed", "no read"), method="GET")
    with pytest.raises(ServiceResponseError) as info:
        lw_rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command())
    assert info.value.continuation_token is not None
    assert lw_rig.trail() == ["PUT rc 0 [reset]", "GET rc 403 [status 403]"]


def test_a_patch_that_never_arrived_is_sent_once_more(lw_rig: Rig) -> None:
    create(lw_rig)
    start = lw_rig.mark()
    lw_rig.emu.faults.add(Fault.reset(), method="PATCH")
    update = VirtualMachineRunCommandUpdate(timeout_in_seconds=60)
    result = lw_rig.ops.begin_update(RG, VMSS, INSTANCE, "cmd", update).result(timeout=30)
    assert result.timeout_in_seconds == 60
    assert lw_rig.trail(start)[:3] == ["PATCH rc 0 [reset]", "GET rc 200", "PATCH rc 200"]


def test_a_patch_that_took_effect_is_not_sent_again(lw_rig: Rig) -> None:
    create(lw_rig)
    start = lw_rig.mark()
    lw_rig.emu.faults.add(Fault.reset(processed=True), method="PATCH")
    update = VirtualMachineRunCommandUpdate(timeout_in_seconds=60)
    result = lw_rig.ops.begin_update(RG, VMSS, INSTANCE, "cmd", update).result(timeout=30)
    assert result.timeout_in_seconds == 60
    trail = lw_rig.trail(start)
    assert trail[0] == "PATCH rc 0 [reset after processing]"
    assert trail[1:] and all(step == "GET rc 200" for step in trail[1:])
