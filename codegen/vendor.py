"""``python -m codegen vendor``: the generated package plus the source folders it imports (the
runtime), under another import name, for projects that keep their dependencies inside their tree.

Everything inside the package imports relatively, so the copy works under any name and at any
depth (``myproject._vendor.runcommands``). The copy is checked before it is put in place: every
relative import must land inside it and nothing may import the original package by name.
"""

from __future__ import annotations

import ast
import keyword
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from .config import load_config
from .generate import render_tree
from .load import SpecError

# Source folders sit next to codegen/ and are installed as subpackages of the same name.
SOURCE_ROOT = Path(__file__).resolve().parent.parent


class VendorError(SpecError):
    """The package name is unusable, the target exists, or the copy would not be self-contained."""


@dataclass(frozen=True)
class Vendored:
    path: Path
    subpackages: tuple[str, ...]  # source folders copied in beside the generated code
    requires: tuple[str, ...]  # third-party distributions the copy imports
    aio_requires: tuple[str, ...] = ()  # what its asyncio modules (aio/) import on top


def vendor(spec_root: Path, package: str, out_dir: Path, *, force: bool = False) -> Vendored:
    if not package.isidentifier() or keyword.iskeyword(package):
        raise VendorError(f"--package {package!r} is not a Python identifier")
    original = load_config(spec_root / "codegen.yaml").package
    target = out_dir / package
    if target.exists() and not force:
        raise VendorError(f"{target} exists already; pass --force to replace it")
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{package}.vendoring-", dir=out_dir))
    try:
        tree = staging / package
        # A vendored binding is a library: the command-line tool stays with the distribution.
        render_tree(spec_root, tree, package=package, main_module=None)
        copied = _copy_imported_sources(tree)
        _check_self_contained(tree, original)
        requires = _third_party_imports(tree, asyncio=False)
        aio_requires = tuple(sorted(set(_third_party_imports(tree, asyncio=True)) - set(requires)))
        if target.exists():
            shutil.rmtree(target)
        tree.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Vendored(target, copied, requires, aio_requires)


def _copy_imported_sources(tree: Path) -> tuple[str, ...]:
    """Copy in each source folder the package reaches by relative import, until none is missing."""
    copied: list[str] = []
    while True:
        wanted = sorted(
            {name for name in _escaping_imports(tree) if (SOURCE_ROOT / name).is_dir()} - {*copied}
        )
        if not wanted:
            return tuple(copied)
        for name in wanted:
            shutil.copytree(
                SOURCE_ROOT / name,
                tree / name,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            copied.append(name)


def _escaping_imports(tree: Path) -> set[str]:
    """Top-level subpackages that relative imports name but the tree does not hold."""
    missing: set[str] = set()
    for module, _ in _relative_imports(tree):
        if not _exists(tree, module):
            missing.add(module[0])
    return missing


def _relative_imports(tree: Path) -> list[tuple[tuple[str, ...], Path]]:
    found: list[tuple[tuple[str, ...], Path]] = []
    for path in sorted(tree.rglob("*.py")):
        package = path.relative_to(tree).parent.parts
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or node.level == 0:
                continue
            if node.level - 1 > len(package):
                found.append((("..",) * node.level, path))
                continue
            base = package[: len(package) - (node.level - 1)]
            if node.module:
                found.append(((*base, *node.module.split(".")), path))
            else:
                found.extend(((*base, alias.name), path) for alias in node.names)
    return found


def _exists(tree: Path, module: tuple[str, ...]) -> bool:
    if not module:
        return True
    if ".." in module:
        return False
    path = tree.joinpath(*module)
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _check_self_contained(tree: Path, original: str) -> None:
    problems: list[str] = []
    for module, path in _relative_imports(tree):
        # ``from . import name`` may name an attribute rather than a module.
        if not _exists(tree, module) and not _exists(tree, module[:-1]):
            problems.append(f"{path.relative_to(tree)} imports .{'.'.join(module)}")
    for path in sorted(tree.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                if name.split(".")[0] == original:
                    problems.append(f"{path.relative_to(tree)} imports {name} by name")
    if problems:
        raise VendorError(
            "the vendored copy would not be self-contained: " + "; ".join(sorted(problems))
        )


def _third_party_imports(tree: Path, *, asyncio: bool) -> tuple[str, ...]:
    """Distributions imported when the modules load; imports for type checkers only, or inside
    functions (optional extras such as azure-identity), are not requirements. The asyncio
    modules (under an ``aio`` folder: the ``aio`` extra) count only when ``asyncio``."""
    found: set[str] = set()
    for path in tree.rglob("*.py"):
        if not asyncio and "aio" in path.relative_to(tree).parts:
            continue
        for node in _load_time_statements(ast.parse(path.read_text(encoding="utf-8")).body):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return tuple(sorted(found - set(sys.stdlib_module_names) - {"__future__"}))


def _load_time_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    statements: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If):
            if "TYPE_CHECKING" not in ast.unparse(node.test):
                statements += _load_time_statements(node.body)
            statements += _load_time_statements(node.orelse)
        elif isinstance(node, ast.Try):
            statements += _load_time_statements(node.body)
        else:
            statements.append(node)
    return statements
