"""Format generated Python with ruff, pinned, with settings fixed here so output never depends
on the caller's ruff configuration."""

from __future__ import annotations

import subprocess
from pathlib import Path

RUFF_VERSION = "0.17.6"
_SETTINGS = ["--isolated", "--line-length", "100", "--target-version", "py310"]


class FormatterError(Exception):
    """ruff is missing, is another version, or failed."""


def ruff_binary() -> str:
    try:
        from ruff.__main__ import find_ruff_bin
    except ImportError as exc:
        raise FormatterError(
            f"ruff=={RUFF_VERSION} is required to format generated code: "
            "pip install -e '.[codegen]' (or pip install ruff==" + RUFF_VERSION + ")"
        ) from exc
    binary = str(find_ruff_bin())
    version = subprocess.run(
        [binary, "--version"], capture_output=True, text=True, check=True
    ).stdout.split()[-1]
    if version != RUFF_VERSION:
        raise FormatterError(
            f"ruff {version} found, {RUFF_VERSION} required: formatting must be reproducible"
        )
    return binary


def format_tree(root: Path) -> None:
    """Sort imports, drop unused ones, then format every .py file under ``root``."""
    binary = ruff_binary()
    steps = [
        [binary, "check", *_SETTINGS, "--fix-only", "--select", "I,F401", "--quiet", str(root)],
        [binary, "format", *_SETTINGS, "--quiet", str(root)],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise FormatterError(f"{' '.join(step[1:3])} failed:\n{result.stdout}{result.stderr}")
