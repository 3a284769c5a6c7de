"""generated/ is the golden record of spec/: regenerating reproduces it byte for byte."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

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


def test_every_generated_api_version_is_packaged(repo_root: Path) -> None:
    """pyproject.toml lists packages by name: a newly imported api-version must be added there."""
    import re

    listed = re.search(
        r"^packages = \[(.*?)\]", (repo_root / "pyproject.toml").read_text(), re.S | re.M
    )
    assert listed is not None
    packages = set(re.findall(r'"([\w.]+)"', listed.group(1)))
    for folder in sorted((repo_root / "generated").iterdir()):
        if (folder / "__init__.py").is_file():
            assert f"vmss_runcommands.{folder.name}" in packages, folder.name
