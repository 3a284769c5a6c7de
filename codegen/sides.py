"""What ``diff`` compares: a spec/ api-version folder or an upstream operations file, built."""

from __future__ import annotations

import dataclasses
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .build import build_api_version
from .config import GeneratorConfig, load_config
from .importer import import_api_version
from .ir import ApiVersion
from .load import SpecError


def build_side(path: Path, spec_root: Path, select: Sequence[str] = ()) -> ApiVersion:
    """A folder is an api-version of a spec root (its parent holds codegen.yaml); a file is an
    upstream operations file, bundled as ``import`` would bundle it with ``spec_root``'s
    settings, so both sides of a diff select and name things the same way."""
    if path.is_dir():
        config = _selected(load_config(path.parent / "codegen.yaml"), select)
        return build_api_version(path, config)
    if path.is_file():
        config = _selected(load_config(spec_root / "codegen.yaml"), select)
        with tempfile.TemporaryDirectory(prefix="codegen-diff-") as tmp:
            report = import_api_version(path, Path(tmp), config=config)
            return build_api_version(report.folder, config)
    raise SpecError(f"{path} is neither an api-version folder nor an upstream file")


def _selected(config: GeneratorConfig, select: Sequence[str]) -> GeneratorConfig:
    return dataclasses.replace(config, operations=tuple(select)) if select else config
