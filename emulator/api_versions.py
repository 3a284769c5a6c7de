"""The api-versions the emulator answers: every one this package was generated for.

They are read from the ``_meta.json`` each generated api-version subpackage carries, as data:
the emulator never imports generated code. A regenerated package with a new api-version is
therefore served without any change here.
"""

from __future__ import annotations

import json
from importlib import resources

# The first api-version this project bound; used only when no generated metadata is found.
FALLBACK_API_VERSIONS = ("2024-07-01",)
_META = "_meta.json"
_MAX_META_BYTES = 1_000_000


def generated_api_versions(package: str | None = None) -> tuple[str, ...]:
    """The ``api_version`` of every ``<package>/*/_meta.json``, sorted; ``package`` defaults to
    the package this emulator is installed in."""
    root_name = package or __name__.split(".")[0]
    try:
        root = resources.files(root_name)
    except (ModuleNotFoundError, TypeError):
        return FALLBACK_API_VERSIONS
    found: set[str] = set()
    for child in root.iterdir():
        meta = child / _META
        if not child.is_dir() or not meta.is_file():
            continue
        try:
            data = meta.read_bytes()
            record = json.loads(data) if len(data) <= _MAX_META_BYTES else None
        except (OSError, ValueError):
            continue
        version = record.get("api_version") if isinstance(record, dict) else None
        if isinstance(version, str) and version:
            found.add(version)
    return tuple(sorted(found)) or FALLBACK_API_VERSIONS
