"""Generate a package from a description of our own, import it, and type-check it."""

from __future__ import annotations

import importlib
import json
import shutil
import subprocess
import sys
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import vmss_runcommands.runtime

from codegen.generate import render_tree

RUNTIME = Path(vmss_runcommands.runtime.__file__).parent


def write_single_file_spec(
    spec: Path, api_version: str, description: dict[str, Any], *, client_name: str, entry: str
) -> Path:
    """A spec folder with one api-version of one file, every operation selected."""
    folder = spec / api_version
    folder.mkdir(parents=True)
    (folder / entry).write_text(json.dumps(description))
    (spec / "codegen.yaml").write_text(
        f"client_name: {client_name}\nentry: {entry}\noperations: ['*']\n"
    )
    return spec


@contextmanager
def imported_package(spec: Path, out: Path, prefix: str) -> Iterator[ModuleType]:
    """Render ``spec`` under ``out`` with a copy of the runtime, importable while in use."""
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    render_tree(spec, out / name)
    shutil.copytree(RUNTIME, out / name / "runtime", ignore=shutil.ignore_patterns("__pycache__"))
    sys.path.insert(0, str(out))
    try:
        importlib.invalidate_caches()
        yield importlib.import_module(name)
    finally:
        sys.path.remove(str(out))


def assert_mypy_strict(package: ModuleType, cache: Path) -> None:
    out = Path(package.__file__ or "").parent.parent
    result = subprocess.run(
        [
            *(sys.executable, "-m", "mypy", "--strict", "--python-version", "3.10"),
            *("--cache-dir", str(cache), "-p", package.__name__),
        ],
        cwd=out,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
