"""An emulator in this process for the command-line tests to talk to."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from cli_support import Cli
from scripted_executor import scripted
from vmss_runcommands.emulator import ArmEmulator


@pytest.fixture(scope="module")
def emulator() -> Iterator[ArmEmulator]:
    with ArmEmulator(executor=scripted, polls_before_done=1) as emu:
        yield emu


@pytest.fixture
def cli(emulator: ArmEmulator) -> Cli:
    token = emulator.credential.get_token("https://management.azure.com/.default").token
    return Cli(emulator, token)
