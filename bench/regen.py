"""Regeneration: wall time of ``python -m codegen generate --check`` (spec/ -> formatted code)."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
import time
from pathlib import Path

from .stats import Summary

ROOT = Path(__file__).resolve().parent.parent


def available() -> bool:
    """The generator's own dependencies (the ``codegen`` extra) are installed here."""
    return all(
        importlib.util.find_spec(name) is not None
        for name in ("datamodel_code_generator", "jinja2", "yaml")
    )


def run(*, repeats: int) -> tuple[Summary, list[int]]:
    """Wall seconds per run, and each run's exit code (1 means generated/ is stale)."""
    walls: list[float] = []
    codes: list[int] = []
    for _ in range(repeats):
        started = time.perf_counter()
        finished = subprocess.run(
            [sys.executable, "-m", "codegen", "generate", "--check"],
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            check=False,
        )
        walls.append(time.perf_counter() - started)
        codes.append(finished.returncode)
    return Summary.of(walls), codes
