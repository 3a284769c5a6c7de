"""Generate generated/ from spec/, or check that it is up to date."""

from __future__ import annotations

import dataclasses
import filecmp
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import naming
from .build import build_api_version
from .config import load_config
from .format import format_tree
from .ir import ApiVersion
from .load import SpecError
from .render import render_package
from .surface import ApiChanges, api_changes


@dataclass(frozen=True)
class Difference:
    path: str
    kind: str  # "changed", "missing" (should exist), "extra" (should not exist)


def api_version_dirs(spec_root: Path, entry: str | None = None) -> list[Path]:
    """The api-version folders of ``spec_root``, oldest first: every folder holding the entry
    file (any folder not hidden when ``entry`` is None), whatever its version's form."""
    if not spec_root.is_dir():
        raise SpecError(f"spec folder not found at {spec_root.as_posix()}#")
    dirs = sorted(
        (
            p
            for p in spec_root.iterdir()
            if p.is_dir()
            and not p.name.startswith((".", "_"))
            and (entry is None or (p / entry).is_file())
        ),
        key=lambda p: (naming.api_version_order(p.name), p.name),
    )
    if not dirs:
        raise SpecError(
            f"no api-version folder (such as 2024-07-01) holding {entry or 'a description'} "
            f"at {spec_root.as_posix()}/#"
        )
    return dirs


def build_all(spec_root: Path) -> list[ApiVersion]:
    config = load_config(spec_root / "codegen.yaml")
    return [build_api_version(d, config) for d in api_version_dirs(spec_root, config.entry)]


@dataclass(frozen=True)
class Generation:
    differences: list[Difference]
    api: ApiChanges  # what the regeneration changed in the public Python API


def render_tree(spec_root: Path, target: Path, **overrides: Any) -> None:
    """Write the complete, formatted output for ``spec_root`` into the empty folder ``target``;
    ``overrides`` replace settings of codegen.yaml (a vendored copy's package name)."""
    config = dataclasses.replace(load_config(spec_root / "codegen.yaml"), **overrides)
    versions = [build_api_version(d, config) for d in api_version_dirs(spec_root, config.entry)]
    for relative, text in render_package(versions, config).items():
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    format_tree(target)


def generate(spec_root: Path, out: Path) -> list[Difference]:
    """Regenerate ``out``; returns what changed. Files are replaced only after a full render."""
    return regenerate(spec_root, out).differences


def regenerate(spec_root: Path, out: Path) -> Generation:
    """Regenerate ``out``; returns the changed files and the public API they change."""
    with tempfile.TemporaryDirectory(prefix="codegen-") as tmp:
        staged = Path(tmp) / "generated"
        render_tree(spec_root, staged)
        changes = compare(staged, out)
        api = api_changes(out, staged)
        if changes:
            _replace_tree(staged, out)
    return Generation(changes, api)


def check(spec_root: Path, out: Path) -> list[Difference]:
    """What regenerating would change; empty when ``out`` is up to date."""
    with tempfile.TemporaryDirectory(prefix="codegen-") as tmp:
        staged = Path(tmp) / "generated"
        render_tree(spec_root, staged)
        return compare(staged, out)


def compare(expected: Path, actual: Path) -> list[Difference]:
    def files(root: Path) -> set[str]:
        if not root.exists():
            return set()
        return {
            p.relative_to(root).as_posix()
            for p in root.rglob("*")
            if p.is_file() and "__pycache__" not in p.parts
        }

    want, have = files(expected), files(actual)
    differences = [Difference(p, "missing") for p in sorted(want - have)]
    differences += [Difference(p, "extra") for p in sorted(have - want)]
    differences += [
        Difference(p, "changed")
        for p in sorted(want & have)
        if not filecmp.cmp(expected / p, actual / p, shallow=False)
    ]
    return sorted(differences, key=lambda d: d.path)


def _replace_tree(staged: Path, out: Path) -> None:
    """Swap the new tree in with renames, so an interruption never leaves a half-written mix."""
    incoming = out.with_name(f".{out.name}.incoming")
    outgoing = out.with_name(f".{out.name}.outgoing")
    for leftover in (incoming, outgoing):
        if leftover.exists():
            shutil.rmtree(leftover)
    shutil.copytree(staged, incoming)
    if out.exists():
        out.rename(outgoing)
    incoming.rename(out)
    if outgoing.exists():
        shutil.rmtree(outgoing)
