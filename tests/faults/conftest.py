"""Fixtures: an emulator whose faults the tests script, and a client on it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_rig import Rig, make_rig
from vmss_runcommands.emulator import ArmEmulator


@pytest.fixture
def emu() -> Iterator[ArmEmulator]:
    with ArmEmulator(polls_before_done=1, retry_after=0) as emulator:
        yield emulator


@pytest.fixture
def rig(emu: ArmEmulator) -> Iterator[Rig]:
    made = make_rig(emu)
    yield made
    made.client.close()
