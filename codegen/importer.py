"""``python -m codegen import``: an upstream operations file -> ``spec/<api-version>/``.

The folder is written next to its final place and renamed into it, so a failure never leaves a
half-written api-version behind, and an existing api-version is replaced only when asked.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from . import __version__
from .bundle import Bundle, make_bundle, operation_ids
from .config import CONFIG_FILE, GeneratorConfig, load_config, write_operations
from .errors import relocate
from .load import SpecError, SpecSet, load_spec

PROVENANCE_FILE = "provenance.json"
# Azure's resource-manager folders are dates (``2024-07-01``, ``2024-01-01-preview``).
DATED_VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}(-[A-Za-z0-9.]+)?$")
# Any api-version a service may use (``1.0.0``, ``7.4``, ``v2``): safe as a folder name, a module
# name once ``.``/``-`` become ``_``, and a query value.
API_VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Data-plane layouts name the folder after the version too (``stable/7.4/``).
RELEASE_FOLDERS = frozenset({"stable", "preview"})
# The folder (and api-version value) of a description that names no api-version anywhere.
UNVERSIONED = "unversioned"
UPSTREAM_ROOT = "specification"


class ImportRefused(SpecError):
    """The target api-version exists already and ``force`` was not given."""


@dataclass(frozen=True)
class ImportReport:
    api_version: str
    folder: Path
    operations: tuple[str, ...]
    files: tuple[str, ...]
    notes: tuple[str, ...]  # things the user should know: missing examples, version quirks
    # The selection written into codegen.yaml (what generate binds from now on); None when the
    # selection was codegen.yaml's already.
    selection_written: tuple[str, ...] | None = None


def upstream_api_version(
    source: Path, spec: SpecSet, override: str | None
) -> tuple[str, list[str]]:
    """The api-version of an upstream file and what was noticed deciding it.

    Azure's layout puts the api-version in the folder name (``stable/2024-07-01/``); the
    document's ``info.version`` sometimes disagrees with it, and the folder is what the service
    is called with, so the folder wins. Outside that layout ``info.version`` is the api-version
    whatever its form (``1.0.0``); a description without any is imported as ``unversioned``.
    """
    notes: list[str] = []
    folder_path = source.resolve().parent
    folder = folder_path.name
    folder_is_version = bool(DATED_VERSION.match(folder)) or (
        folder_path.parent.name in RELEASE_FOLDERS and bool(API_VERSION.match(folder))
    )
    raw_info = (spec.entry_document.get("info") or {}).get("version")
    info_version = "" if raw_info is None else str(raw_info).strip()
    if override is not None:
        if not API_VERSION.match(override):
            raise SpecError(
                f"--version {override!r} is not an api-version: use letters, digits, '.', '-' "
                "and '_' (such as 2024-07-01, 2024-01-01-preview or 1.0.0)"
            )
        if folder_is_version and folder != override:
            notes.append(f"--version {override} overrides the folder name {folder}")
        return override, notes
    if folder_is_version:
        if info_version and info_version != folder:
            notes.append(
                f"info.version {info_version} disagrees with the folder name {folder}; "
                f"the folder name wins ({folder})"
            )
        return folder, notes
    if API_VERSION.match(info_version):
        notes.append(f"folder {folder} is not an api-version; using info.version {info_version}")
        return info_version, notes
    if info_version:
        raise SpecError(
            f"info.version {info_version!r} cannot name a folder and a module; pass --version "
            f"at {spec.entry}#/info/version"
        )
    notes.append(
        f"{source.name} names no api-version (neither its folder {folder} nor info.version); "
        f"imported as {UNVERSIONED} (pass --version to name one)"
    )
    return UNVERSIONED, notes


def import_api_version(
    source: Path,
    spec_root: Path,
    *,
    select: Sequence[str] = (),
    version: str | None = None,
    force: bool = False,
    config: GeneratorConfig | None = None,
) -> ImportReport:
    """Write ``spec_root/<api-version>/`` from the upstream operations file ``source``.

    ``config`` (default: ``spec_root/codegen.yaml``) gives the entry file name and the default
    selection. ``select`` replaces that selection, and is written into ``spec_root``'s
    codegen.yaml, so ``generate`` binds what was imported (only when ``config`` is not given).
    """
    try:
        return _import(source, spec_root, select, version, force, config)
    except ImportRefused:
        raise
    except SpecError as exc:
        raise relocate(exc, source.parent) from exc


def _import(
    source: Path,
    spec_root: Path,
    select: Sequence[str],
    version: str | None,
    force: bool,
    config: GeneratorConfig | None,
) -> ImportReport:
    owns_config = config is None
    if config is None:
        config = load_config(spec_root / CONFIG_FILE)
    patterns = tuple(select) or config.operations
    # Only what the selected operations reach is read: upstream common files refer to many
    # files an import does not need.
    spec = load_spec(source, follow_refs=False)
    api_version, notes = upstream_api_version(source, spec, version)
    target = spec_root / api_version
    if target.exists() and not force:
        raise ImportRefused(
            f"{spec_root.name}/{api_version} exists already; pass --force to replace it"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing examples are reported as notes instead
        bundle = make_bundle(spec, patterns, config.entry)
    base = _upstream_root(spec)
    for missing in bundle.missing_examples:
        notes.append(
            f"example {_label(spec, base, missing)} is missing or not valid JSON; "
            "imported without it"
        )
    left_out = [o for o in operation_ids(spec) if o not in bundle.operations]
    if left_out:
        notes.append(
            f"{source.name} has {len(left_out)} operation(s) the selection does not take "
            f"({', '.join(left_out)}); pass --select to take them"
        )
    files = {name: _dump(document) for name, document in bundle.documents.items()}
    files[PROVENANCE_FILE] = _dump(
        _provenance(spec, bundle, base, api_version, patterns, notes, source)
    )
    _write_atomically(target, files)
    written = None
    if owns_config and select and write_operations(spec_root / CONFIG_FILE, patterns):
        written = patterns
    return ImportReport(
        api_version=api_version,
        folder=target,
        operations=bundle.operations,
        files=tuple(sorted(files)),
        notes=tuple(notes),
        selection_written=written,
    )


def _provenance(
    spec: SpecSet,
    bundle: Bundle,
    base: Path,
    api_version: str,
    patterns: Sequence[str],
    notes: list[str],
    source: Path,
) -> dict[str, Any]:
    return {
        "api_version": api_version,
        "importer": f"vmss-runcommands-codegen {__version__}",
        "source": {
            "entry": _label(spec, base, spec.entry),
            "info_version": str((spec.entry_document.get("info") or {}).get("version") or ""),
            "root": base.name,
        },
        "selection": list(patterns),
        "operations": list(bundle.operations),
        "files": {
            name: {
                "source": _label(spec, base, origin),
                "sha256": hashlib.sha256(spec.raw[origin]).hexdigest(),
            }
            for name, origin in sorted(bundle.sources.items())
        },
        "missing_examples": [_label(spec, base, m) for m in bundle.missing_examples],
        "notes": notes,
    }


def _upstream_root(spec: SpecSet) -> Path:
    """Azure's ``specification`` folder above the entry; else the folder holding every file read."""
    root = spec.root.resolve()
    for parent in (root, *root.parents):
        if parent.name == UPSTREAM_ROOT:
            return parent
    paths = [os.path.normpath(root / name) for name in spec.documents]
    return Path(os.path.commonpath([str(root), *paths]))


def _label(spec: SpecSet, base: Path, document: str) -> str:
    path = Path(os.path.normpath(spec.root.resolve() / document))
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return document


def _dump(document: Any) -> bytes:
    return (json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _write_atomically(target: Path, files: dict[str, bytes]) -> None:
    """Fill a temporary sibling of ``target``, then rename it into place."""
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.importing-", dir=target.parent))
    staging.chmod(target.parent.stat().st_mode & 0o777)  # mkdtemp's 0700 would outlive the rename
    retired: Path | None = None
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        if target.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{target.name}.replaced-", dir=target.parent))
            retired.rmdir()
            target.rename(retired)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        if retired is not None and retired.exists() and not target.exists():
            retired.rename(target)
        raise
    if retired is not None:
        shutil.rmtree(retired, ignore_errors=True)
