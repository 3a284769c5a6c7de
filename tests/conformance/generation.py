"""Generate a client package from one AutoRest test-server Swagger file, as shipped.

Each operation is first built on its own, so one construct the generator does not handle yet
costs only the operations that use it; the package is then rendered from the operations that
built. The file is copied byte for byte into an api-version folder named after its
``info.version``, which is the layout ``codegen`` reads.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from codegen.build import build_api_version
from codegen.config import GeneratorConfig
from codegen.format import format_tree
from codegen.render import render_package

HTTP_METHODS = ("get", "put", "post", "patch", "delete", "head", "options")
CLIENT_NAME = "AutoRestClient"


@dataclass
class FileGeneration:
    """What the generator made of one Swagger file."""

    spec: str
    package: str
    operations: list[str]
    generated: list[str] = field(default_factory=list)
    failures: dict[str, str] = field(default_factory=dict)  # operationId -> the generator's error
    package_error: str | None = None  # rendering, formatting or importing the package failed

    def to_json(self) -> dict[str, Any]:
        return {
            "spec": self.spec,
            "package": self.package,
            "operations": self.operations,
            "generated": self.generated,
            "failures": self.failures,
            "package_error": self.package_error,
        }


def operation_ids(document: dict[str, Any]) -> list[str]:
    found = []
    for key in ("paths", "x-ms-paths"):
        for item in (document.get(key) or {}).values():
            for method in HTTP_METHODS:
                raw = item.get(method) if isinstance(item, dict) else None
                if isinstance(raw, dict) and isinstance(raw.get("operationId"), str):
                    found.append(raw["operationId"])
    return found


def _describe(exc: BaseException, folder: Path) -> str:
    """The error, with the folder of the copied file left out (it is this machine's path)."""
    text = " ".join(str(exc).split())
    for prefix in {str(folder.resolve()), str(folder)}:
        text = text.replace(prefix + "/", "")
    return f"{type(exc).__name__}: {text}"[:300]


def generate_file(swagger: Path, package: str, clients: Path, work: Path) -> FileGeneration:
    """Generate ``swagger`` into ``clients/<package>`` (with the runtime beside it)."""
    document = json.loads(swagger.read_bytes())
    version = str((document.get("info") or {}).get("version") or "1.0.0")
    version_dir = work / package / version
    version_dir.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(swagger, version_dir / swagger.name)
    result = FileGeneration(swagger.name, package, operation_ids(document))
    target = clients / package
    if target.exists():  # never leave an earlier run's package to be tested
        shutil.rmtree(target)

    def config(operations: list[str]) -> GeneratorConfig:
        return GeneratorConfig(
            package=package,
            distribution=package.replace("_", "-"),
            client_name=CLIENT_NAME,
            entry=swagger.name,
            operations=tuple(operations),
            main_module=None,
        )

    def render(operations: list[str]) -> dict[str, str]:
        """Build and render ``operations``; raises what the generator raises."""
        api = build_api_version(version_dir, config(operations))
        files = render_package([api], config(operations))
        for relative, text in files.items():
            if relative.endswith(".py"):
                compile(text, relative, "exec")
        return files

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for operation in result.operations:
            try:
                render([operation])
            except Exception as exc:  # every generator failure is a finding to report
                result.failures[operation] = _describe(exc, version_dir)
            else:
                result.generated.append(operation)
        if not result.generated:
            return result
        try:
            files = render(result.generated)
        except Exception:
            # Operations that build alone but not together: keep the largest prefix that does.
            files, accepted = {}, []
            for operation in list(result.generated):
                try:
                    files = render([*accepted, operation])
                except Exception as exc:
                    result.failures[operation] = "together with the others: " + _describe(
                        exc, version_dir
                    )
                else:
                    accepted.append(operation)
            result.generated = accepted
            if not accepted:
                return result
        try:
            for relative, text in files.items():
                path = target / relative
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="\n")
            format_tree(target)
        except Exception as exc:
            result.package_error = _describe(exc, version_dir)
            return result
    shutil.copytree(
        runtime_folder(), target / "runtime", ignore=shutil.ignore_patterns("__pycache__")
    )
    check = subprocess.run(
        [sys.executable, "-c", f"import {package}"],
        cwd=clients,
        capture_output=True,
        text=True,
        check=False,
    )
    if check.returncode != 0:
        lines = check.stderr.strip().splitlines()
        result.package_error = f"import failed: {lines[-1] if lines else check.returncode}"
    return result


def runtime_folder() -> Path:
    import vmss_runcommands.runtime

    return Path(vmss_runcommands.runtime.__file__).parent
