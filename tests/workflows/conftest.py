"""An emulator running scripted executions, and a client pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from scripted_executor import scripted
from surfaces import SURFACES
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator


@pytest.fixture
def emulator() -> Iterator[ArmEmulator]:
    with ArmEmulator(executor=scripted, polls_before_done=1) as emu:
        yield emu


@pytest.fixture
def client(emulator: ArmEmulator) -> Iterator[RunCommandsClient]:
    with RunCommandsClient(
        emulator.credential,
        emulator.subscription_id,
        base_url=emulator.base_url,
        polling_interval=0,
    ) as c:
        yield c


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> str:
    """``sync`` or ``async``, for the tests whose workflow has both forms."""
    kind: str = request.param
    return kind
