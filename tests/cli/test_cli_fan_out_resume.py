"""fan-out interrupted (Ctrl-C) or partly timed out, then resumed: nothing runs twice."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from cli_support import RG, VMSS, Cli
from scripted_executor import scripted
from vmss_runcommands.emulator import ArmEmulator

GROUP = ["-g", RG, "--vmss-name", VMSS]


@pytest.fixture
def slow_cli() -> Iterator[Cli]:
    """Operations that finish 2 s after they start, however often they are looked at."""
    with ArmEmulator(executor=scripted, polls_before_done=10**6, operation_seconds=2.0) as emu:
        yield Cli(emu, emu.credential.get_token("https://management.azure.com/.default").token)


def _puts(emu: ArmEmulator) -> Counter[str]:
    return Counter(
        r.path.split("/virtualMachines/")[1].split("/")[0]
        for r in emu.requests
        if r.method == "PUT"
    )


def test_ctrl_c_prints_what_is_known_and_resume_finishes_without_rerunning(
    slow_cli: Cli, tmp_path: Path
) -> None:
    emu = slow_cli.emulator
    command = [
        sys.executable,
        "-m",
        "vmss_runcommands",
        "fan-out",
        *GROUP,
        "--instance-ids",
        "0..7",
        "--script",
        "echo hi",
        "--max-in-flight",
        "2",
        *slow_cli.connection,
    ]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while sum(_puts(emu).values()) < 2:
        assert time.monotonic() < deadline and process.poll() is None
        time.sleep(0.02)
    time.sleep(0.2)  # let both PUTs be answered, so both have a continuation token
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "fan-out --resume FILE" in err
    document = json.loads(out)
    assert document["summary"]["interrupted"] is True
    in_flight = {entry["instanceId"]: entry["continuationToken"] for entry in document["inFlight"]}
    assert set(in_flight) == {"0", "1"} and all(in_flight.values())
    assert document["notStarted"] == ["2", "3", "4", "5", "6", "7"]
    assert document["instances"] == []

    saved = tmp_path / "fan-out.json"
    saved.write_text(out)
    # The instances that had not started need the script again.
    refused = slow_cli("fan-out", "--resume", str(saved))
    assert refused.returncode == 2 and "6 instance(s)" in refused.stderr
    resumed = slow_cli("fan-out", "--resume", str(saved), "--script", "echo hi")
    assert resumed.returncode == 0, resumed.stderr
    final = json.loads(resumed.stdout)
    assert sorted(final["summary"]["succeeded"], key=int) == [str(n) for n in range(8)]
    assert _puts(emu) == Counter({str(n): 1 for n in range(8)}), "a script ran twice"


def test_timed_out_instances_carry_a_token_and_resume_waits_for_them(
    slow_cli: Cli, tmp_path: Path
) -> None:
    done = slow_cli(
        "fan-out",
        *GROUP,
        "--instance-ids",
        "10..13",
        "--script",
        "echo hi",
        "--wait-timeout",
        "0.3",
    )
    assert done.returncode == 124, done.stderr
    document = json.loads(done.stdout)
    assert document["summary"]["errored"] == ["10", "11", "12", "13"]
    for entry in document["instances"]:
        assert entry["continuationToken"]
        assert "fan-out --resume FILE" in entry["error"]
        assert "continuation token on this exception" not in entry["error"]
    saved = tmp_path / "timed-out.json"
    saved.write_text(done.stdout)
    resumed = slow_cli("fan-out", "--resume", str(saved))  # nothing to start: no script needed
    assert resumed.returncode == 0, resumed.stderr
    assert json.loads(resumed.stdout)["summary"]["succeeded"] == ["10", "11", "12", "13"]
    assert _puts(slow_cli.emulator) == Counter({"10": 1, "11": 1, "12": 1, "13": 1})


def test_resume_carries_finished_instances_and_checks_the_file(cli: Cli, tmp_path: Path) -> None:
    first = cli(
        "fan-out", *GROUP, "--instance-ids", "20..22", "--script", "echo; exit 4 on multiples of 21"
    )
    assert first.returncode == 1
    saved = tmp_path / "done.json"
    saved.write_text(first.stdout)
    again = cli("fan-out", "--resume", str(saved))
    assert again.returncode == 1  # the failed instance is carried over, not run again
    assert json.loads(again.stdout)["summary"]["failed"] == ["21"]
    saved.write_text("{}")
    broken = cli("fan-out", "--resume", str(saved))
    assert broken.returncode == 2 and "is not the JSON output of a fan-out" in broken.stderr
    other = cli("fan-out", "--resume", str(tmp_path / "missing.json"))
    assert other.returncode == 2 and "cannot read" in other.stderr
