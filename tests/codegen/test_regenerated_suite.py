"""The whole regeneration chore, as a maintainer does it, with no hand edit afterwards: import a
new api-version (our own description, published under another version in Azure's layout),
generate, package, and run a representative part of this project's own test suite against
the result, whose default is now the new api-version."""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

NEXT = "2099-01-01"
TREE = ("spec", "codegen", "generated", "runtime", "emulator", "workflows", "cli", "tests")
FILES = ("pyproject.toml", "setup.py")
# Client, emulator, workflows and example round trips: the behaviour every api-version shares.
# (The emulator's socket-level tests say nothing about api-versions and are left out.)
SUITE = (
    "tests/e2e",
    "tests/workflows",
    "tests/generated",
    *(
        f"tests/emulator/test_emu_{name}.py"
        for name in (
            "api_versions",
            "validation",
            "lifecycle",
            "list",
            "secrets",
            "execution",
            "faults",
        )
    ),
)
UPSTREAM = "specification/compute/resource-manager/Microsoft.Compute/Compute/stable"


@dataclass
class Bumped:
    project: Path
    site: Path
    env: dict[str, str]


def _run(
    args: list[str], cwd: Path, env: dict[str, str] | None = None, timeout: float = 300
) -> str:
    result = subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
    return result.stdout


def _package_dirs(project: Path) -> dict[str, str]:
    line = re.search(r"^package-dir = \{(.*)\}$", (project / "pyproject.toml").read_text(), re.M)
    assert line is not None
    return dict(re.findall(r'"([\w.]+)" = "(\w+)"', line.group(1)))


def _stage(project: Path, site: Path) -> None:
    """Lay the package out as the wheel would: only the packages setup.py lists, each from the
    folder pyproject.toml maps it to, with the package data it declares."""
    spec = importlib.util.spec_from_file_location("bumped_setup", project / "setup.py")
    assert spec is not None and spec.loader is not None
    setup = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(setup)
    dirs = _package_dirs(project)
    for package in setup.packages(project):
        base = max((d for d in dirs if package == d or package.startswith(f"{d}.")), key=len)
        source = project / dirs[base] / Path(*package[len(base) :].split(".")[1:])
        target = site / Path(*package.split("."))
        target.mkdir(parents=True, exist_ok=True)
        for file in source.iterdir():
            if file.is_file() and (file.suffix == ".py" or file.name in ("py.typed", "_meta.json")):
                shutil.copy2(file, target / file.name)


@pytest.fixture(scope="module")
def bumped(repo_root: Path, tmp_path_factory: pytest.TempPathFactory) -> Bumped:
    root = tmp_path_factory.mktemp("bump")
    project = root / "project"
    for name in TREE:
        shutil.copytree(
            repo_root / name, project / name, ignore=shutil.ignore_patterns("__pycache__")
        )
    for name in FILES:
        shutil.copy2(repo_root / name, project / name)
    newest = max((p for p in (project / "spec").iterdir() if p.is_dir()), key=lambda p: p.name)
    upstream = root / UPSTREAM / NEXT
    shutil.copytree(newest, upstream)
    entry = upstream / "runCommands.json"
    document = json.loads(entry.read_text())
    document["info"]["version"] = NEXT
    entry.write_text(json.dumps(document, indent=1))

    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    python = sys.executable
    _run([python, "-m", "codegen", "import", str(entry)], project, env)
    _run([python, "-m", "codegen", "generate"], project, env)
    _run([python, "-m", "codegen", "generate", "--check"], project, env)
    site = root / "site"
    _stage(project, site)
    return Bumped(project, site, {**env, "PYTHONPATH": str(site)})


def test_the_new_api_version_is_packaged_served_and_the_default(bumped: Bumped) -> None:
    probe = (
        "import json, vmss_runcommands as p\n"
        "from vmss_runcommands.emulator.emulator import DEFAULT_API_VERSIONS\n"
        "from vmss_runcommands.v2099_01_01 import RunCommandsClient\n"
        "print(json.dumps([p.__file__, p.API_VERSIONS, p.DEFAULT_API_VERSION,"
        " DEFAULT_API_VERSIONS]))\n"
    )
    found = json.loads(_run([sys.executable, "-c", probe], bumped.project, bumped.env))
    location, versions, default, served = found
    assert Path(location).is_relative_to(bumped.site)
    assert NEXT in versions and default == NEXT
    assert set(served) == set(versions)  # the emulator answers every generated api-version


def test_the_projects_own_suite_passes_against_the_new_default(bumped: Bumped) -> None:
    output = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *SUITE],
        bumped.project,
        bumped.env,
        timeout=600,
    )
    summary = output.strip().splitlines()[-1]
    assert re.search(r"\d{2,} passed", summary) and "failed" not in summary, summary
    assert "skipped" not in summary and "error" not in summary, summary
