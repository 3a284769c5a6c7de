"""Our own spec/ (our descriptions) and a fresh import of the upstream file describe the same
client: ``codegen diff`` between them reports no change. The upstream file is stood in for by
an upstream-layout fixture of the 14 run-command operations."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from upstream_fixture import RUN_COMMAND_API_VERSION, write_run_commands_upstream

from codegen.cli import main

OURS = "2024-07-01"


def _diff(capsys: pytest.CaptureFixture[str], old: Path, new: Path, spec: Path) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["diff", str(old), str(new), "--spec", str(spec), "--json"]) == 0
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    return report


@pytest.fixture
def imported(repo_root: Path, tmp_path: Path) -> tuple[Path, Path]:
    entry = write_run_commands_upstream(tmp_path / "upstream")
    spec = tmp_path / "spec"
    spec.mkdir()
    shutil.copy(repo_root / "spec" / "codegen.yaml", spec / "codegen.yaml")
    return entry, spec


def test_our_spec_and_a_fresh_import_of_upstream_look_the_same_to_a_client(
    repo_root: Path, imported: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    entry, spec = imported
    capsys.readouterr()
    assert main(["import", str(entry), "--spec", str(spec)]) == 0
    out, err = capsys.readouterr()
    assert "imported 14 operation(s)" in out
    assert "selection does not take" not in err  # codegen.yaml binds the whole family
    ours = repo_root / "spec" / OURS
    report = _diff(capsys, ours, spec / RUN_COMMAND_API_VERSION, spec)
    assert _run_command_changes(report) == [], report["changes"]
    # The same straight against the upstream file, as a maintainer checks before importing.
    assert _run_command_changes(_diff(capsys, ours, entry, spec)) == []
    # And the whole family is really there to compare.
    document = json.loads((ours / "runCommands.json").read_text())
    operation_ids = {
        op["operationId"] for item in document["paths"].values() for op in item.values()
    }
    assert len(operation_ids - {SCALE_SET_GET}) == 14


SCALE_SET_GET = "VirtualMachineScaleSets_Get"


def _run_command_changes(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The changes, less our own addition that upstream keeps in another file: the scale set's
    GET and its model, which the command line reads a region from."""
    ours = {("operation", "virtual_machine_scale_sets.get"), ("model", "VirtualMachineScaleSet")}
    return [
        change
        for change in report["changes"]
        if not (change["change"] == "removed" and (change["kind"], change["subject"]) in ours)
    ]


def _drop_field(document: dict[str, Any]) -> None:
    del document["definitions"]["RunCommandParameterDefinition"]["properties"]["defaultValue"]


def _read_only(document: dict[str, Any]) -> None:
    document["definitions"]["VirtualMachineRunCommandProperties"]["properties"]["runAsUser"][
        "readOnly"
    ] = True


def _closed_enum(document: dict[str, Any]) -> None:
    properties = document["definitions"]["VirtualMachineRunCommandInstanceView"]["properties"]
    properties["executionState"]["x-ms-enum"]["modelAsString"] = False


def _drop_operation(document: dict[str, Any]) -> None:
    for item in document["paths"].values():
        item.pop("patch", None)


@pytest.mark.parametrize(
    "change", [_drop_field, _read_only, _closed_enum, _drop_operation], ids=lambda f: f.__name__
)
def test_the_comparison_sees_a_difference_a_client_would_see(
    repo_root: Path,
    imported: tuple[Path, Path],
    capsys: pytest.CaptureFixture[str],
    change: Callable[[dict[str, Any]], None],
) -> None:
    entry, spec = imported
    document = json.loads(entry.read_text())
    change(document)
    entry.write_text(json.dumps(document))
    report = _diff(capsys, repo_root / "spec" / OURS, entry, spec)
    assert report["changes"], change.__name__
