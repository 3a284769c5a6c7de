"""Generator settings the upstream description does not carry (spec/codegen.yaml)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .load import SpecError

DEFAULT_OPERATIONS = ("VirtualMachineScaleSetVMRunCommands_*",)


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

    def selects(self, operation_id: str) -> bool:
        return any(fnmatch.fnmatchcase(operation_id, pattern) for pattern in self.operations)


def load_config(path: Path) -> GeneratorConfig:
    if not path.is_file():
        return GeneratorConfig()
    data: Any = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise SpecError(f"{path.name}: expected a mapping at the top level")
    known = {
        "package",
        "distribution",
        "client_name",
        "entry",
        "operations",
        "secrets",
        "main_module",
    }
    unknown = sorted(set(data) - known)
    if unknown:
        raise SpecError(f"{path.name}: unknown setting(s) {', '.join(unknown)}")
    secrets = data.get("secrets", [])
    operations = data.get("operations", list(DEFAULT_OPERATIONS))
    for name, value in (("secrets", secrets), ("operations", operations)):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(f"{path.name}: {name} must be a list of strings")
    main_module = data.get("main_module")
    if main_module is not None and (
        not isinstance(main_module, str) or not main_module.isidentifier()
    ):
        raise SpecError(f"{path.name}: main_module must be a module name such as 'cli'")
    return GeneratorConfig(
        package=str(data.get("package", GeneratorConfig.package)),
        distribution=str(data.get("distribution", GeneratorConfig.distribution)),
        client_name=str(data.get("client_name", GeneratorConfig.client_name)),
        entry=str(data.get("entry", GeneratorConfig.entry)),
        operations=tuple(operations),
        secrets=frozenset(secrets),
        main_module=main_module,
    )
