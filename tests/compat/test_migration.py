"""The azure-mgmt-compute program of docs/migrating.md, ported by changing its imports only."""

from __future__ import annotations

import ast
import difflib
import importlib.util
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from vmss_runcommands.emulator import ArmEmulator, ExecutionResult

HERE = Path(__file__).parent / "migration"
ROOT = Path(__file__).parents[2]


def _load_port() -> Any:
    spec = importlib.util.spec_from_file_location("migration_port", HERE / "port.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _import_lines(source: str) -> set[int]:
    lines: set[int] = set()
    for node in ast.parse(source).body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            lines.update(range(node.lineno, (node.end_lineno or node.lineno) + 1))
    return lines


def _changed_lines(before: str, after: str) -> tuple[set[int], set[int]]:
    old: set[int] = set()
    new: set[int] = set()
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            old.update(range(a1 + 1, a2 + 1))
            new.update(range(b1 + 1, b2 + 1))
    return old, new


def test_the_port_differs_from_the_anchor_program_in_imports_only() -> None:
    anchor = (HERE / "anchor.py").read_text(encoding="utf-8")
    ported = (HERE / "port.py").read_text(encoding="utf-8")
    old, new = _changed_lines(anchor, ported)
    assert old and new, "the two programs are expected to import from different packages"
    assert old <= _import_lines(anchor), sorted(old - _import_lines(anchor))
    assert new <= _import_lines(ported), sorted(new - _import_lines(ported))
    assert "from azure.mgmt.compute import" in anchor
    assert not [
        line for line in ported.splitlines() if line.startswith(("from azure", "import azure"))
    ]


def test_docs_show_both_programs_and_their_diff_as_they_are() -> None:
    doc = (ROOT / "docs" / "migrating.md").read_text(encoding="utf-8")
    for name in ("anchor.py", "port.py"):
        assert (HERE / name).read_text(encoding="utf-8") in doc, name
    anchor = (HERE / "anchor.py").read_text(encoding="utf-8").splitlines(keepends=True)
    ported = (HERE / "port.py").read_text(encoding="utf-8").splitlines(keepends=True)
    diff = "".join(
        difflib.unified_diff(anchor, ported, "azure-mgmt-compute/run_script.py", "run_script.py")
    )
    assert diff in doc


def test_the_port_runs_against_the_emulator() -> None:
    def greet(run_command: Mapping[str, Any]) -> ExecutionResult:
        parameters = run_command["properties"]["parameters"]
        assert parameters == [{"name": "GREETING", "value": "hello"}]
        return ExecutionResult(exit_code=0, output="hello")

    with ArmEmulator(executor=greet, polls_before_done=2) as emu:
        report = _load_port().run_script(
            emu.credential, emu.subscription_id, base_url=emu.base_url, polling_interval=0
        )
        methods = [request.method for request in emu.requests]
    assert report == [
        "created rotate-logs: Succeeded",
        "Succeeded, exit code 0: hello",
        "listed rotate-logs",
        "deleted: 404",
        "refused: 404 ResourceNotFound",
    ]
    # resuming from the token sent no second PUT
    assert methods.count("PUT") == 1
