"""The tool against `python -m vmss_runcommands.emulator` in another process, through the
environment variables it prints, with its executors chosen on its command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

WHERE = ["-g", "rg", "--vmss-name", "ss", "--instance-id", "0"]


@contextmanager
def emulator_process(tmp_path: Path, *options: str) -> Iterator[dict[str, str]]:
    env_file = tmp_path / "emulator.env"
    process = subprocess.Popen(
        [sys.executable, "-m", "vmss_runcommands.emulator", "--env-file", str(env_file), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while not env_file.exists():
            assert process.poll() is None, process.communicate()[1]
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert env_file.stat().st_mode & 0o077 == 0, "the token file is readable by others"
        lines = env_file.read_text().splitlines()
        yield dict(line.removeprefix("export ").split("=", 1) for line in lines)
    finally:
        process.terminate()
        process.wait(timeout=30)


def tool(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VMSS_"))}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "vmss_runcommands", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=False,
    )


def test_exit_code_executor_lets_exit_statuses_be_tried_without_python(tmp_path: Path) -> None:
    with emulator_process(tmp_path, "--executor", "exit-code=3") as env:
        assert set(env) == {
            "VMSS_RUNCOMMANDS_ENDPOINT",
            "VMSS_RUNCOMMANDS_TOKEN",
            "AZURE_SUBSCRIPTION_ID",
        }
        done = tool(env, "run", *WHERE, "--script", "anything")
        assert done.returncode == 3, done.stderr
        apart = tool(env, "run", *WHERE, "--script", "anything", "--exit-code-offset", "20")
        assert apart.returncode == 23


def test_script_executor_runs_the_script_with_its_parameters(tmp_path: Path) -> None:
    with emulator_process(tmp_path, "--executor", "script") as env:
        done = tool(
            env,
            "run",
            *WHERE,
            "--script",
            'echo "$GREETING from $(pwd)"; echo oops >&2; exit 5',
            "--parameters",
            "GREETING=hello",
        )
        assert done.returncode == 5, done.stderr
        result = json.loads(done.stdout)
        assert result["output"].startswith("hello from ")
        assert "vmss-runcommand-" in result["output"]  # a scratch directory
        assert result["error"] == "oops\n"


def test_python_executor_and_scale_set_regions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "my_executor.py").write_text(
        "from vmss_runcommands.emulator import ExecutionResult\n"
        "def run(rc):\n"
        "    return ExecutionResult(exit_code=0, output='from ' + rc['location'])\n"
    )
    paths = [str(tmp_path), os.environ.get("PYTHONPATH", "")]
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(path for path in paths if path))
    with emulator_process(
        tmp_path, "--executor", "my_executor:run", "--scale-set", "rg/ss=Japan East"
    ) as env:
        done = tool(env, "run", *WHERE, "--script", "x", "--query", "output", "-o", "tsv")
        assert (done.returncode, done.stdout) == (0, "from japaneast\n"), done.stderr
        # declared scale sets are the only ones: a misspelt name is not found (exit 3), as on
        # Azure, instead of an empty list
        typo = tool(env, "list", "-g", "rg", "--vmss-name", "sss", "--instance-id", "0")
        assert (typo.returncode, typo.stdout) == (3, ""), typo.stderr
        assert "ParentResourceNotFound" in typo.stderr


def test_a_bad_executor_is_refused_at_startup() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "vmss_runcommands.emulator", "--executor", "nonsense"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "unknown executor 'nonsense'" in done.stderr


def test_fan_out_of_1000_instances_64_in_flight_loses_nothing(tmp_path: Path) -> None:
    with emulator_process(tmp_path) as env:
        done = tool(
            env,
            "fan-out",
            "-g",
            "rg",
            "--vmss-name",
            "ss",
            "--instance-ids",
            "0..999",
            "--script",
            "echo hi",
            "--max-in-flight",
            "64",
            "--query",
            "summary",
        )
    assert done.returncode == 0, done.stderr[-2000:]
    summary = json.loads(done.stdout)
    assert len(summary["succeeded"]) == 1000
    assert summary["errored"] == [] and summary["failed"] == []
