"""README: testing with the emulator, fault injection. Verbatim; test_typing.py checks it still matches."""

from collections.abc import Mapping
from typing import Any

from vmss_runcommands.emulator import ArmEmulator, ExecutionResult


def fake_script(run_command: Mapping[str, Any]) -> ExecutionResult:  # the wire form
    return ExecutionResult(exit_code=0, output="hello from the emulator")


with ArmEmulator(executor=fake_script) as emu:
    client = emu.client()  # a RunCommandsClient that polls every 0.05 s
    ...

from vmss_runcommands.emulator import ArmEmulator, Fault

with ArmEmulator() as emu:
    # the next 2 status polls are throttled, then the 3rd one cuts the connection
    emu.faults.add(Fault.throttle(retry_after=1), path_contains="/operations/", count=2)
    emu.faults.add(Fault.reset(), path_contains="/operations/")
    # and 10% of the requests no scripted rule takes fail with one of these, reproducibly
    emu.faults.random(rate=0.1, kinds=[Fault.server_error(503), Fault.reset()], seed=7)
    ...
    assert [r.fault for r in emu.requests].count("throttle") == 2
