"""Faults mixed: several in one operation, and seeded random ones across a whole workload."""

from __future__ import annotations

import pytest
from fault_rig import CREATED, INSTANCE, RG, VMSS, Rig, make_rig, run_command
from vmss_runcommands import RetryPolicy
from vmss_runcommands.emulator import ArmEmulator, Fault

# Every test here runs against the sync and the async client (tests/surfaces.py).
pytestmark = pytest.mark.usefixtures("surface")

OPERATIONS = "/operations/"


def test_one_create_through_throttling_errors_resets_and_a_claims_challenge(rig: Rig) -> None:
    rig.emu.faults.add(Fault.throttle(retry_after=2), method="PUT")
    rig.emu.faults.add(Fault.server_error(503), path_contains=OPERATIONS)
    rig.emu.faults.add(Fault.reset(), path_contains=OPERATIONS)
    rig.emu.faults.add(Fault.claims_challenge(), path_contains=OPERATIONS)
    rig.emu.faults.add(Fault.html_error(502), method="GET", path_contains="/runCommands/")
    poller = rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command())
    assert poller.result().provisioning_state == "Succeeded"
    assert rig.trail() == [
        "PUT rc 429 [throttle]",
        "PUT rc 201",
        "GET op 503 [status 503]",
        "GET op 0 [reset]",
        "GET op 401 [claims challenge]",
        "GET op 200",
        "GET op 200",
        "GET rc 502 [html 502]",
        "GET rc 200",
    ]
    # Retry-After on the 429; the 503 and the reset are one retry chain: 0 s, then 1.6 s.
    assert rig.sleeps == [2.0, 1.6]
    assert rig.emu.faults.pending == 0
    request_ids = {r.headers["x-ms-client-request-id"] for r in rig.emu.requests}
    assert len(request_ids) == 1


def _workload(rig: Rig, rounds: int) -> None:
    for index in range(rounds):
        name = f"cmd-{index}"
        rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, name, run_command()).result()
        assert rig.ops.get(RG, VMSS, INSTANCE, name, expand="instanceView").name == name
        assert [item.name for item in rig.ops.list(RG, VMSS, INSTANCE)] == [name]
        assert rig.ops.begin_delete(RG, VMSS, INSTANCE, name).result() is None


def test_seeded_random_transient_faults_each_cost_exactly_one_request() -> None:
    transient = [
        Fault.throttle(retry_after=None, retry_after_ms=1),
        Fault.server_error(500),
        Fault.server_error(502),
        Fault.server_error(503),
        Fault.html_error(502),
        Fault.reset(),
    ]
    with ArmEmulator(polls_before_done=1, retry_after=0) as clean:
        _workload(make_rig(clean), rounds=8)
        baseline = [(r.method, r.path.rsplit("/", 1)[0]) for r in clean.requests]
    with ArmEmulator(polls_before_done=1, retry_after=0) as emu:
        # A PUT cut off mid-answer is not resent (it may have taken effect).
        emu.faults.random(rate=0.25, kinds=transient[:-1], seed=8, method="PUT")
        emu.faults.random(rate=0.25, kinds=transient, seed=7)
        # A wider budget than the default so that a rare run of faults cannot exhaust it.
        rig = make_rig(emu, retry_policy=RetryPolicy(status=8, read=8, backoff_factor=0.0))
        _workload(rig, rounds=8)
        requests = emu.requests
    faulted = [r for r in requests if r.fault is not None]
    assert len(faulted) >= 10, "the seed should inject a fair number of faults"
    assert len(requests) == len(baseline) + len(faulted)
    # Each fault is followed by the same request again, and nothing else changes.
    assert [(r.method, r.path.rsplit("/", 1)[0]) for r in requests if r.fault is None] == baseline
    for position, request in enumerate(requests):
        if request.fault is not None:
            retry = requests[position + 1]
            assert (retry.method, retry.path) == (request.method, request.path)


def test_the_same_seed_injects_the_same_faults() -> None:
    def faults_seen(seed: int) -> list[str | None]:
        with ArmEmulator(polls_before_done=1, retry_after=0) as emu:
            # A PUT cut off mid-answer is not resent (it may have taken effect).
            emu.faults.random(rate=0.3, kinds=[Fault.server_error(503)], seed=seed, method="PUT")
            emu.faults.random(rate=0.3, kinds=[Fault.server_error(503), Fault.reset()], seed=seed)
            policy = RetryPolicy(status=8, read=8, backoff_factor=0.0)
            _workload(make_rig(emu, retry_policy=policy), rounds=3)
            return [r.fault for r in emu.requests]

    assert faults_seen(11) == faults_seen(11)
    assert faults_seen(11) != faults_seen(12)


def test_created_trail_is_the_baseline(rig: Rig) -> None:
    rig.ops.begin_create_or_update(RG, VMSS, INSTANCE, "cmd", run_command()).result()
    assert rig.trail() == CREATED
