"""Every subcommand against the emulator, in both output formats, with its exit status."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from cli_support import RG, VMSS, Cli
from vmss_runcommands.emulator import ArmEmulator


def where(instance: str, name: str | None = None) -> list[str]:
    args = ["-g", RG, "--vmss-name", VMSS, "--instance-id", instance]
    return args + (["--name", name] if name is not None else [])


def stored(emulator: ArmEmulator, instance: str, name: str) -> dict[str, object]:
    return dict(emulator.run_commands[(RG.lower(), VMSS.lower(), instance, name)])


def test_create_waits_and_prints_the_resource_as_json(cli: Cli) -> None:
    done = cli(
        "create",
        *where("1", "cmd"),
        "--script",
        "echo created",
        "--location",
        "westus",
        "--parameters",
        "A=1",
        "B=two=2",
        "--timeout-in-seconds",
        "90",
        "--async-execution",
    )
    assert done.returncode == 0, done.stderr
    resource = json.loads(done.stdout)
    assert resource["name"] == "cmd" and resource["location"] == "westus"
    properties = resource  # properties are flattened, as az shows them
    assert properties["provisioningState"] == "Succeeded"
    assert properties["parameters"] == [
        {"name": "A", "value": "1"},
        {"name": "B", "value": "two=2"},
    ]
    assert properties["asyncExecution"] is True and properties["timeoutInSeconds"] == 90
    assert done.stderr == ""  # no status line when stderr is not a terminal


def test_create_with_no_wait_returns_at_once_and_says_how_to_follow(cli: Cli) -> None:
    done = cli("create", *where("1", "later"), "--script", "echo", "-l", "westus", "--no-wait")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "vmss-runcommands show" in done.stderr and "--name later" in done.stderr


def test_create_reads_the_script_from_a_file(cli: Cli, tmp_path: Path) -> None:
    script = tmp_path / "job.sh"
    script.write_text("echo from a file")
    done = cli("create", *where("1", "file"), "--script", f"@{script}", "-l", "westus")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["source"]["script"] == "echo from a file"


def test_create_without_location_takes_the_scale_sets_region(cli: Cli) -> None:
    cli.emulator.add_scale_set(RG, "in-the-north", "North Europe")
    done = cli(
        "create",
        "-g",
        RG,
        "--vmss-name",
        "in-the-north",
        "--instance-id",
        "2",
        "--name",
        "loc",
        "--script",
        "echo",
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["location"] == "northeurope"
    scale_set_reads = [
        r for r in cli.emulator.requests if r.method == "GET" and r.path.endswith("/in-the-north")
    ]
    assert len(scale_set_reads) == 1
    overridden = cli("create", *where("2", "loc2"), "--script", "echo", "-l", "eastus")
    assert json.loads(overridden.stdout)["location"] == "eastus"


def test_show_table_has_the_state_columns_and_the_output(cli: Cli) -> None:
    cli("create", *where("3", "shown"), "--script", "echo visible; warn and this", "-l", "westus")
    done = cli("show", *where("3", "shown"), "--instance-view", "--output", "table")
    assert done.returncode == 0, done.stderr
    header, rule, row = done.stdout.splitlines()[:3]
    assert header.split() == ["Name", "Location", "ProvisioningState", "ExecutionState", "ExitCode"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert row.split() == ["shown", "westus", "Succeeded", "Succeeded", "0"]
    assert "--- output ---\nvisible\n" in done.stdout
    assert "--- error ---\nand this\n" in done.stdout


def test_show_json_without_instance_view_has_none(cli: Cli) -> None:
    cli("create", *where("3", "plain"), "--script", "echo", "-l", "westus")
    done = cli("show", *where("3", "plain"))
    assert done.returncode == 0, done.stderr
    assert "instanceView" not in json.loads(done.stdout)


def test_list_prints_every_run_command_of_the_instance(cli: Cli) -> None:
    for name in ("one", "two"):
        cli("create", *where("4", name), "--script", "echo", "-l", "westus")
    as_json = cli("list", *where("4"), "--instance-view")
    assert as_json.returncode == 0, as_json.stderr
    listed = json.loads(as_json.stdout)
    assert [item["name"] for item in listed] == ["one", "two"]
    assert all(item["instanceView"]["exitCode"] == 0 for item in listed)
    as_table = cli("list", *where("4"), "-o", "table")
    assert [line.split()[0] for line in as_table.stdout.splitlines()[2:]] == ["one", "two"]


def test_update_changes_only_what_was_given(cli: Cli, emulator: ArmEmulator) -> None:
    cli("create", *where("5", "upd"), "--script", "echo v1", "-l", "westus")
    done = cli("update", *where("5", "upd"), "--timeout-in-seconds", "30", "-o", "table")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[2].split()[:3] == ["upd", "westus", "Succeeded"]
    properties = stored(emulator, "5", "upd")["properties"]
    assert isinstance(properties, dict)
    assert properties["timeoutInSeconds"] == 30 and properties["source"] == {"script": "echo v1"}
    nothing = cli("update", *where("5", "upd"))
    assert nothing.returncode == 2 and "nothing to update" in nothing.stderr


def test_delete_asks_for_yes_without_a_terminal_then_deletes(cli: Cli) -> None:
    cli("create", *where("6", "gone"), "--script", "echo", "-l", "westus")
    refused = cli("delete", *where("6", "gone"))
    assert refused.returncode == 2 and "--yes" in refused.stderr
    done = cli("delete", *where("6", "gone"), "--yes")
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    after = cli("show", *where("6", "gone"))
    assert after.returncode == 3
    assert "Not found" in after.stderr and "vmss-runcommands list" in after.stderr


def test_run_prints_the_scripts_result_and_exits_0(cli: Cli) -> None:
    done = cli("run", *where("7"), "--script", "echo hello; warn note", "-l", "westus")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["name"] == "vmss-runcommands"  # the default name
    assert (result["executionState"], result["exitCode"]) == ("Succeeded", 0)
    assert (result["output"], result["error"]) == ("hello\n", "note\n")
    assert result["startTime"] and result["endTime"]


def test_run_table_shows_a_row_and_the_streams(cli: Cli) -> None:
    done = cli("run", *where("7", "tbl"), "--script", "echo out", "-l", "westus", "-o", "table")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["InstanceId", "Name", "ExecutionState", "ExitCode", "Duration"]
    assert lines[2].split()[:4] == ["7", "tbl", "Succeeded", "0"]
    assert "--- output ---\nout" in done.stdout


@pytest.mark.parametrize(
    ("script", "status"),
    [
        ("exit 3", 3),
        ("exit 123", 123),
        ("exit 200", 123),  # outside 1-123: clamped
        ("exit -1073741819", 123),  # a Windows crash code
        ("state TimedOut", 123),  # failed without an exit code
    ],
)
def test_run_exits_with_the_scripts_exit_code(cli: Cli, script: str, status: int) -> None:
    done = cli("run", *where("8", f"code{status}"), "--script", script, "-l", "westus")
    assert done.returncode == status, done.stderr
    result = json.loads(done.stdout)
    assert result["executionState"] in ("Failed", "TimedOut")


def test_run_with_async_execution_waits_for_the_script(cli: Cli) -> None:
    done = cli("run", *where("9"), "--script", "echo late", "-l", "westus", "--async-execution")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["output"] == "late\n"


def test_run_past_its_wait_timeout_exits_124_and_says_how_to_follow() -> None:
    with ArmEmulator(polls_before_done=100_000, operation_seconds=None, retry_after=0) as slow:
        cli = Cli(slow, slow.credential.get_token("https://management.azure.com/.default").token)
        done = cli(
            "run", *where("1", "slow"), "--script", "x", "-l", "westus", "--wait-timeout", "0.3"
        )
    assert done.returncode == 124, done.stderr
    assert done.stdout == ""
    assert "Timed out" in done.stderr
    assert "vmss-runcommands show" in done.stderr and "--instance-view" in done.stderr


def test_a_service_error_exits_125_with_its_message(cli: Cli, emulator: ArmEmulator) -> None:
    emulator.fail_next(400, "InvalidParameter", "The script is too long.", method="PUT")
    done = cli("run", *where("1", "bad"), "--script", "x", "-l", "westus")
    assert done.returncode == 125
    assert "The script is too long." in done.stderr and "InvalidParameter" in done.stderr


def test_a_conflict_says_to_wait_for_the_other_operation(cli: Cli, emulator: ArmEmulator) -> None:
    emulator.fail_next(409, "OperationNotAllowed", "Busy.", method="PUT")
    done = cli("create", *where("1", "busy"), "--script", "x", "-l", "westus")
    assert done.returncode == 125
    assert "Conflict" in done.stderr and "try again" in done.stderr


def test_a_refused_token_exits_126_and_says_which_token_to_use(cli: Cli) -> None:
    done = cli(
        "list",
        *where("1"),
        "--endpoint",
        cli.emulator.base_url,
        "--emulator-token",
        "emulator-not-issued",
        connected=False,
    )
    assert done.returncode == 126
    assert "Authentication failed" in done.stderr and "--emulator-token" in done.stderr


def test_without_azure_identity_the_tool_says_how_to_install_it(cli: Cli, tmp_path: Path) -> None:
    fake = tmp_path / "azure" / "identity"
    fake.mkdir(parents=True)
    (tmp_path / "azure" / "__init__.py").write_text("")
    (fake / "__init__.py").write_text("raise ImportError('azure-identity is missing')\n")
    import os

    path = os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])
    done = cli(
        "list",
        *where("1"),
        "--subscription",
        "00000000-0000-0000-0000-000000000000",
        connected=False,
        env={"PYTHONPATH": path},
    )
    assert done.returncode == 126
    assert 'pip install "azure-identity>=1.15"' in done.stderr
    assert "vmss-runcommands[" not in done.stderr  # not on the index: a stranger's package


def test_emulator_runs_a_single_command_on_its_own(cli: Cli) -> None:
    done = cli(
        "run", *where("0"), "--script", "echo", "-l", "westus", "--emulator", connected=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["output"].startswith("[emulator] script not executed")
    empty = cli("show", *where("0", "x"), "--emulator", connected=False)
    assert empty.returncode == 3 and "empty emulator for each command" in empty.stderr


def test_ctrl_c_exits_130_and_says_the_run_goes_on() -> None:
    with ArmEmulator(polls_before_done=100_000, operation_seconds=None, retry_after=0) as slow:
        token = slow.credential.get_token("https://management.azure.com/.default").token
        cli = Cli(slow, token)
        command = ["run", *where("1", "long"), "--script", "x", "-l", "westus", *cli.connection]
        process = subprocess.Popen(
            [sys.executable, "-m", "vmss_runcommands", *command],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + 60
        while not any(r.method == "PUT" for r in slow.requests):  # interrupt while waiting
            assert time.monotonic() < deadline and process.poll() is None
            time.sleep(0.02)
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert out == ""
    assert "Interrupted" in err and "keep running" in err and "--name long" in err


def test_a_name_the_client_refuses_is_a_usage_error_naming_the_option(cli: Cli) -> None:
    done = cli("show", *where("1", ".."))
    assert done.returncode == 2
    assert "--name must not be '..'" in done.stderr
