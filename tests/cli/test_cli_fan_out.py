"""fan-out from the command line: JSON and streamed table output, exit statuses."""

from __future__ import annotations

import json
from pathlib import Path

from cli_support import RG, VMSS, Cli
from vmss_runcommands.emulator import ArmEmulator

GROUP = ["-g", RG, "--vmss-name", VMSS]


def test_fan_out_json_summarises_by_outcome_and_exits_1_when_a_script_failed(cli: Cli) -> None:
    done = cli(
        "fan-out",
        *GROUP,
        "--instance-ids",
        "10..21",
        "--script",
        "echo hi; exit 4 on multiples of 5",
        "-l",
        "westus",
        "--max-in-flight",
        "4",
    )
    assert done.returncode == 1, done.stderr
    document = json.loads(done.stdout)
    assert document["summary"]["failed"] == ["10", "15", "20"]
    assert len(document["summary"]["succeeded"]) == 9
    assert document["summary"]["errored"] == []
    instances = document["instances"]
    assert [i["instanceId"] for i in instances] == [str(n) for n in range(10, 22)]
    assert instances[0]["status"] == "failed" and instances[0]["exitCode"] == 4
    assert instances[1]["status"] == "succeeded" and instances[1]["output"] == "hi\n"


def test_fan_out_all_succeeded_exits_0_with_a_streamed_table(cli: Cli, tmp_path: Path) -> None:
    ids = tmp_path / "ids.txt"
    ids.write_text("30\n31 32\n")
    done = cli(
        "fan-out",
        *GROUP,
        "--instance-ids",
        f"@{ids}",
        "33",
        "--script",
        "echo fine",
        "-l",
        "westus",
        "-o",
        "table",
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["InstanceId", "Status", "ExecutionState", "ExitCode", "Detail"]
    rows = {line.split()[0]: line.split()[1:4] for line in lines[2:6]}
    assert rows == {str(n): ["succeeded", "Succeeded", "0"] for n in range(30, 34)}
    assert "4 succeeded, 0 failed, 0 errored." in done.stdout


def test_an_instance_the_service_refuses_is_errored_and_the_rest_still_run(
    cli: Cli, emulator: ArmEmulator
) -> None:
    emulator.fail_next(400, "InvalidParameter", "No such VM.", path_contains="/virtualMachines/42/")
    done = cli(
        "fan-out",
        *GROUP,
        "--instance-ids",
        "40..43",
        "--script",
        "echo",
        "-l",
        "westus",
        "-o",
        "table",
    )
    assert done.returncode == 125, done.stderr
    assert "errored: 42" in done.stdout
    assert "3 succeeded, 0 failed, 1 errored." in done.stdout
    row = next(line for line in done.stdout.splitlines() if line.startswith("42 "))
    assert "errored" in row and "No such VM." in row


def test_repeated_or_reversed_instance_ids_are_usage_errors(cli: Cli) -> None:
    before = len(cli.emulator.requests)
    twice = cli("fan-out", *GROUP, "--instance-ids", "1", "2", "1", "--script", "x", "-l", "w")
    assert twice.returncode == 2 and "'1' twice" in twice.stderr
    reversed_range = cli("fan-out", *GROUP, "--instance-ids", "9..3", "--script", "x", "-l", "w")
    assert reversed_range.returncode == 2 and "must go upwards" in reversed_range.stderr
    assert len(cli.emulator.requests) == before
