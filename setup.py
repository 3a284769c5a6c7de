"""The package list, derived from the source tree (everything else is in pyproject.toml).

``vmss_runcommands`` installs from ``generated/`` plus the handwritten folders that
pyproject.toml maps under it. Each api-version the generator writes is a subpackage of
``generated/``, so listing subpackages by hand would need an edit per api-version: they are
found here instead, and a regenerated api-version ships without touching packaging.
"""

from __future__ import annotations

from pathlib import Path

from setuptools import find_packages, setup

ROOT_PACKAGE = "vmss_runcommands"
# Source folder -> subpackage name; must match package-dir in pyproject.toml.
HANDWRITTEN = {"runtime": "runtime", "emulator": "emulator", "workflows": "workflows", "cli": "cli"}


def packages(project: Path) -> list[str]:
    """Every package the wheel installs, for the source tree at ``project``."""
    found = [ROOT_PACKAGE]
    found += [f"{ROOT_PACKAGE}.{name}" for name in find_packages(str(project / "generated"))]
    for folder, name in HANDWRITTEN.items():
        found.append(f"{ROOT_PACKAGE}.{name}")
        found += [f"{ROOT_PACKAGE}.{name}.{sub}" for sub in find_packages(str(project / folder))]
    return sorted(found)


if __name__ == "__main__":
    setup(packages=packages(Path(__file__).resolve().parent))
