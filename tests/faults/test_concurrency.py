"""Concurrency: 16 threads share one client and run 50 LROs each through 10% injected faults."""

from __future__ import annotations

import threading
from collections import Counter

from fault_rig import INSTANCE, RG, VMSS, run_command
from vmss_runcommands import RetryPolicy, RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator, Fault
from vmss_runcommands.runtime.transport import DEFAULT_POOL_MAXSIZE

THREADS = 16
OPERATIONS_PER_THREAD = 50
POOL_SIZE = DEFAULT_POOL_MAXSIZE  # the client's default pool_maxsize


def test_sixteen_threads_share_a_client_through_faults_without_losing_anything() -> None:
    with ArmEmulator(polls_before_done=1, retry_after=0) as emu:
        # Polls may also lose an answer the service already acted on; other requests are
        # only ever refused before processing, so a retried PUT never meets its own work.
        emu.faults.random(
            rate=0.1,
            kinds=[
                Fault.throttle(retry_after=None, retry_after_ms=1),
                Fault.server_error(503),
                Fault.reset(),
                Fault.reset(processed=True),
            ],
            seed=16,
            path_contains="/operations/",
        )
        refusals = [
            Fault.throttle(retry_after=None, retry_after_ms=1),
            Fault.server_error(500),
            Fault.server_error(502),
            Fault.server_error(503),
            Fault.html_error(502),
        ]
        # A PUT cut off mid-answer is not resent (it may have taken effect), so PUTs only
        # meet faults that refuse them outright.
        emu.faults.random(rate=0.1, kinds=refusals, seed=51, method="PUT")
        emu.faults.random(rate=0.1, kinds=[*refusals, Fault.reset()], seed=50)
        # A wider retry budget than the default, so that a rare run of faults on one request
        # cannot exhaust it, and a short backoff to keep the test quick.
        policy = RetryPolicy(status=8, read=8, backoff_factor=0.01)
        client = RunCommandsClient(
            emu.credential,
            emu.subscription_id,
            base_url=emu.base_url,
            polling_interval=0,
            retry_policy=policy,
        )
        ops = client.virtual_machine_scale_set_vm_run_commands
        finished: list[str] = []
        unexpected: list[BaseException] = []
        lock = threading.Lock()

        def worker(thread: int) -> None:
            for index in range(OPERATIONS_PER_THREAD):
                name = f"t{thread}-{index}"
                try:
                    poller = ops.begin_create_or_update(RG, VMSS, INSTANCE, name, run_command())
                    result = poller.result(timeout=120)
                except BaseException as exc:  # collected and asserted on below
                    with lock:
                        unexpected.append(exc)
                    continue
                with lock:
                    finished.append(str(result.name))

        threads = [threading.Thread(target=worker, args=(n,)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        client.close()
        requests = emu.requests
        stored = emu.run_commands

    expected = {f"t{t}-{i}" for t in range(THREADS) for i in range(OPERATIONS_PER_THREAD)}
    assert unexpected == []
    assert sorted(finished) == sorted(expected)
    assert {key[3] for key in stored} == expected
    assert all(rc["properties"]["provisioningState"] == "Succeeded" for rc in stored.values())
    faults = Counter(r.fault for r in requests if r.fault is not None)
    assert sum(faults.values()) > len(requests) * 0.05, faults
    # Every run command was created by exactly one PUT the service processed.
    created = Counter(r.path for r in requests if r.method == "PUT" and r.status == 201)
    assert len(created) == len(expected) and set(created.values()) == {1}
    assert not [r for r in requests if r.method == "PUT" and r.status == 200]
    # The pool bounds the connections: never more open at once than its size (nor than the
    # threads: one each at most), and new ones only to replace those an injected reset cut.
    resets = faults["reset"] + faults["reset after processing"]
    bound = min(POOL_SIZE, THREADS)
    assert emu.peak_open_connections <= bound
    assert emu.connections_opened <= bound + resets
