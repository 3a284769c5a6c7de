"""Where generated code came from: spec file hashes and the tools that produced it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from .load import SpecSet


def spec_provenance(spec: SpecSet, version_dir: Path) -> dict[str, object]:
    files = spec.file_hashes()
    combined = hashlib.sha256()
    for name, digest in files.items():
        combined.update(f"{name}\0{digest}\n".encode())
    return {
        "folder": f"spec/{version_dir.name}",
        "entry": spec.entry,
        "sha256": combined.hexdigest(),
        "files": files,
    }
