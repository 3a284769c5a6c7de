"""The live status line: drawn on a terminal, absent from pipes."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
import tty

from cli_support import RG, VMSS, Cli
from vmss_runcommands.emulator import ArmEmulator


def run_with_terminal_stderr(command: list[str]) -> tuple[int, str, str]:
    """Run ``command`` with stderr on a pseudo-terminal; (status, stdout, terminal text)."""
    controller, terminal = pty.openpty()
    tty.setraw(terminal)  # no output processing: the text arrives as written
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 160, 0, 0))
    env = {k: v for k, v in os.environ.items() if not k.startswith("AZURE_")}
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=terminal, stdin=subprocess.DEVNULL, env=env
    )
    os.close(terminal)
    seen = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is gone
            break
        if not chunk:
            break
        seen += chunk
    os.close(controller)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    return process.wait(timeout=60), out, seen.decode(errors="replace")


def test_run_shows_elapsed_time_and_states_on_a_terminal_only() -> None:
    # Eight polls at the tool's emulator interval (0.1 s) outlast a few redraws (0.2 s).
    with ArmEmulator(polls_before_done=8, retry_after=0) as emu:
        cli = Cli(emu, emu.credential.get_token("https://management.azure.com/.default").token)
        args = ["run", "-g", RG, "--vmss-name", VMSS, "--instance-id", "0", "--script", "x"]
        args += ["-l", "westus", *cli.connection]
        status, out, terminal = run_with_terminal_stderr(
            [sys.executable, "-m", "vmss_runcommands", *args]
        )
        piped = cli(*args[:-4], "--name", "piped")
    assert status == 0, terminal
    assert json.loads(out)["executionState"] == "Succeeded"  # stdout stays clean JSON
    assert "provisioning: InProgress" in terminal and "execution: -" in terminal
    assert "s  provisioning:" in terminal  # the elapsed time comes first
    assert terminal.endswith("\r\x1b[2K")  # the line is cleared at the end
    assert piped.returncode == 0 and piped.stderr == ""


def test_fan_out_draws_a_progress_bar_with_counts() -> None:
    with ArmEmulator(polls_before_done=4, retry_after=0) as emu:
        cli = Cli(emu, emu.credential.get_token("https://management.azure.com/.default").token)
        status, _, terminal = run_with_terminal_stderr(
            [
                sys.executable,
                "-m",
                "vmss_runcommands",
                "fan-out",
                "-g",
                RG,
                "--vmss-name",
                VMSS,
                "--instance-ids",
                "0..5",
                "--max-in-flight",
                "2",
                "--script",
                "x",
                "-l",
                "westus",
                *cli.connection,
            ]
        )
    assert status == 0, terminal
    assert "/6  ok " in terminal and "in flight " in terminal and "[#" in terminal
