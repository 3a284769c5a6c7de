"""A synthetic next api-version of our own spec, taken through the whole chore: import it, see
what changed (and what breaks), generate both versions, use either from the package."""

from __future__ import annotations

import importlib
import json
import shutil
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import vmss_runcommands.runtime
from surfaces import SURFACES

from codegen.cli import main
from codegen.generate import Generation, regenerate

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent
NEXT = "2099-01-01"
FAMILY = "virtual_machine_scale_set_vm_run_commands"

EXPECTED = {
    # (kind, subject, change, breaking)
    ("field", "VirtualMachineRunCommandInstanceView.execution_message", "removed", True),
    ("field", "VirtualMachineRunCommandScriptSource.script_shell", "added", False),
    ("enum", "ScriptShellTypes", "added", False),
    ("operation", f"{FAMILY}.begin_cancel", "added", False),
}


def _next_version(document: dict[str, Any]) -> dict[str, Any]:
    """Our 2024-07-01 description with one change of each kind the issue names."""
    definitions = document["definitions"]
    definitions["VirtualMachineRunCommandScriptSource"]["properties"]["scriptShell"] = {
        "description": "The shell that runs the script.",
        "type": "string",
        "enum": ["Default", "PowerShell7"],
        "x-ms-enum": {"name": "ScriptShellTypes", "modelAsString": True},
    }
    del definitions["VirtualMachineRunCommandInstanceView"]["properties"]["executionMessage"]
    item_path = next(p for p in document["paths"] if p.endswith("{runCommandName}"))
    delete = document["paths"][item_path]["delete"]
    document["paths"][item_path + "/cancel"] = {
        "post": {
            "operationId": "VirtualMachineScaleSetVMRunCommands_Cancel",
            "description": "Cancel a run command that is still running.",
            "parameters": delete["parameters"],
            "responses": {
                "202": {"description": "Accepted"},
                "default": delete["responses"]["default"],
            },
            "x-ms-long-running-operation": True,
            "x-ms-long-running-operation-options": {"final-state-via": "location"},
        }
    }
    return document


@dataclass
class Scenario:
    spec: Path
    upstream: Path
    out: Path
    generations: list[Generation]
    package: ModuleType


@pytest.fixture(scope="module")
def scenario(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scenario]:
    root = tmp_path_factory.mktemp("next")
    spec = root / "spec"
    # Our 2024-07-01 only: the chore is the same whatever other api-versions spec/ has.
    shutil.copytree(repo_root / "spec" / "2024-07-01", spec / "2024-07-01")
    shutil.copy(repo_root / "spec" / "codegen.yaml", spec / "codegen.yaml")
    # The next version as upstream would publish it, in Azure's folder layout.
    upstream_folder = (
        root / "specification/compute/resource-manager/Microsoft.Compute/ComputeRP/stable" / NEXT
    )
    shutil.copytree(repo_root / "spec" / "2024-07-01", upstream_folder)
    entry = upstream_folder / "runCommands.json"
    entry.write_text(json.dumps(_next_version(json.loads(entry.read_text())), indent=1))

    package = f"rc_{uuid.uuid4().hex[:8]}"
    out = root / "out" / package
    generations = [regenerate(spec, out)]  # the package as it is today
    assert main(["import", str(entry), "--spec", str(spec)]) == 0
    generations.append(regenerate(spec, out))
    shutil.copytree(RUNTIME, out / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(out.parent))
    try:
        yield Scenario(spec, entry, out, generations, importlib.import_module(package))
    finally:
        sys.path.remove(str(out.parent))


