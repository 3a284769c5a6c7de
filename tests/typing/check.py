"""Type-check user programs with mypy --strict and pyright --strict.

``ok/`` programs must pass both. Each ``bad/`` program marks the lines that must fail with
``# expect-error``: both checkers must report an error on every marked line and on no other
line (so each program fails for the reason it was written for). Run by the ``lint`` session
and by ``test_typing.py``; ``python tests/typing/check.py`` prints what differs.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
MARK = "# expect-error"
# The source folders installed under the vmss_runcommands import root (pyproject.toml).
PACKAGE_PARTS = ("runtime", "emulator", "workflows", "cli")


def stage_package(into: Path) -> Path:
    """generated/ and its siblings laid out as the wheel lays them out; returns ``into``."""
    package = into / "vmss_runcommands"
    if package.exists():
        shutil.rmtree(package)
    ignore = shutil.ignore_patterns("__pycache__")
    shutil.copytree(ROOT / "generated", package, ignore=ignore)
    for part in PACKAGE_PARTS:
        shutil.copytree(ROOT / part, package / part, ignore=ignore)
    return into


def expected_errors(path: Path) -> set[int]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return {number for number, line in enumerate(lines, 1) if line.rstrip().endswith(MARK)}


@dataclass
class Outcome:
    errors: dict[Path, set[int]] = field(default_factory=dict)
    output: str = ""


def run_mypy(files: Iterable[Path], stage: Path, cache: Path) -> Outcome:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--python-version",
            "3.10",
            "--no-error-summary",
            "--show-absolute-path",
            "--cache-dir",
            str(cache),
            *map(str, files),
        ],
        env={**os.environ, "MYPYPATH": str(stage)},
        capture_output=True,
        text=True,
        check=False,
    )
    outcome = Outcome(output=result.stdout + result.stderr)
    for match in re.finditer(r"^(.+?\.py):(\d+): error:", result.stdout, re.MULTILINE):
        outcome.errors.setdefault(Path(match[1]).resolve(), set()).add(int(match[2]))
    return outcome


def run_pyright(files: list[Path], stage: Path, workdir: Path) -> Outcome:
    config = {
        "typeCheckingMode": "strict",
        "pythonVersion": "3.10",
        "extraPaths": [os.path.relpath(stage, workdir)],
        "include": [os.path.relpath(path, workdir) for path in files],
        # A program's bare expression (`client.misspelled`) is the point of the test.
        "reportUnusedExpression": "none",
    }
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "pyrightconfig.json").write_text(json.dumps(config), encoding="utf-8")
    result = subprocess.run(
        [
            _pyright(),
            "--outputjson",
            "--pythonpath",
            sys.executable,
            "--project",
            str(workdir / "pyrightconfig.json"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    outcome = Outcome(output=result.stdout + result.stderr)
    try:
        report = json.loads(result.stdout)
    except ValueError:
        raise RuntimeError(f"pyright did not answer with JSON:\n{outcome.output}") from None
    analyzed = report.get("summary", {}).get("filesAnalyzed")
    if analyzed != len(files):
        raise RuntimeError(f"pyright analyzed {analyzed} of {len(files)} files:\n{outcome.output}")
    for diagnostic in report.get("generalDiagnostics", []):
        if diagnostic.get("severity") == "error":
            line = diagnostic["range"]["start"]["line"] + 1
            outcome.errors.setdefault(Path(diagnostic["file"]).resolve(), set()).add(line)
    return outcome


def _pyright() -> str:
    found = shutil.which("pyright", path=str(Path(sys.executable).parent)) or shutil.which(
        "pyright"
    )
    if found is None:
        raise RuntimeError("pyright is not installed (pip install '.[test]')")
    return found


def problems(work: Path) -> list[str]:
    """Every way the checkers disagree with the programs' expectations; empty when all hold."""
    stage = stage_package(work / "stage")
    ok = sorted((HERE / "ok").glob("*.py"))
    bad = sorted((HERE / "bad").glob("*.py"))
    found: list[str] = []
    for name, outcome in (
        ("mypy", run_mypy([*ok, *bad], stage, work / "mypy-cache")),
        ("pyright", run_pyright([*ok, *bad], stage, work / "pyright")),
    ):
        for path in [*ok, *bad]:
            want = expected_errors(path) if path in bad else set()
            got = outcome.errors.get(path.resolve(), set())
            where = path.relative_to(ROOT)
            for line in sorted(want - got):
                found.append(f"{name} accepted {where}:{line}, which must be an error")
            for line in sorted(got - want):
                found.append(f"{name} reported an unexpected error at {where}:{line}")
        if any(path.resolve() not in outcome.errors for path in bad) or found:
            found.append(f"{name} output:\n{outcome.output}")
    return found


def main() -> int:
    work = ROOT / "build" / "typing-programs"
    found = problems(work)
    for line in found:
        print(line)
    if not found:
        print("typing programs: ok/ pass mypy --strict and pyright --strict; bad/ fail as marked")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
