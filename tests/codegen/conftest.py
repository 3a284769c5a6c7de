"""Fixtures of the codegen tests: an upstream-layout description and an empty spec root."""

from __future__ import annotations

from pathlib import Path

import pytest
from upstream_fixture import SPEC_CONFIG, write_upstream


@pytest.fixture
def upstream(tmp_path: Path) -> Path:
    return write_upstream(tmp_path / "upstream")


@pytest.fixture
def spec_root(tmp_path: Path) -> Path:
    root = tmp_path / "spec"
    root.mkdir()
    (root / "codegen.yaml").write_text(SPEC_CONFIG, encoding="utf-8")
    return root