def _diff_json(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["diff", *args, "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


def test_the_diff_lists_exactly_the_changes_with_their_breaking_flags(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    report = _diff_json(
        capsys,
        str(scenario.spec / "2024-07-01"),
        str(scenario.spec / NEXT),
        "--spec",
        str(scenario.spec),
    )
    found = {(c["kind"], c["subject"], c["change"], c["breaking"]) for c in report["changes"]}
    assert found == EXPECTED
    assert report["summary"] == {"changes": 4, "breaking": 1}
    assert (report["old"], report["new"]) == ("2024-07-01", NEXT)
    # Straight against the upstream file, without importing it first: the same report.
    direct = _diff_json(
        capsys,
        str(scenario.spec / "2024-07-01"),
        str(scenario.upstream),
        "--spec",
        str(scenario.spec),
    )
    assert direct["changes"] == report["changes"]


def test_the_text_report_and_fail_on_breaking(
    scenario: Scenario, capsys: pytest.CaptureFixture[str]
) -> None:
    old, new = str(scenario.spec / "2024-07-01"), str(scenario.spec / NEXT)
    capsys.readouterr()
    assert main(["diff", old, new, "--fail-on-breaking"]) == 1
    text = capsys.readouterr().out
    assert text.splitlines()[0] == f"api-version 2024-07-01 -> {NEXT}: 4 change(s), 1 breaking"
    breaking = [line for line in text.splitlines() if "BREAKING" in line]
    assert len(breaking) == 1 and "execution_message" in breaking[0]
    assert main(["diff", new, new, "--fail-on-breaking"]) == 0
    assert "no change in the client's API" in capsys.readouterr().out


def test_generate_reports_what_it_changed_in_the_python_api(scenario: Scenario) -> None:
    first, second = scenario.generations
    assert first.api.fresh
    api = second.api
    assert api.added_versions == ("v2099_01_01",) and api.removed_versions == ()
    assert api.default == ("v2024_07_01", "v2099_01_01")
    default = {
        (sign, entry.split(":")[0].split("(")[0])
        for scope, sign, entry in api.entries
        if scope == "default"
    }
    assert ("+", "class models.ScriptShellTypes") in default
    assert ("+", "field models.VirtualMachineRunCommandScriptSource.script_shell") in default
    assert ("-", "field models.VirtualMachineRunCommandInstanceView.execution_message") in default
    assert (
        "+",
        "method operations.VirtualMachineScaleSetVMRunCommandsOperations.begin_cancel",
    ) in default
    text = api.to_text()
    assert (
        "+ subpackage v2099_01_01" in text
        and "default api-version: v2024_07_01 -> v2099_01_01" in text
    )
    # The old subpackage is regenerated unchanged.
    assert not [e for e in api.entries if e[0] == "v2024_07_01"]


@pytest.mark.parametrize("surface", SURFACES)
def test_the_package_exposes_the_new_version_by_default_and_the_old_on_request(
    scenario: Scenario, surface: str
) -> None:
    package = scenario.package
    assert package.API_VERSIONS == ("2024-07-01", NEXT)
    assert package.DEFAULT_API_VERSION == NEXT
    models = importlib.import_module(f"{package.__name__}.models")
    source = models.VirtualMachineRunCommandScriptSource(
        script="echo", script_shell=models.ScriptShellTypes.POWER_SHELL7
    )
    assert source.to_dict() == {"script": "echo", "scriptShell": "PowerShell7"}
    assert models.ScriptShellTypes("Bash").value == "Bash"  # extensible
    assert not hasattr(models.VirtualMachineRunCommandInstanceView(), "execution_message")

    # The same switch on the sync client and on the asyncio one (package.aio).
    side = "" if surface == "sync" else ".aio"
    clients = importlib.import_module(f"{package.__name__}{side}")
    assert clients.API_VERSIONS == ("2024-07-01", NEXT)
    credential = object()
    newest = clients.RunCommandsClient(credential, "sub")
    assert newest.api_version == NEXT
    assert isinstance(newest, clients.RunCommandsClient)
    assert hasattr(getattr(newest, FAMILY), "begin_cancel")

    pinned = clients.RunCommandsClient(credential, "sub", api_version="2024-07-01")
    old = importlib.import_module(f"{package.__name__}.v2024_07_01{side}")
    assert type(pinned) is old.RunCommandsClient and pinned.api_version == "2024-07-01"
    assert not hasattr(getattr(pinned, FAMILY), "begin_cancel")
    assert clients.RunCommandsClient(credential, "sub", api_version=NEXT).api_version == NEXT

    with pytest.raises(ValueError, match=r"'2023-01-01' is not generated.*2024-07-01, 2099-01-01"):
        clients.RunCommandsClient(credential, "sub", api_version="2023-01-01")
    with pytest.raises(TypeError):
        clients.RunCommandsClient(credential, "sub", api_version="2024-07-01", nope=1)
