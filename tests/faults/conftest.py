"""Fixtures: an emulator whose faults the tests script, and a client on it."""

from __future__ import annotations

from collections.abc import Iterator

import fault_rig
import pytest
from fault_rig import Rig, make_rig
from surfaces import SURFACES
from vmss_runcommands.emulator import ArmEmulator


@pytest.fixture
def emu() -> Iterator[ArmEmulator]:
    with ArmEmulator(polls_before_done=1, retry_after=0) as emulator:
        yield emulator


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> Iterator[str]:
    """Runs a test once with the sync client and once with the async one (``make_rig``
    builds the one named here)."""
    fault_rig.SURFACE["kind"] = request.param
    yield request.param
    fault_rig.SURFACE["kind"] = "sync"
    while fault_rig.MADE:
        fault_rig.MADE.pop().close()


@pytest.fixture
def rig(emu: ArmEmulator, surface: str) -> Iterator[Rig]:
    made = make_rig(emu)
    yield made
    made.client.close()
