from __future__ import annotations

from collections.abc import Iterator

import pytest
from surfaces import SURFACES, emulator_client
from vmss_runcommands import RunCommandsClient
from vmss_runcommands.emulator import ArmEmulator


@pytest.fixture
def emulator() -> Iterator[ArmEmulator]:
    with ArmEmulator(polls_before_done=1) as emu:
        yield emu


@pytest.fixture(params=SURFACES)
def surface(request: pytest.FixtureRequest) -> str:
    """``sync`` or ``async``: every test using ``client`` runs against both surfaces."""
    kind: str = request.param
    return kind


@pytest.fixture
def client(emulator: ArmEmulator, surface: str) -> Iterator[RunCommandsClient]:
    with emulator_client(surface, emulator) as c:
        yield c
