"""In-process ARM emulator of the VMSS VM run-command operations (every generated api-version).

It speaks HTTP only, on loopback, so any client -- this project's or another -- can be
tested against it::

    from vmss_runcommands.emulator import ArmEmulator, ExecutionResult

    with ArmEmulator(executor=lambda rc: ExecutionResult(exit_code=0, output="hi")) as emu:
        ...  # point a client at emu.base_url with emu.credential
"""

from .credential import AccessToken, AsyncEmulatorCredential, EmulatorCredential
from .emulator import DEFAULT_SUBSCRIPTION_ID, ArmEmulator
from .execution import ExecutionResult, Executor
from .faults import Fault, FaultPlan
from .recording import RecordedRequest

__all__ = [
    "DEFAULT_SUBSCRIPTION_ID",
    "AccessToken",
    "ArmEmulator",
    "AsyncEmulatorCredential",
    "EmulatorCredential",
    "ExecutionResult",
    "Executor",
    "Fault",
    "FaultPlan",
    "RecordedRequest",
]
