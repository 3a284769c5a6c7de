"""Generator settings the upstream description does not carry (spec/codegen.yaml)."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .ir import FailureSummary
from .load import SpecError

DEFAULT_OPERATIONS = ("VirtualMachineScaleSetVMRunCommands_*",)
CONFIG_FILE = "codegen.yaml"
_HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
_OPERATIONS_KEY = re.compile(r"^operations\s*:")


@dataclass(frozen=True)
class GeneratorConfig:
    package: str = "vmss_runcommands"
    distribution: str = "vmss-runcommands"
    client_name: str = "RunCommandsClient"
    entry: str = "runCommands.json"
    operations: tuple[str, ...] = DEFAULT_OPERATIONS
    # "Definition.wireName" of fields to treat as secrets even without x-ms-secret.
    secrets: frozenset[str] = field(default_factory=frozenset)
    # A subpackage whose main() `python -m <package>` runs; None emits no __main__.py.
    main_module: str | None = None
    # Per LRO result definition: what its error message shows when the operation fails.
    failure_summaries: Mapping[str, FailureSummary] = field(default_factory=dict)

    def selects(self, operation_id: str) -> bool:
        return any(fnmatch.fnmatchcase(operation_id, pattern) for pattern in self.operations)


def load_config(path: Path) -> GeneratorConfig:
    if not path.is_file():
        return GeneratorConfig()
    try:
        data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise SpecError(
            f"{path.as_posix()}: not valid YAML ({' '.join(str(exc).split())})"
        ) from exc
    if not isinstance(data, dict):
        raise SpecError(f"{path.as_posix()}: expected a mapping at the top level")
    known = {
        "package",
        "distribution",
        "client_name",
        "entry",
        "operations",
        "secrets",
        "main_module",
        "failure_summaries",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"{path.as_posix()}: unknown setting(s) {', '.join(unknown)}")
    secrets = data.get("secrets", [])
    operations = data.get("operations", list(DEFAULT_OPERATIONS))
    for name, value in (("secrets", secrets), ("operations", operations)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"{path.as_posix()}: {name} must be a list of strings")
    main_module = data.get("main_module")
    if main_module is not None and (
        not isinstance(main_module, str) or not main_module.isidentifier()
    ):
        raise SpecError(f"{path.as_posix()}: main_module must be a module name such as 'cli'")
    failure_summaries = _failure_summaries(path, data.get("failure_summaries", {}))
    return GeneratorConfig(
        failure_summaries=failure_summaries,
        package=str(data.get("package", GeneratorConfig.package)),
        distribution=str(data.get("distribution", GeneratorConfig.distribution)),
        client_name=str(data.get("client_name", GeneratorConfig.client_name)),
        entry=str(data.get("entry", GeneratorConfig.entry)),
        operations=tuple(operations),
        secrets=frozenset(secrets),
        main_module=main_module,
    )


def write_operations(path: Path, patterns: Sequence[str]) -> bool:
    """Make ``operations`` of the codegen.yaml at ``path`` exactly ``patterns``, keeping the
    other settings and the comments; False when it said so already.

    ``import --select`` calls this, so that what an import bundles is what ``generate`` binds:
    the selection has one home, this file.
    """
    patterns = list(patterns)
    current = load_config(path)
    if path.is_file() and list(current.operations) == patterns:
        return False
    block = ["operations:", *(f"  - {json.dumps(p)}" for p in patterns)]
    lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
    start = next((i for i, line in enumerate(lines) if _OPERATIONS_KEY.match(line)), None)
    if start is None:
        lines.extend(block)
    else:
        end = start + 1
        while end < len(lines) and lines[end].startswith((" ", "\t", "-")):
            end += 1
        lines[start:end] = block
    text = "\n".join(lines) + "\n"
    data: Any = yaml.safe_load(text)
    if not isinstance(data, dict) or data.get("operations") != patterns:
        # A layout this edit does not understand: write the settings plainly instead.
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data = {**(data or {}), "operations": patterns}
        text = yaml.safe_dump(data, sort_keys=False)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return True


def declared_operations(entry: Path) -> Iterator[str]:
    """The operationIds an api-version folder's entry file declares, in path order."""
    try:
        document: Any = json.loads(entry.read_bytes())
    except (OSError, ValueError):
        return  # generate reports an unreadable spec with its location
    if not isinstance(document, dict):
        return
    for key in ("paths", "x-ms-paths"):
        items = document.get(key)
        for item in items.values() if isinstance(items, dict) else ():
            for method, raw in item.items() if isinstance(item, dict) else ():
                if method in _HTTP_METHODS and isinstance(raw, dict):
                    yield str(raw.get("operationId", ""))


def unselected_operations(
    version_dirs: Sequence[Path], config: GeneratorConfig
) -> dict[str, list[str]]:
    """Per api-version folder, the operations its description has and ``config`` does not bind."""
    found: dict[str, list[str]] = {}
    for folder in version_dirs:
        left_out = [o for o in declared_operations(folder / config.entry) if not config.selects(o)]
        if left_out:
            found[folder.name] = left_out
    return found


def _failure_summaries(path: Path, data: Any) -> dict[str, FailureSummary]:
    where = f"{path.as_posix()}: failure_summaries"
    if not isinstance(data, dict):
        raise SpecError(f"{where} must map definition names to {{path, fields, stream}}")
    summaries: dict[str, FailureSummary] = {}
    for name, entry in data.items():
        if not isinstance(entry, dict) or set(entry) - {"path", "fields", "stream"}:
            raise SpecError(f"{where}.{name} takes only path, fields and stream")
        lists = [entry.get("path"), entry.get("fields")]
        if not all(isinstance(v, list) and all(isinstance(i, str) for i in v) for v in lists):
            raise SpecError(f"{where}.{name}: path and fields must be lists of strings")
        stream = entry.get("stream")
        if stream is not None and not isinstance(stream, str):
            raise SpecError(f"{where}.{name}: stream must be a field name")
        summaries[str(name)] = FailureSummary(
            path=tuple(entry["path"]), fields=tuple(entry["fields"]), stream=stream
        )
    return summaries
