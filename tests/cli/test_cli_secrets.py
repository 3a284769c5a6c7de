"""A password or protected value given on the command line never comes back out: not in the
output, not in DEBUG logs, not in error messages -- while the service does receive it."""

from __future__ import annotations

import pytest
from cli_support import RG, VMSS, Cli
from vmss_runcommands.emulator import ArmEmulator, Fault

PASSWORD = "Hunter2-pa55word"
PROTECTED = "pr0tected-value"
SECRETS = (PASSWORD, PROTECTED)
GROUP = ["-g", RG, "--vmss-name", VMSS]
SECRET_ARGS = [
    "--run-as-user",
    "ops",
    "--run-as-password",
    PASSWORD,
    "--protected-parameters",
    f"KEY={PROTECTED}",
]


def assert_not_shown(*texts: str) -> None:
    for text in texts:
        for secret in SECRETS:
            assert secret not in text


@pytest.mark.parametrize("output", ["json", "table"])
def test_create_run_and_show_at_debug_never_print_the_secrets(
    cli: Cli, emulator: ArmEmulator, output: str
) -> None:
    name = f"secret-{output}"
    common = ["--debug", "-o", output]
    created = cli(
        "create",
        *GROUP,
        "--instance-id",
        "1",
        "--name",
        name,
        "--script",
        "echo hi",
        "-l",
        "westus",
        *SECRET_ARGS,
        *common,
    )
    ran = cli(
        "run",
        *GROUP,
        "--instance-id",
        "1",
        "--name",
        name,
        "--script",
        "echo again",
        *SECRET_ARGS,
        *common,
    )
    shown = cli("show", *GROUP, "--instance-id", "1", "--name", name, "--instance-view", *common)
    for done in (created, ran, shown):
        assert done.returncode == 0, done.stderr
        assert_not_shown(done.stdout, done.stderr)
    # The logs are really at DEBUG (request bodies included), and the values really went out.
    assert "Request body" in created.stderr and '"runAsPassword":"***"' in created.stderr
    properties = emulator.run_commands[(RG.lower(), VMSS.lower(), "1", name)]["properties"]
    assert properties["runAsPassword"] == PASSWORD
    assert properties["protectedParameters"] == [{"name": "KEY", "value": PROTECTED}]


def test_fan_out_and_update_at_debug_never_print_the_secrets(cli: Cli) -> None:
    fanned = cli(
        "fan-out",
        *GROUP,
        "--instance-ids",
        "2",
        "3",
        "--script",
        "echo",
        "-l",
        "westus",
        *SECRET_ARGS,
        "--debug",
    )
    updated = cli(
        "update",
        *GROUP,
        "--instance-id",
        "2",
        "--name",
        "vmss-runcommands",
        *SECRET_ARGS,
        "--debug",
    )
    for done in (fanned, updated):
        assert done.returncode == 0, done.stderr
        assert_not_shown(done.stdout, done.stderr)


def test_the_emulator_token_is_not_logged(cli: Cli) -> None:
    done = cli("list", *GROUP, "--instance-id", "1", "--debug")
    assert done.returncode == 0, done.stderr
    assert "Authorization" in done.stderr  # the header is logged, its value is not
    assert cli.token not in done.stderr and cli.token not in done.stdout


@pytest.mark.parametrize(
    "mistake",
    [
        # argparse repeats unrecognised arguments, values included, in its message.
        ["--run-as-password", PASSWORD, PASSWORD],
        ["--run-as-pasword", PASSWORD],
        ["--protected-parameters", f"KEY={PROTECTED}", "--bogus", PROTECTED],
        ["--run-as-password", PASSWORD, "--timeout-in-seconds", "soon"],
    ],
)
def test_usage_errors_do_not_repeat_secret_values(cli: Cli, mistake: list[str]) -> None:
    done = cli("run", *GROUP, "--instance-id", "1", "--script", "x", "-l", "westus", *mistake)
    assert done.returncode == 2
    assert "error:" in done.stderr
    assert_not_shown(done.stdout, done.stderr)


def test_a_malformed_protected_parameter_is_reported_without_its_value(cli: Cli) -> None:
    done = cli(
        "run",
        *GROUP,
        "--instance-id",
        "1",
        "--script",
        "x",
        "-l",
        "westus",
        "--protected-parameters",
        "A=1",
        PROTECTED,
    )
    assert done.returncode == 2
    assert "item 2" in done.stderr and "not shown" in done.stderr
    assert PROTECTED not in done.stderr


def test_a_password_without_a_value_and_no_terminal_is_a_usage_error(cli: Cli) -> None:
    done = cli(
        "run", *GROUP, "--instance-id", "1", "--script", "x", "-l", "westus", "--run-as-password"
    )
    assert done.returncode == 2
    assert "no terminal to ask on" in done.stderr


def test_secrets_the_service_echoes_in_an_error_are_masked_at_debug(
    cli: Cli, emulator: ArmEmulator
) -> None:
    # A service that repeats the value it rejected: in the error body, its message and logs.
    echoed = f"The password '{PASSWORD}' and parameter value {PROTECTED} were rejected"
    emulator.faults.add(
        Fault.error(400, "InvalidParameter", echoed), method="PUT", path_contains="/runCommands/"
    )
    done = cli(
        "create",
        *GROUP,
        "--instance-id",
        "4",
        "--name",
        "echoed",
        "--script",
        "echo hi",
        "-l",
        "westus",
        *SECRET_ARGS,
        "--debug",
    )
    assert done.returncode != 0
    assert "InvalidParameter" in done.stderr and "were rejected" in done.stderr
    assert "Response body" in done.stderr  # the DEBUG log really shows the error body
    assert_not_shown(done.stdout, done.stderr)
