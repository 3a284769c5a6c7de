"""The README's command-line section, copied as written, runs against the emulator."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def readme_cli_block() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### From the command line", 1)[1]
    return section.split("```sh\n", 1)[1].split("```", 1)[0]


def test_the_readme_cli_section_works_as_written(tmp_path: Path) -> None:
    block = readme_cli_block()
    assert "vmss-runcommands fan-out" in block and "python -m vmss_runcommands.emulator" in block
    # `python` and `vmss-runcommands` as an installed package provides them.
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, module in (("python", None), ("vmss-runcommands", "vmss_runcommands")):
        runs = f'-m {module} "$@"' if module else '"$@"'
        (bin_dir / name).write_text(f'#!/bin/sh\nexec "{sys.executable}" {runs}\n')
        (bin_dir / name).chmod(0o755)
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("AZURE_", "VMSS_"))}
    environment["PATH"] = f"{bin_dir}{os.pathsep}{environment.get('PATH', '')}"
    process = subprocess.Popen(
        ["bash", "-e", "-c", block],
        cwd=tmp_path,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=120)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)  # the emulator, should the block fail
    assert process.returncode == 0, err
    lines = out.splitlines()
    # run -o table: the header, then the row of instance 3
    assert lines[0].split()[:3] == ["InstanceId", "Name", "ExecutionState"]
    assert lines[2].split()[:4] == ["3", "vmss-runcommands", "Succeeded", "0"]
    assert "Succeeded" in lines  # show --query ... -o tsv
    assert "[]" in lines  # fan-out --query summary.failed: no failures
    assert "nightly" in lines and "vmss-runcommands" in lines  # list --query "[].name"
    assert '  "executionState": "Succeeded",' in lines  # the one-off --emulator run
    assert (tmp_path / "emulator.env").stat().st_mode & 0o077 == 0
