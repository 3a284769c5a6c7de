"""generated/ is the golden record of spec/: regenerating reproduces it byte for byte."""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

from codegen.generate import check, compare, render_tree


def test_generated_is_reproduced_byte_for_byte(repo_root: Path) -> None:
    assert check(repo_root / "spec", repo_root / "generated") == []


def test_two_generations_are_identical(repo_root: Path, tmp_path: Path) -> None:
    render_tree(repo_root / "spec", tmp_path / "a")
    render_tree(repo_root / "spec", tmp_path / "b")
    assert compare(tmp_path / "a", tmp_path / "b") == []


def test_check_mode_names_a_hand_edited_file(repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "generated"
    shutil.copytree(repo_root / "generated", out, ignore=shutil.ignore_patterns("__pycache__"))
    edited = out / "v2024_07_01" / "models.py"
    edited.write_text(edited.read_text() + "\n# a hand edit\n")
    (out / "stray.py").write_text("")
    (out / "v2024_07_01" / "client.py").unlink()
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "generate", "--check", "--out", str(out)],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "changed" in result.stderr and "v2024_07_01/models.py" in result.stderr
    assert "extra" in result.stderr and "stray.py" in result.stderr
    assert "missing" in result.stderr and "v2024_07_01/client.py" in result.stderr


def test_check_mode_passes_on_the_committed_tree(repo_root: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "codegen", "generate", "--check"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "up to date" in result.stdout


def test_provenance_records_spec_hashes_and_generator(repo_root: Path) -> None:
    meta = json.loads((repo_root / "generated" / "v2024_07_01" / "_meta.json").read_text())
    assert meta["api_version"] == "2024-07-01"
    assert meta["generator"].startswith("vmss-runcommands-codegen ")
    files = meta["spec"]["files"]
    assert "runCommands.json" in files and "common-types/common.json" in files
    import hashlib

    for name, digest in files.items():
        data = (repo_root / "spec" / "2024-07-01" / name).read_bytes()
        assert hashlib.sha256(data).hexdigest() == digest
    header = (repo_root / "generated" / "v2024_07_01" / "models.py").read_text().splitlines()[0]
    assert meta["spec"]["sha256"][:16] in header
    assert "timestamp" not in json.dumps(meta).lower()


def test_generation_fails_clearly_without_ruff(
    repo_root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from codegen.format import FormatterError

    monkeypatch.setitem(sys.modules, "ruff.__main__", None)  # makes the import fail
    with pytest.raises(FormatterError, match=r"ruff==\d"):
        render_tree(repo_root / "spec", tmp_path / "out")


def _setup_module(repo_root: Path) -> ModuleType:
    """setup.py loaded as a module (its setup() call runs only as __main__)."""
    spec = importlib.util.spec_from_file_location("project_setup", repo_root / "setup.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_generated_api_version_is_packaged_without_a_packaging_edit(
    repo_root: Path, tmp_path: Path
) -> None:
    setup = _setup_module(repo_root)
    packages = setup.packages(repo_root)
    versions = [
        f.name for f in (repo_root / "generated").iterdir() if (f / "__init__.py").is_file()
    ]
    assert versions
    for name in versions:
        assert f"vmss_runcommands.{name}" in packages, name
    # The handwritten folders setup.py lists are the ones pyproject.toml maps.
    line = re.search(r"^package-dir = \{(.*)\}$", (repo_root / "pyproject.toml").read_text(), re.M)
    assert line is not None
    package_dir = dict(re.findall(r'"([\w.]+)" = "(\w+)"', line.group(1)))
    assert package_dir == {
        "vmss_runcommands": "generated",
        **{f"vmss_runcommands.{name}": folder for folder, name in setup.HANDWRITTEN.items()},
    }
    # A tree with one more api-version (and a nested module in it) gets it packaged.
    tree = tmp_path / "tree"
    for folder in ("generated", *setup.HANDWRITTEN):
        (tree / folder).mkdir(parents=True)
        (tree / folder / "__init__.py").write_text("")
    for package in ("v2099_01_01", "v2099_01_01/extra", "v1_0_0"):
        (tree / "generated" / package).mkdir()
        (tree / "generated" / package / "__init__.py").write_text("")
    (tree / "generated" / "not_a_package").mkdir()
    found = setup.packages(tree)
    assert "vmss_runcommands.v2099_01_01" in found
    assert "vmss_runcommands.v2099_01_01.extra" in found
    assert "vmss_runcommands.v1_0_0" in found
    assert not any("not_a_package" in name for name in found)
