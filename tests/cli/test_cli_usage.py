"""Help, version and bad arguments: clear messages, exit 2, and no client loaded for them."""

from __future__ import annotations

import subprocess
import sys

import pytest
from cli_support import RG, VMSS, Cli

COMMANDS = ("create", "update", "show", "list", "delete", "run", "fan-out")


def test_help_lists_every_subcommand_and_the_exit_statuses(cli: Cli) -> None:
    done = cli("--help", connected=False)
    assert done.returncode == 0
    for command in COMMANDS:
        assert f"    {command} " in done.stdout
    assert "126      authentication error" in done.stdout
    assert "DefaultAzureCredential" in done.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_each_subcommand_has_help_with_az_style_options(cli: Cli, command: str) -> None:
    done = cli(command, "--help", connected=False)
    assert done.returncode == 0
    assert "--resource-group" in done.stdout and "--vmss-name" in done.stdout
    assert "--emulator-token" in done.stdout and "--output" in done.stdout


def test_printing_help_loads_neither_the_client_nor_the_http_stack() -> None:
    probe = (
        "import contextlib, io, sys\n"
        "from vmss_runcommands.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['run', '--help'])\n"
        "import pathlib, vmss_runcommands\n"
        "root = pathlib.Path(vmss_runcommands.__path__[0])\n"
        "versions = tuple(f'vmss_runcommands.{m.parent.name}' for m in root.glob('*/_meta.json'))\n"
        "assert versions, root\n"
        "heavy = ('urllib3', 'attr', 'cattrs', 'azure', *versions,\n"
        "         'vmss_runcommands.runtime.client', 'vmss_runcommands.workflows')\n"
        "print(sorted(m for m in sys.modules if m.startswith(heavy)))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_version_and_no_command(cli: Cli) -> None:
    version = cli("--version", connected=False)
    assert version.returncode == 0 and version.stdout.startswith("vmss-runcommands ")
    bare = cli(connected=False)
    assert bare.returncode == 2 and "COMMAND" in bare.stderr


WHERE = ["-g", RG, "--vmss-name", VMSS, "--instance-id", "0"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["show", "--vmss-name", VMSS, "--instance-id", "0", "--name", "x"], "--resource-group"),
        (["show", *WHERE], "--name"),
        (["run", *WHERE], "one of the arguments --script --script-uri --command-id"),
        (["run", *WHERE, "--script", "a", "--command-id", "b"], "not allowed with argument"),
        (["run", *WHERE, "--script", "a", "--timeout-in-seconds", "soon"], "a whole number"),
        (["run", *WHERE, "--script", "a", "--wait-timeout", "-3"], "finite number >= 0"),
        (["run", *WHERE, "--script", "a", "--async-execution", "maybe"], "true or false"),
        (["show", *WHERE, "--name", "x", "--output", "xml"], "invalid choice: 'xml'"),
        (
            ["show", *WHERE, "--name", "", "-o", "json"],
            "--name/--run-command-name: must not be empty",
        ),
        (["show", *WHERE, "--name", "x", "--instance-veiw"], "unrecognized arguments"),
        (["show", *WHERE, "--name", "x", "--inst"], "unrecognized arguments"),
        (["fan-out", "-g", RG, "--vmss-name", VMSS, "--script", "a"], "--instance-ids"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["run", *WHERE, "--script", "@/no/such/file"], "cannot read /no/such/file"),
    ],
)
def test_bad_arguments_exit_2_naming_the_problem(cli: Cli, args: list[str], expected: str) -> None:
    done = cli(*args, connected=False)
    assert done.returncode == 2, done.stderr
    assert done.stdout == ""
    assert "usage: vmss-runcommands" in done.stderr
    assert expected in done.stderr


def test_comma_separated_instance_ids_are_refused_before_any_request(cli: Cli) -> None:
    before = len(cli.emulator.requests)
    done = cli("fan-out", "-g", RG, "--vmss-name", VMSS, "--instance-ids", "0,1", "--script", "a")
    assert (done.returncode, done.stdout) == (2, "")
    assert "'0,1' holds a comma; separate instance ids with spaces" in done.stderr
    assert len(cli.emulator.requests) == before  # not run on an instance named '0,1'


def test_an_unknown_option_shows_the_subcommands_usage_and_the_closest_option(cli: Cli) -> None:
    done = cli("show", *WHERE, "--name", "x", "--instance-veiw", connected=False)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("usage: vmss-runcommands show ")
    assert "vmss-runcommands show: error: unrecognized arguments: --instance-veiw" in done.stderr
    assert "did you mean: --instance-veiw -> --instance-view?" in done.stderr
    far = cli("list", *WHERE, "--frobnicate=1", connected=False)
    assert far.returncode == 2
    assert far.stderr.startswith("usage: vmss-runcommands list ")
    assert "unrecognized arguments: --frobnicate=1\n" in far.stderr  # nothing close: no guess


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["--parameters", "novalue"], "--parameters: item 1 ('novalue') is not NAME=VALUE"),
        (["--emulator", "--endpoint", "http://127.0.0.1:1"], "leave out --endpoint"),
    ],
)
def test_inconsistent_arguments_exit_2_before_any_request(
    cli: Cli, args: list[str], expected: str
) -> None:
    before = len(cli.emulator.requests)
    done = cli("run", *WHERE, "--script", "echo", "-l", "westus", *args, connected=False)
    assert done.returncode == 2, done.stderr
    assert expected in done.stderr
    assert len(cli.emulator.requests) == before


def test_without_a_subscription_the_tool_says_where_to_find_one(cli: Cli) -> None:
    done = cli("list", *WHERE, connected=False)
    assert done.returncode == 2
    assert "AZURE_SUBSCRIPTION_ID" in done.stderr and "az account show" in done.stderr
