"""``python -m codegen vendor``: a copy under another name, nested in another package, that a
fresh interpreter without this project imports and drives through a long-running operation."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from vmss_runcommands.emulator import ArmEmulator, ExecutionResult

from codegen.cli import main
from codegen.vendor import VendorError, vendor

# Runs in the child: this project's package and generator must not be importable there.
CHILD = textwrap.dedent(
    """
    import json, os, sys, time
    from collections import namedtuple

    sys.modules["vmss_runcommands"] = None
    sys.modules["codegen"] = None

    from host.rc import RunCommandsClient
    from host.rc.models import VirtualMachineRunCommand, VirtualMachineRunCommandScriptSource


    AccessToken = namedtuple("AccessToken", "token expires_on")


    class StaticToken:
        def get_token(self, *scopes, **kwargs):
            return AccessToken(os.environ["TOKEN"], int(time.time()) + 3600)


    client = RunCommandsClient(
        StaticToken(), os.environ["SUBSCRIPTION"], base_url=os.environ["BASE_URL"],
        polling_interval=0,
    )
    ops = client.virtual_machine_scale_set_vm_run_commands
    poller = ops.begin_create_or_update(
        "rg", "vmss", "0", "hello",
        VirtualMachineRunCommand(
            location="westus", source=VirtualMachineRunCommandScriptSource(script="echo hi")
        ),
    )
    result = poller.result(timeout=30)
    import logging
    print(json.dumps({
        "loggers": [
            sys.modules["host.rc.runtime.pipeline"].LOGGER_NAME,
            sys.modules["host.rc.runtime.retry"]._LOGGER.name,
        ],
        "level": logging.getLogger("host.rc").level,
        "state": result.provisioning_state,
        "output": ops.get("rg", "vmss", "0", "hello", expand="instanceView").instance_view.output,
        "runtime": sys.modules["host.rc.runtime"].__file__,
        "loaded": sorted(
            m for m in sys.modules
            if m.split(".")[0] in ("vmss_runcommands", "codegen") and sys.modules[m] is not None
        ),
    }))
    """
)


def test_a_vendored_copy_runs_an_lro_from_a_fresh_interpreter(
    repo_root: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    host = tmp_path / "host"
    host.mkdir()
    (host / "__init__.py").write_text("")
    assert (
        main(["vendor", "--package", "rc", "--out", str(host), "--spec", str(repo_root / "spec")])
        == 0
    )
    assert "requires attrs, cattrs, urllib3" in capsys.readouterr().out
    copy = host / "rc"
    versions = sorted(
        p.name for p in (repo_root / "generated").iterdir() if (p / "__init__.py").is_file()
    )
    assert sorted(p.name for p in copy.iterdir() if p.is_dir()) == sorted(["runtime", *versions])
    assert not (copy / "__main__.py").exists()
    assert "``rc.v2024_07_01``" in (copy / "__init__.py").read_text()

    def fake_script(run_command: object) -> ExecutionResult:
        return ExecutionResult(exit_code=0, output="hello from a vendored copy")

    with ArmEmulator(executor=fake_script, polls_before_done=2) as emulator:
        token = emulator.credential.get_token("https://management.azure.com/.default").token
        env = {key: value for key, value in os.environ.items() if not key.startswith("PYTHON")} | {
            "PYTHONPATH": str(tmp_path),
            "TOKEN": token,
            "SUBSCRIPTION": emulator.subscription_id,
            "BASE_URL": emulator.base_url,
            "AZURE_LOG_LEVEL": "debug",
        }
        result = subprocess.run(
            [sys.executable, "-c", CHILD],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        methods = [r.method for r in emulator.requests]
    report = json.loads(result.stdout)
    assert report["state"] == "Succeeded"
    assert report["output"] == "hello from a vendored copy"
    assert Path(report["runtime"]).is_relative_to(copy)
    assert report["loaded"] == []
    # The copy logs under its own package, and AZURE_LOG_LEVEL reaches that logger.
    assert report["loggers"] == ["host.rc", "host.rc"]
    assert report["level"] == logging.DEBUG
    assert methods.count("PUT") == 1 and methods.count("GET") >= 3  # polled, then read


def test_vendor_refuses_bad_names_and_existing_copies(repo_root: Path, tmp_path: Path) -> None:
    with pytest.raises(VendorError, match="not a Python identifier"):
        vendor(repo_root / "spec", "my-package", tmp_path)
    (tmp_path / "rc").mkdir()
    with pytest.raises(VendorError, match="exists already; pass --force"):
        vendor(repo_root / "spec", "rc", tmp_path)
    assert list((tmp_path / "rc").iterdir()) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rc"]  # no staging folder left
