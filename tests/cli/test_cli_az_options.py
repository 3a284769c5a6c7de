"""The options az users reach for, each tried as a subprocess against the emulator."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from cli_support import RG, VMSS, Cli

ANSI = re.compile(r"\x1b\[[0-9;]*m")


def where(instance: str, name: str | None = None) -> list[str]:
    args = ["-g", RG, "--vmss-name", VMSS, "--instance-id", instance]
    return [*args, "--name", name] if name is not None else args


def rc_id(cli: Cli, instance: str, name: str) -> str:
    return (
        f"/subscriptions/{cli.emulator.subscription_id}/resourceGroups/{RG}/providers/"
        f"Microsoft.Compute/virtualMachineScaleSets/{VMSS}/virtualMachines/{instance}/"
        f"runCommands/{name}"
    )


def _create(cli: Cli, instance: str, name: str, script: str = "echo out") -> None:
    done = cli("create", *where(instance, name), "--script", script)
    assert done.returncode == 0, done.stderr


def test_query_with_tsv_prints_bare_values(cli: Cli) -> None:
    _create(cli, "40", "q1", "echo first line")
    done = cli(
        "show",
        *where("40", "q1"),
        "--instance-view",
        "--query",
        "[provisioningState, instanceView.exitCode, instanceView.output]",
        "-o",
        "tsv",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "Succeeded\n0\nfirst line\n\n"
    row = cli("show", *where("40", "q1"), "--query", "{n: name, l: location}", "-o", "tsv")
    assert row.stdout == "q1\twestus\n"


def test_tsv_of_a_list_is_one_line_per_item_without_nested_values(cli: Cli) -> None:
    _create(cli, "41", "a")
    _create(cli, "41", "b")
    done = cli("list", *where("41"), "-o", "tsv")
    lines = done.stdout.splitlines()
    assert len(lines) == 2
    assert [sorted({"a", "b"} & set(line.split("\t"))) for line in lines] == [["a"], ["b"]]
    assert "{" not in done.stdout and "[" not in done.stdout


def test_yaml_jsonc_and_none(cli: Cli) -> None:
    _create(cli, "42", "fmt")
    plain = json.loads(cli("show", *where("42", "fmt")).stdout)
    as_yaml = cli("show", *where("42", "fmt"), "-o", "yaml")
    assert as_yaml.returncode == 0, as_yaml.stderr
    assert yaml.safe_load(as_yaml.stdout) == plain
    coloured = cli("show", *where("42", "fmt"), "-o", "jsonc")
    assert "\x1b[" in coloured.stdout
    assert json.loads(ANSI.sub("", coloured.stdout)) == plain
    none = cli("show", *where("42", "fmt"), "-o", "none")
    assert (none.returncode, none.stdout) == (0, "")


def test_query_table_shows_the_queried_columns(cli: Cli) -> None:
    _create(cli, "43", "t1")
    done = cli("list", *where("43"), "--query", "[].{Name: name, Where: location}", "-o", "table")
    header, rule, row = done.stdout.splitlines()
    assert header.split() == ["Name", "Where"] and set(rule) <= {"-", " "}
    assert row.split() == ["t1", "westus"]


def test_a_bad_query_is_a_usage_error_before_anything_is_sent(cli: Cli) -> None:
    before = len(cli.emulator.requests)
    done = cli("show", *where("43", "t1"), "--query", "[?name==")
    assert done.returncode == 2
    assert "--query: not a valid JMESPath expression" in done.stderr
    assert len(cli.emulator.requests) == before


def test_a_missing_cli_extra_is_named(cli: Cli, tmp_path: Path) -> None:
    for package in ("jmespath", "yaml"):
        (tmp_path / package).mkdir()
        (tmp_path / package / "__init__.py").write_text("raise ImportError('not installed')\n")
    env = {"PYTHONPATH": str(tmp_path)}
    done = cli("show", *where("43", "t1"), "--query", "name", env=env)
    assert done.returncode == 2
    assert "needs the jmespath package" in done.stderr
    assert 'pip install "jmespath>=1.0" "pyyaml>=6"' in done.stderr
    assert "vmss-runcommands[" not in done.stderr  # not on the index: a stranger's package
    as_yaml = cli("show", *where("43", "t1"), "-o", "yaml", env=env)
    assert as_yaml.returncode == 2 and "PyYAML" in as_yaml.stderr
    plain = cli("show", *where("43", "t1"), env=env)  # json needs neither
    assert plain.returncode == 0, plain.stderr


def test_ids_name_run_commands_by_resource_id(cli: Cli) -> None:
    _create(cli, "44", "one")
    _create(cli, "45", "two")
    both = cli("show", "--ids", rc_id(cli, "44", "one"), rc_id(cli, "45", "two"))
    assert both.returncode == 0, both.stderr
    assert [d["name"] for d in json.loads(both.stdout)] == ["one", "two"]
    single = cli("show", "--ids", rc_id(cli, "44", "one"), "--query", "name", "-o", "tsv")
    assert single.stdout == "one\n"
    vm_id = rc_id(cli, "44", "x").rsplit("/runCommands/", 1)[0]
    listed = cli("list", "--ids", vm_id, "--query", "[].name", "-o", "tsv")
    assert listed.stdout == "one\n"
    gone = cli("delete", "--ids", rc_id(cli, "45", "two"), "--yes")
    assert gone.returncode == 0, gone.stderr
    assert cli("show", "--ids", rc_id(cli, "45", "two")).returncode == 3


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["-g", RG], "--ids names the run commands already; leave out --resource-group"),
        (["--subscription", "other"], "is in subscription"),
    ],
)
def test_ids_refuse_conflicting_options(cli: Cli, extra: list[str], message: str) -> None:
    done = cli("show", "--ids", rc_id(cli, "44", "one"), *extra)
    assert done.returncode == 2 and message in done.stderr


def test_a_malformed_id_is_a_usage_error(cli: Cli) -> None:
    done = cli("show", "--ids", "/subscriptions/x/resourceGroups/y")
    assert done.returncode == 2
    assert "is not an id of the form /subscriptions/SUB/resourceGroups/GROUP" in done.stderr


def test_wait_created_custom_and_deleted(cli: Cli) -> None:
    started = cli("create", *where("46", "later"), "--script", "echo", "--no-wait")
    assert started.returncode == 0, started.stderr
    created = cli("wait", *where("46", "later"), "--created")
    assert (created.returncode, created.stdout) == (0, "")
    custom = cli(
        "wait", *where("46", "later"), "--custom", "instanceView.executionState=='Succeeded'"
    )
    assert custom.returncode == 0, custom.stderr
    cli("delete", *where("46", "later"), "--yes", "--no-wait")
    deleted = cli("wait", *where("46", "later"), "--deleted")
    assert deleted.returncode == 0, deleted.stderr
    assert cli("show", *where("46", "later")).returncode == 3


def test_wait_exits_124_when_the_condition_never_comes(cli: Cli) -> None:
    _create(cli, "47", "stays")
    done = cli(
        "wait",
        *where("47", "stays"),
        "--custom",
        "name=='other'",
        "--timeout",
        "0.5",
        "--interval",
        "0.1",
    )
    assert done.returncode == 124
    assert "condition was not met within 0.5 s" in done.stderr


def test_max_items_and_next_token_page_through_a_list(cli: Cli) -> None:
    for name in ("p1", "p2", "p3", "p4", "p5"):
        _create(cli, "48", name)
    first = cli("list", *where("48"), "--max-items", "2", "--query", "[].name")
    assert json.loads(first.stdout) == ["p1", "p2"]
    token = re.search(r"--next-token (\S+)", first.stderr)
    assert token is not None, first.stderr
    rest = cli("list", *where("48"), "--next-token", token.group(1), "--query", "[].name")
    assert json.loads(rest.stdout) == ["p3", "p4", "p5"]
    assert "--next-token" not in rest.stderr
    bad = cli("list", *where("48"), "--next-token", "garbage!")
    assert bad.returncode == 2 and "--next-token" in bad.stderr


def test_only_show_errors_and_verbose(cli: Cli) -> None:
    quiet = cli("create", *where("49", "q"), "--script", "echo", "--no-wait", "--only-show-errors")
    assert (quiet.returncode, quiet.stderr) == (0, "")
    loud = cli("show", *where("49", "q"), "--verbose", "-o", "none")
    assert loud.returncode == 0
    assert re.search(r"INFO vmss_runcommands: Request: GET http://127\.0\.0\.1", loud.stderr)
    assert "Response: 200" in loud.stderr
    assert cli.token not in loud.stderr  # the bearer token is never logged
    assert "Response body" not in loud.stderr  # bodies are for --debug


def test_not_found_exits_3_and_deleting_nothing_says_so(cli: Cli) -> None:
    missing = cli("show", *where("50", "nothing"))
    assert missing.returncode == 3 and "Not found" in missing.stderr
    delete = cli("delete", *where("50", "nothing"), "--yes")
    assert delete.returncode == 3 and "Not found" in delete.stderr
    assert not any(
        r.method == "DELETE" and r.path.endswith("/nothing") for r in cli.emulator.requests
    )


def test_repeated_options_are_an_error_not_last_wins(cli: Cli) -> None:
    for args in (
        ["run", *where("51"), "--script", "echo a", "--script", "echo b"],
        ["show", *where("51", "x"), "--instance-view", "--instance-view"],
        ["run", *where("51"), "--script", "a", "--parameters", "A=1", "--parameters", "B=2"],
        ["show", *where("51", "x"), "-o", "json", "--output", "table"],
    ):
        done = cli(*args)
        assert done.returncode == 2, args
        assert "given more than once" in done.stderr
    assert not any("/virtualMachines/51/" in r.path for r in cli.emulator.requests)


def test_exit_code_offset_keeps_script_codes_apart_from_the_tools(cli: Cli) -> None:
    plain = cli("run", *where("52"), "--script", "exit 2")
    assert plain.returncode == 2  # indistinguishable from a usage error...
    offset = cli("run", *where("52"), "--script", "exit 2", "--exit-code-offset", "10")
    assert offset.returncode == 12  # ...unless offset
    assert json.loads(offset.stdout)["exitCode"] == 2
    capped = cli("run", *where("52"), "--script", "exit 120", "--exit-code-offset", "10")
    assert capped.returncode == 123
    assert cli("run", *where("52"), "--script", "a", "--exit-code-offset", "101").returncode == 2


def test_the_cli_reads_the_emulators_environment_variables(cli: Cli) -> None:
    _create(cli, "53", "env")
    env = {
        "VMSS_RUNCOMMANDS_ENDPOINT": cli.emulator.base_url,
        "VMSS_RUNCOMMANDS_TOKEN": cli.token,
    }
    done = cli("list", *where("53"), "--query", "[].name", "-o", "tsv", connected=False, env=env)
    assert (done.returncode, done.stdout) == (0, "env\n"), done.stderr
    no_endpoint = cli(
        "list", *where("53"), connected=False, env={"VMSS_RUNCOMMANDS_TOKEN": cli.token}
    )
    assert no_endpoint.returncode == 2 and "VMSS_RUNCOMMANDS_ENDPOINT" in no_endpoint.stderr


def test_timeouts_say_what_to_type(cli: Cli) -> None:
    done = cli("run", *where("54", "slow"), "--script", "state Running", "--wait-timeout", "0.3")
    assert done.returncode == 124
    assert "continuation token" not in done.stderr
    assert "vmss-runcommands show -g rg-cli --vmss-name cli-vmss --instance-id 54" in done.stderr
